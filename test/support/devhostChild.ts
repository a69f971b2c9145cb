/**
 * devhost as a child process for the crash tests: the small crash fixture unless told otherwise.
 * The launcher itself is the soak's (`soak/devhostChild.ts`), which runs from `dist/` too.
 */
import * as path from 'node:path';
import { devhostCli } from '../../soak/paths';
import {
  type DevhostChild,
  type DevhostChildOptions,
  startDevhostChild as startChild,
} from '../../soak/devhostChild';

export type { DevhostChild };

export const CLI = devhostCli();
export const CRASH_APP = path.resolve(__dirname, '../fixtures/crash-app');

/** `appDir` defaults to the small crash fixture; the app's own checks pass the repository root. */
export function startDevhostChild(
  env: Record<string, string>,
  appDir: string = CRASH_APP,
  options: DevhostChildOptions = {},
): Promise<DevhostChild> {
  return startChild(env, appDir, options);
}
