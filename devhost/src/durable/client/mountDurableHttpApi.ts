/**
 * Plugs the Durable HTTP API into a running devhost: the public webhook mount, the key rules the
 * host enforces (through the host's own key checker), and the `durableClient` input provider. The
 * durable plugin hands its plugin context straight in.
 */
import type { PluginContext } from '../../plugins/types';
import type { Clock } from '../../clock/clock';
import { createDurableHttpApi, type DurableHttpApi } from './durableHttpApi';
import { registerDurableClientInput, type InputProviderHost } from './inputProvider';
import type { DurableOperations } from './operations';
import { WEBHOOK_PATH } from './webhookLinks';

/** The host system key that guards the Durable webhooks (the master key passes too). */
const DURABLE_SYSTEM_KEY_NAME = 'durabletask_extension';

/** The parts of devhost's `PluginContext` this needs (a `PluginContext` is one). */
export type DurableApiHostContext = Pick<
  PluginContext,
  'origin' | 'keys' | 'mountHttp' | 'logger' | 'maxRequestBodyBytes'
> & {
  readonly app: InputProviderHost;
};

export interface MountedDurableHttpApi {
  readonly api: DurableHttpApi;
  close(): Promise<void>;
}

export async function mountDurableHttpApi(
  context: DurableApiHostContext,
  options: {
    operations: DurableOperations;
    clock: Clock;
    taskHubName?: string;
    log?: (message: string) => void;
    rpcPort?: number;
  },
): Promise<MountedDurableHttpApi> {
  const api = await createDurableHttpApi({
    log: (message) => context.logger.error(message),
    ...options,
    origin: context.origin,
    maxRequestBodyBytes: context.maxRequestBodyBytes,
    // Links carry the key only where it is asked for (see docs/differences.md).
    systemKey: context.keys.enforced ? context.keys.keys.systemKeys[DURABLE_SYSTEM_KEY_NAME] : undefined,
    authorize: (request) => context.keys.check({ systemKey: DURABLE_SYSTEM_KEY_NAME }, request),
  });
  const mount = context.mountHttp(`${WEBHOOK_PATH}/`, (req, res, request) =>
    api.handlePublic(req, res, request),
  );
  const unregister = registerDurableClientInput(context.app, api.inputProvider);
  return {
    api,
    close: async () => {
      unregister();
      mount.dispose();
      await api.close();
    },
  };
}
