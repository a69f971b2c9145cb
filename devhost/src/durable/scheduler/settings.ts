/**
 * host.json `extensions.durableTask` as the engine uses it, with the extension's defaults
 * (docs/protocol.md §9). Bad values get an error naming the setting; nothing starts.
 */
import { cpus } from 'node:os';
import { z } from 'zod';
import { resolveAppSettings } from '../../config/appSettings';
import { parseTimeSpan } from '../../protocol/timeSpan';

/** EXT 2.13.7 `OverridableStates`: which existing instances a start with the same id may replace. */
export type OverridableStates = 'AnyState' | 'NonRunningStates';

export interface EngineSettings {
  hubName: string;
  /** `overridableExistingInstanceStates` (default `NonRunningStates`: a start over a live instance is refused). */
  overridableExistingInstanceStates: OverridableStates;
  maxConcurrentActivityFunctions: number;
  maxConcurrentOrchestratorFunctions: number;
  controlQueueVisibilityTimeoutMs: number;
  workItemQueueVisibilityTimeoutMs: number;
  maximumShortTimerMs: number;
  longRunningTimerIntervalMs: number;
  defaultHttpAsyncRequestSleepMs: number;
  /** Operations per entity batch (one entity function invocation). */
  maxEntityOperationBatchSize: number;
  /** `entityMessageReorderWindowInMinutes`: how long entity message labels take part in ordering. */
  entityMessageReorderWindowMs: number;
}

/** A positive .NET TimeSpan, as the extension's options read it (e.g. `"00:05:00"`). */
const timeSpan = z.string().transform((value, ctx) => {
  const ms = parseTimeSpan(value);
  if (ms === undefined || ms <= 0) {
    ctx.addIssue({
      code: 'custom',
      message: `'${value}' is not a positive TimeSpan; write it as hh:mm:ss, e.g. "00:05:00"`,
    });
    return z.NEVER;
  }
  return ms;
});

/**
 * .NET configuration binding reads an enum case-insensitively, or as its number (`AnyState` = 0,
 * `NonRunningStates` = 1); anything else stops the host.
 */
const overridableStates = z.union([z.string(), z.number()]).transform((value, ctx): OverridableStates => {
  const text = String(value).trim().toLowerCase();
  if (text === 'anystate' || text === '0') return 'AnyState';
  if (text === 'nonrunningstates' || text === '1') return 'NonRunningStates';
  ctx.addIssue({ code: 'custom', message: `'${value}' is not one of AnyState, NonRunningStates` });
  return z.NEVER;
});

const durableTaskSchema = z.looseObject({
  hubName: z.string().optional(),
  overridableExistingInstanceStates: overridableStates.optional(),
  maxConcurrentActivityFunctions: z.number().int().min(1).optional(),
  maxConcurrentOrchestratorFunctions: z.number().int().min(1).optional(),
  maxEntityOperationBatchSize: z.number().int().min(1).optional(),
  entityMessageReorderWindowInMinutes: z.number().int().min(0).optional(),
  httpSettings: z
    .looseObject({ defaultAsyncRequestSleepTimeMilliseconds: z.number().int().min(0).optional() })
    .optional(),
  storageProvider: z
    .looseObject({
      controlQueueVisibilityTimeout: timeSpan.optional(),
      workItemQueueVisibilityTimeout: timeSpan.optional(),
    })
    .optional(),
});

class DurableSettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DurableSettingsError';
  }
}

/** Hub names: alphanumeric, starting with a letter, 3–45 characters (the extension's rule). */
const HUB_NAME = /^[A-Za-z][A-Za-z0-9]{2,44}$/;

/**
 * Reads `extensions.durableTask`. `%NAME%` in `hubName` is replaced from `env`, as the host's
 * name resolver does (`MissingAppSettingError` when it is not set); without a hub name the
 * extension uses `WEBSITE_SITE_NAME` or `TestHubName`.
 */
export function readEngineSettings(
  durableTask: unknown,
  env: Record<string, string | undefined>,
): EngineSettings {
  const parsed = durableTaskSchema.safeParse(durableTask ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = ['extensions', 'durableTask', ...(issue?.path ?? []).map(String)].join('.');
    throw new DurableSettingsError(`host.json ${path}: ${issue?.message ?? 'invalid value'}.`);
  }
  const settings = parsed.data;
  const cpuCount = Math.max(1, cpus().length);
  const hubName = resolveHubName(settings.hubName, env);
  return {
    hubName,
    overridableExistingInstanceStates: settings.overridableExistingInstanceStates ?? 'NonRunningStates',
    maxConcurrentActivityFunctions: settings.maxConcurrentActivityFunctions ?? 10 * cpuCount,
    maxConcurrentOrchestratorFunctions: settings.maxConcurrentOrchestratorFunctions ?? 10 * cpuCount,
    controlQueueVisibilityTimeoutMs: settings.storageProvider?.controlQueueVisibilityTimeout ?? 5 * 60_000,
    workItemQueueVisibilityTimeoutMs: settings.storageProvider?.workItemQueueVisibilityTimeout ?? 5 * 60_000,
    maximumShortTimerMs: 6 * 86_400_000,
    longRunningTimerIntervalMs: 3 * 86_400_000,
    defaultHttpAsyncRequestSleepMs: settings.httpSettings?.defaultAsyncRequestSleepTimeMilliseconds ?? 30_000,
    maxEntityOperationBatchSize: settings.maxEntityOperationBatchSize ?? 5000,
    entityMessageReorderWindowMs: (settings.entityMessageReorderWindowInMinutes ?? 30) * 60_000,
  };
}

function resolveHubName(configured: string | undefined, env: Record<string, string | undefined>): string {
  let name =
    configured === undefined || configured === ''
      ? undefined
      : resolveAppSettings(configured, env, 'host.json extensions.durableTask.hubName');
  if (name === undefined) {
    const site = env.WEBSITE_SITE_NAME?.replace(/[^A-Za-z0-9]/g, '');
    name = site !== undefined && site !== '' ? site : 'TestHubName';
  }
  if (!HUB_NAME.test(name)) {
    throw new DurableSettingsError(
      `The task hub name '${name}' is not valid: use 3 to 45 letters and digits, starting with a letter.`,
    );
  }
  return name;
}
