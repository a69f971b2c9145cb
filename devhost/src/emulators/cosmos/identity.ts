/**
 * How devhost's Cosmos server names itself to a health check. Apart from the server, so probing a
 * port never loads `@vercel/cosmosdb-server` (an optional dependency).
 */

/** Path on the Cosmos port that tells a health check it reached devhost's Cosmos server. */
export const IDENTITY_PATH = '/_devhost/emulator';
export const COSMOS_EMULATOR_NAME = 'devhost-cosmos';

export interface CosmosIdentity {
  emulator: typeof COSMOS_EMULATOR_NAME;
  pid: number;
  dataDir: string | null;
}
