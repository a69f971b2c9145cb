/** Registered function names, compared case-insensitively as the extension's `FunctionName` does. */

/** `DurableTaskExtension.GetInvalid*FunctionMessage`. */
export function unknownFunctionMessage(
  name: string,
  kind: 'activity' | 'orchestrator' | 'entity',
  known: ReadonlySet<string>,
): string {
  const info =
    known.size > 0
      ? `The following are the known ${kind} functions: '${[...known].join("', '")}'.`
      : `No ${kind} functions are currently registered!`;
  return `The function '${name}' doesn't exist, is disabled, or is not an ${kind} function. Additional info: ${info}`;
}

export function hasName(names: ReadonlySet<string>, name: string): boolean {
  // The common case, an exact match, without lowercasing every name for every action replayed.
  if (names.has(name)) return true;
  const wanted = name.toLowerCase();
  for (const n of names) if (n.toLowerCase() === wanted) return true;
  return false;
}
