/** Fixed, documented defaults of the local stack. Every one can be changed by a flag or variable. */

/** The Cosmos DB emulator's published, well-known account key (not a secret). */
export const COSMOS_EMULATOR_KEY =
  'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==';

/** Azurite's published development account and key (not a secret). */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export const DEFAULT_PORTS = { blob: 10000, queue: 10001, table: 10002, cosmos: 8081 } as const;
export const DEFAULT_HOST = '127.0.0.1';

export type EmulatorName = 'azurite' | 'cosmos';
export const EMULATOR_NAMES: readonly EmulatorName[] = ['azurite', 'cosmos'];

/** Environment variables that move the ports (flags win over them). */
export const PORT_ENV = {
  blob: 'DEVHOST_AZURITE_BLOB_PORT',
  queue: 'DEVHOST_AZURITE_QUEUE_PORT',
  table: 'DEVHOST_AZURITE_TABLE_PORT',
  cosmos: 'DEVHOST_COSMOS_PORT',
} as const;

/** Everything devhost keeps for an app lives under this folder of the app directory. */
export const STATE_DIR = '.devhost';
