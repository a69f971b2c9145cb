/** The app's settings as `func` sees them: local.settings.json `Values`, overridden by the environment. */
import { readLocalSettings } from '../config/localSettings';

export function readAppSettings(
  appDir: string,
  env: Record<string, string | undefined> = process.env,
): Record<string, string | undefined> {
  return { ...readLocalSettings(appDir).values, ...env };
}
