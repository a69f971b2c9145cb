/**
 * Turns `AzureWebJobsStorage` into the three service endpoints the store needs.
 * `UseDevelopmentStorage=true` means the local Azurite default endpoints (optionally behind
 * `DevelopmentStorageProxyUri`), as the storage SDKs and the Functions host read it; any other
 * value is a full connection string and is passed to the SDKs unchanged.
 */
const DEVSTORE_ACCOUNT = 'devstoreaccount1';
const DEVSTORE_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export class StorageConnectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StorageConnectionError';
  }
}

/** A connection string every storage SDK accepts, with the dev-storage shortcut expanded. */
export function resolveConnectionString(setting: string | undefined): string {
  const value = setting?.trim();
  if (value === undefined || value === '') {
    throw new StorageConnectionError(
      "The app setting 'AzureWebJobsStorage' is not set; the azure task hub store needs it. " +
        "Set it to 'UseDevelopmentStorage=true' in local.settings.json Values for the local Azurite.",
    );
  }
  const parts = parseParts(value);
  if (parts.get('usedevelopmentstorage')?.toLowerCase() === 'true') {
    const proxy = parts.get('developmentstorageproxyuri') ?? 'http://127.0.0.1';
    const base = proxy.replace(/\/+$/, '');
    const endpoint = (port: number): string => `${base}:${port}/${DEVSTORE_ACCOUNT}`;
    return (
      `DefaultEndpointsProtocol=http;AccountName=${DEVSTORE_ACCOUNT};AccountKey=${DEVSTORE_KEY};` +
      `BlobEndpoint=${endpoint(10000)};QueueEndpoint=${endpoint(10001)};TableEndpoint=${endpoint(10002)};`
    );
  }
  if (!parts.has('accountname') && !parts.has('blobendpoint') && !parts.has('sharedaccesssignature')) {
    throw new StorageConnectionError(
      "The app setting 'AzureWebJobsStorage' is not a storage connection string " +
        "(expected 'UseDevelopmentStorage=true' or 'DefaultEndpointsProtocol=…;AccountName=…;AccountKey=…').",
    );
  }
  return value;
}

/** True when the endpoints are plain http (Azurite), which the table SDK refuses unless told. */
export function isInsecure(connectionString: string): boolean {
  const parts = parseParts(connectionString);
  const protocol = parts.get('defaultendpointsprotocol');
  const endpoints = ['blobendpoint', 'queueendpoint', 'tableendpoint'].map((k) => parts.get(k) ?? '');
  return protocol === 'http' || endpoints.some((e) => e.startsWith('http:'));
}

function parseParts(value: string): Map<string, string> {
  const parts = new Map<string, string>();
  for (const segment of value.split(';')) {
    const at = segment.indexOf('=');
    if (at <= 0) continue;
    parts.set(segment.slice(0, at).trim().toLowerCase(), segment.slice(at + 1).trim());
  }
  return parts;
}
