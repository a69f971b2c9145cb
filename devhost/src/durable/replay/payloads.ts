/**
 * How action inputs become the JSON text DTF stores and sends. Activities get DTF's one-element
 * parameter array (`ScheduleTask(name, version, input)` serializes `params object[]`); sub-orchestrations
 * and continue-as-new get the input itself. The SDK has already stringified JS strings once more for
 * activities and continue-as-new (`Utils.processInput`); that is kept, as the extension keeps it.
 */

export function serializeInput(input: unknown): string | null {
  return input === undefined || input === null ? null : JSON.stringify(input);
}

/** DTF's parameter array for `ScheduleTask`: what the activity message and `TaskScheduled.Input` would carry. */
export function activityParameters(input: unknown): string {
  return JSON.stringify([input === undefined ? null : input]);
}

/**
 * The text the extension binds to a Node activity trigger for a parameter array
 * (`DurableActivityContext.GetInput` for a string binding): a string parameter as its raw value,
 * anything else as JSON text; null when there is none.
 */
export function activityBindingText(parameters: string | null): string | null {
  if (parameters === null) return null;
  const parsed = JSON.parse(parameters) as unknown;
  const first: unknown = Array.isArray(parsed) ? parsed[0] : parsed;
  if (first === undefined || first === null) return null;
  return typeof first === 'string' ? first : JSON.stringify(first);
}

/**
 * The value the activity function finally receives: the Node worker parses binding text that is
 * valid JSON (`tryJsonParse`), which undoes the SDK's extra stringify of string inputs.
 */
export function activityInputValue(parameters: string | null): unknown {
  const text = activityBindingText(parameters);
  if (text === null) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
