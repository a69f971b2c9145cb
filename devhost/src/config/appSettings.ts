/**
 * `%Setting%` references, as the host's name resolver replaces them in host.json and binding
 * attributes (e.g. `"hubName": "%TASKHUB_NAME%"`, a timer's `schedule`): each name is looked up in
 * the app settings (the environment). The one resolver devhost uses for them.
 */
export class MissingAppSettingError extends Error {
  override readonly name = 'MissingAppSettingError';
  constructor(
    readonly setting: string,
    where: string,
  ) {
    super(
      `${where} refers to the app setting '${setting}', which is not set. ` +
        `Add it to local.settings.json "Values" or to the environment.`,
    );
  }
}

/** Replaces every `%NAME%` in `text`; `%%` stays a literal `%`. Throws naming a missing setting. */
export function resolveAppSettings(
  text: string,
  env: Record<string, string | undefined>,
  where = 'A setting',
): string {
  return text.replace(/%([^%]*)%/g, (_whole, name: string) => {
    if (name === '') return '%';
    const value = env[name];
    if (value === undefined) throw new MissingAppSettingError(name, where);
    return value;
  });
}

/** `resolveAppSettings` applied to every string inside a JSON value. */
export function resolveAppSettingsDeep<T>(
  value: T,
  env: Record<string, string | undefined>,
  where = 'A setting',
): T {
  if (typeof value === 'string') return resolveAppSettings(value, env, where) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => resolveAppSettingsDeep(v, env, where)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, resolveAppSettingsDeep(v, env, `${where}.${k}`)]),
    ) as T;
  }
  return value;
}

/**
 * Whether the app settings disable a function, as the host reads them (WebJobs SDK
 * `FunctionIndexer.IsDisabled`): `AzureWebJobs.<name>.Disabled`, or `AzureWebJobs_<name>_Disabled`
 * where a variable name cannot hold dots, set to `true` or `1` (any case). Setting names are
 * case-insensitive there (.NET configuration), so they are here. Source: Microsoft Learn, "How to
 * disable functions in Azure Functions" (docs/differences.md, "Disabled functions").
 */
export function isFunctionDisabled(functionName: string, env: Record<string, string | undefined>): boolean {
  const names = new Set(
    [`AzureWebJobs.${functionName}.Disabled`, `AzureWebJobs_${functionName}_Disabled`].map((n) =>
      n.toLowerCase(),
    ),
  );
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined || !names.has(key.toLowerCase())) continue;
    const text = value.toLowerCase();
    if (text === 'true' || text === '1') return true;
  }
  return false;
}
