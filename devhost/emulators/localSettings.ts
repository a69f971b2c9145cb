/** The app's settings as `func` sees them: local.settings.json `Values`, overridden by the environment. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EmulatorError } from './errors';

export function readAppSettings(
  appDir: string,
  env: Record<string, string | undefined> = process.env,
): Record<string, string | undefined> {
  const file = path.join(appDir, 'local.settings.json');
  let values: Record<string, unknown> = {};
  if (fs.existsSync(file)) {
    try {
      const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { Values?: Record<string, unknown> };
      values = parsed.Values ?? {};
    } catch (err) {
      throw new EmulatorError(`${file} is not valid JSON (${String(err)}): fix it, then start again.`);
    }
  }
  const out: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(values)) if (typeof value === 'string') out[key] = value;
  return { ...out, ...env };
}
