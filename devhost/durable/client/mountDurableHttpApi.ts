/**
 * Plugs the Durable HTTP API into a running devhost: the public webhook mount, the key rules the
 * host enforces, and the `durableClient` input provider. Written against the parts of devhost's
 * plugin context it needs, so the durable plugin hands its context straight in.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../scheduler/clock';
import { createDurableHttpApi, type DurableHttpApi } from './durableHttpApi';
import { registerDurableClientInput, type InputProviderHost } from './inputProvider';
import type { DurableOperations } from './operations';
import { DURABLE_SYSTEM_KEY_NAME } from './webhookAuth';
import { WEBHOOK_PATH } from './webhookLinks';

export interface DurableApiHostContext {
  /** The public origin every generated URL uses. */
  readonly origin: string;
  readonly app: InputProviderHost;
  readonly keys: {
    readonly enforced: boolean;
    readonly keys: { readonly masterKey: string; readonly systemKeys: Readonly<Record<string, string>> };
  };
  mountHttp(
    prefix: string,
    handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>,
  ): { dispose(): unknown };
}

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
  const { enforced, keys } = context.keys;
  const api = await createDurableHttpApi({
    ...options,
    origin: context.origin,
    keys: enforced
      ? { systemKey: keys.systemKeys[DURABLE_SYSTEM_KEY_NAME], masterKey: keys.masterKey }
      : undefined,
  });
  const mount = context.mountHttp(`${WEBHOOK_PATH}/`, (req, res) => api.handlePublic(req, res));
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
