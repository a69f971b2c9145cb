import { z } from 'zod';
import { APPROVAL_DEFAULT_TIMEOUT_SECONDS, APPROVAL_MAX_TIMEOUT_SECONDS } from './domain/limits';

const intSetting = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

export const ConfigSchema = z
  .object({
    COSMOS_ENDPOINT: z.url(),
    COSMOS_DATABASE: z.string().min(1),
    /** `key` uses COSMOS_KEY (emulator locally); `managedIdentity` uses Entra ID in Azure. */
    COSMOS_AUTH: z.enum(['key', 'managedIdentity']).default('key'),
    COSMOS_KEY: z.string().min(1).optional(),
    /** Client id of a user-assigned identity; absent means the system-assigned one. */
    AZURE_CLIENT_ID: z.string().min(1).optional(),
    PAYMENT_GATEWAY_LATENCY_MS: intSetting(0, 10_000, 5),
    /**
     * The origin clients reach the app at (`https://orders.example.com`): every link the app
     * answers with starts here. Absent means `https://<WEBSITE_HOSTNAME>`. Never the Host header,
     * which any caller can set.
     */
    PUBLIC_BASE_URL: z.url().optional(),
    /** Base URL put into approval links; defaults to PUBLIC_BASE_URL's rule. */
    APPROVAL_BASE_URL: z.url().optional(),
    WEBSITE_HOSTNAME: z.string().min(1).optional(),
    APPROVAL_TIMEOUT_SECONDS: intSetting(1, APPROVAL_MAX_TIMEOUT_SECONDS, APPROVAL_DEFAULT_TIMEOUT_SECONDS),
    /** A real downstream for resilientOrchestrator; absent means the simulated one. */
    DOWNSTREAM_URL: z.url().optional(),
    DOWNSTREAM_FAILURE_RATE: z.coerce.number().min(0).max(1).default(0.3),
    /** PurgeHistory deletes finished instances created longer ago than this. */
    HISTORY_RETENTION_DAYS: intSetting(1, 3650, 30),
    /**
     * ReconcileOrders abandons an order stored without a workflow once its last start attempt is
     * older than this. Keep it above host.json's functionTimeout (10 min): a starter still running
     * may yet start the workflow.
     */
    ORDER_RECONCILE_AFTER_SECONDS: intSetting(1, 30 * 24 * 3600, 3600),
  })
  .superRefine((cfg, ctx) => {
    if (cfg.COSMOS_AUTH === 'key' && !cfg.COSMOS_KEY) {
      ctx.addIssue({ code: 'custom', path: ['COSMOS_KEY'], message: 'Required when COSMOS_AUTH is "key"' });
    }
  });

export type AppConfig = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses settings from an environment; pure, so tests pass their own. */
export function parseConfig(env: Record<string, string | undefined>): AppConfig {
  // Empty strings in local.settings.json mean "not set", as they do in the portal.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = ConfigSchema.safeParse(cleaned);
  if (!result.success) {
    const problems = result.error.issues.map((i) => {
      const name = i.path.join('.');
      return cleaned[name] === undefined ? `${name} is missing (${i.message})` : `${name}: ${i.message}`;
    });
    throw new ConfigError(
      `App settings are invalid: ${problems.join('; ')}. Set them in local.settings.json (Values) or the Function App's settings.`,
    );
  }
  return result.data;
}

let cached: AppConfig | undefined;

/** The app's settings, parsed once from process.env on first use. */
export function getConfig(): AppConfig {
  cached ??= parseConfig(process.env);
  return cached;
}

/** The app's public origin, without a trailing slash: PUBLIC_BASE_URL, else the platform's host name. */
export function publicBaseUrl(config: AppConfig): string {
  if (config.PUBLIC_BASE_URL) return config.PUBLIC_BASE_URL.replace(/\/+$/, '');
  const host = config.WEBSITE_HOSTNAME ?? 'localhost:7071';
  const local = /^(localhost|127\.0\.0\.1)(:|$)/.test(host);
  return `${local ? 'http' : 'https'}://${host}`;
}

export function approvalBaseUrl(config: AppConfig): string {
  if (config.APPROVAL_BASE_URL) return config.APPROVAL_BASE_URL.replace(/\/+$/, '');
  return publicBaseUrl(config);
}
