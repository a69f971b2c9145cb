/** A configuration file (host.json, local.settings.json) that devhost cannot use as written. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    message: string,
    readonly file: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

export function readJsonFile(file: string, text: string): unknown {
  try {
    // local.settings.json often carries a BOM when saved by Windows editors.
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new ConfigError(
      `${file} is not valid JSON: ${(err as Error).message}`,
      file,
      'Fix the JSON syntax.',
    );
  }
}
