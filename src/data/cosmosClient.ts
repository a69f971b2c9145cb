import { CosmosClient, type CosmosClientOptions } from '@azure/cosmos';
import { DefaultAzureCredential, ManagedIdentityCredential } from '@azure/identity';
import { type AppConfig } from '../config';

/**
 * 429s are retried by the SDK itself, honouring the server's retry-after. Nine attempts within
 * 30 s is the SDK default; it is written here so the policy is visible and documented.
 */
const THROTTLE_RETRY = { maxRetryAttemptCount: 9, maxWaitTimeInSeconds: 30 } as const;

/** The one place a CosmosClient is made: key locally, Entra ID (managed identity) in Azure. */
export function createCosmosClient(config: AppConfig): CosmosClient {
  const isLocal = /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:|\/|$)/.test(config.COSMOS_ENDPOINT);
  const base: CosmosClientOptions = {
    endpoint: config.COSMOS_ENDPOINT,
    connectionPolicy: {
      // The local server advertises an https endpoint it does not serve; stay on the one we were given.
      enableEndpointDiscovery: !isLocal,
      retryOptions: { ...THROTTLE_RETRY, fixedRetryIntervalInMilliseconds: 0 },
    },
  };
  if (config.COSMOS_AUTH === 'managedIdentity') {
    const aadCredentials = config.AZURE_CLIENT_ID
      ? new ManagedIdentityCredential({ clientId: config.AZURE_CLIENT_ID })
      : new DefaultAzureCredential();
    return new CosmosClient({ ...base, aadCredentials });
  }
  return new CosmosClient({ ...base, key: config.COSMOS_KEY });
}
