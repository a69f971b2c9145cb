/**
 * What devhost prints once it is ready: the app's functions with their URLs, where the keys are,
 * and the "Listening on" line (tools wait for it, so it is printed only when requests are served);
 * and the warning naming functions whose trigger type nothing serves.
 */
import { isFunctionDisabled } from '../config/appSettings';
import { DASHBOARD_PATH } from '../http/dashboardAssets';
import type { KeyChecker } from '../http/keys';
import { isHttpTrigger, type HttpRoute } from '../http/routeTable';
import type { Logger } from '../log/logger';
import type { DevhostPlugin } from '../plugins/types';
import type { FunctionAppHandle } from '../worker/types';

/** Trigger types the host itself serves. Plugins add theirs. */
const builtInTriggerTypes = ['httpTrigger'];

export function printBanner(
  app: Pick<FunctionAppHandle, 'directory' | 'functions'>,
  routes: readonly HttpRoute[],
  origin: string,
  keys: KeyChecker,
  logger: Logger,
  /** The app settings, for `AzureWebJobs.<name>.Disabled`. */
  env: Readonly<Record<string, string | undefined>>,
): void {
  const lines = [`Function app: ${app.directory}`, 'Functions:'];
  for (const fn of app.functions()) {
    const route = routes.find((r) => r.functionName === fn.name);
    const disabled = isFunctionDisabled(fn.name, env) ? ' (disabled)' : '';
    if (route && isHttpTrigger(fn)) {
      const methods = route.methods.length ? route.methods.join(',') : 'ALL';
      const needsKey = keys.enforced && route.authLevel !== 'anonymous';
      lines.push(
        `  ${fn.name}: [${methods}] ${origin}/${route.template.text}${needsKey ? '?code=<see keys.json>' : ''}${disabled}`,
      );
    } else {
      lines.push(`  ${fn.name}: ${fn.trigger.type}${disabled}`);
    }
  }
  lines.push(
    `Keys: ${keys.file} (${
      keys.enforced
        ? 'enforced, as on Azure'
        : 'not checked, as with func start; pass --enforce-keys to check them'
    })`,
  );
  lines.push(`Dashboard: ${origin}${DASHBOARD_PATH}${keys.enforced ? ' (asks for the master key)' : ''}`);
  lines.push(`Listening on ${origin}`);
  logger.info(lines.join('\n'), { banner: true, url: origin, keysFile: keys.file });
}

export function warnAboutUnservedTriggers(
  app: Pick<FunctionAppHandle, 'functions'>,
  plugins: readonly DevhostPlugin[],
  logger: Logger,
): void {
  const served = new Set(
    [...builtInTriggerTypes, ...plugins.flatMap((p) => p.triggerTypes)].map((t) => t.toLowerCase()),
  );
  const unserved = app.functions().filter((fn) => !served.has(fn.trigger.type.toLowerCase()));
  if (unserved.length === 0) return;
  logger.warn(
    `devhost does not serve these trigger types, so these functions will not run: ` +
      unserved.map((fn) => `${fn.name} (${fn.trigger.type})`).join(', ') +
      `. Served trigger types: ${[...served].join(', ')}.`,
  );
}
