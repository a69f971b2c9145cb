/** How devhost runs Azurite (pinned 3.35.0 in package.json) and how the app reaches it. */
import { AZURITE_ACCOUNT, AZURITE_KEY } from './defaults';
import { MissingPackageError } from './errors';

export interface AzuritePorts {
  blob: number;
  queue: number;
  table: number;
}

export interface AzuriteLaunch {
  host: string;
  ports: AzuritePorts;
  /** Workspace folder (`--location`); ignored in memory. */
  location: string;
  inMemory: boolean;
}

export function azuriteArgs(launch: AzuriteLaunch): string[] {
  const args = [
    // There is no internet here and nobody asked for telemetry.
    '--disableTelemetry',
    // The storage SDKs the app and devhost use may be newer than this Azurite.
    '--skipApiVersionCheck',
    '--silent',
    '--blobHost',
    launch.host,
    '--queueHost',
    launch.host,
    '--tableHost',
    launch.host,
    '--blobPort',
    String(launch.ports.blob),
    '--queuePort',
    String(launch.ports.queue),
    '--tablePort',
    String(launch.ports.table),
  ];
  if (launch.inMemory) {
    // Without a limit Azurite reserves half of the machine's memory for blob contents.
    args.push('--inMemoryPersistence', '--extentMemoryLimit', '256');
  } else {
    args.push('--location', launch.location);
  }
  return args;
}

export function azuriteConnectionString(host: string, ports: AzuritePorts): string {
  const base = (port: number): string => `http://${host}:${port}/${AZURITE_ACCOUNT}`;
  return (
    `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};` +
    `BlobEndpoint=${base(ports.blob)};QueueEndpoint=${base(ports.queue)};TableEndpoint=${base(ports.table)};`
  );
}

export function resolveAzuriteEntry(): string {
  try {
    return require.resolve('azurite/dist/src/azurite.js');
  } catch {
    throw new MissingPackageError('azurite', 'the local storage emulator (Azurite)');
  }
}
