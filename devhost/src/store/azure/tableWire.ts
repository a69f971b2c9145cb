/**
 * The Table service's wire format for the bare signed table calls, as `@azure/data-tables` writes
 * and reads it, so both paths store the same entities: JSON bodies with an `<name>@odata.type`
 * annotation beside each typed value
 * (https://learn.microsoft.com/rest/api/storageservices/payload-format-for-table-service-operations),
 * entity addresses `table(PartitionKey='…',RowKey='…')` with quotes doubled
 * (https://learn.microsoft.com/rest/api/storageservices/update-entity2), and entity group
 * transactions as one multipart/mixed change set
 * (https://learn.microsoft.com/rest/api/storageservices/performing-entity-group-transactions).
 * Pure.
 */
import type { StorageCallError } from './sharedKeyAccount';

/** The EDM types the SDK annotates a `{ value, type }` property with. */
const EDM_TYPES = new Set(['Binary', 'Boolean', 'DateTime', 'Double', 'Guid', 'Int32', 'Int64', 'String']);
/** System properties under the names the SDK gives them. */
const SDK_NAMES: Record<string, string> = {
  PartitionKey: 'partitionKey',
  RowKey: 'rowKey',
  'odata.etag': 'etag',
  Timestamp: 'timestamp',
};
const CRLF = '\r\n';
const LINE_SEPARATORS = /[\u2028\u2029]/;

export interface WireEntity {
  partitionKey: string;
  rowKey: string;
  [property: string]: unknown;
}

/** One operation of a transaction: insert (fails if the row exists), replace, or insert-or-replace. */
export interface BatchOperation {
  kind: 'insert' | 'replace' | 'upsert';
  entity: WireEntity;
  /** For `replace`: the ETag the stored row must still have (`*`: any). */
  etag?: string;
}

export interface SubResponse {
  status: number;
  etag?: string;
}

/**
 * An entity as the JSON body the SDK sends for it (property order kept, annotations after values),
 * except that U+2028 and U+2029 are written as JSON escapes: Azurite's batch parser takes them for
 * line ends and refuses the entity (400 PropertiesNeedValue), and the value stored is the same.
 */
export function entityJson(entity: WireEntity): string {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(entity)) {
    const wireName = name === 'partitionKey' ? 'PartitionKey' : name === 'rowKey' ? 'RowKey' : name;
    const [wireValue, type] = wireProperty(value);
    out[wireName] = wireValue;
    if (type !== undefined) out[`${wireName}@odata.type`] = `Edm.${type}`;
  }
  const json = JSON.stringify(out);
  return LINE_SEPARATORS.test(json) ? json.replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029') : json;
}

function wireProperty(value: unknown): [unknown, string | undefined] {
  if (value === null || value === undefined) return [value, undefined];
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      return [value, undefined];
    case 'bigint':
      return [value.toString(), 'Int64'];
    default:
  }
  if (value instanceof Date) return [value, 'DateTime'];
  if (value instanceof Uint8Array) return [Buffer.from(value).toString('base64'), 'Binary'];
  const typed = value as { value?: unknown; type?: unknown };
  if (typed.value !== undefined && typeof typed.type === 'string' && EDM_TYPES.has(typed.type))
    return [typed.value, typed.type];
  throw new TypeError(`A table property cannot hold ${JSON.stringify(value)}.`);
}

/** A point-read answer as the SDK's `getEntity` returns it (typed values converted, etag named). */
export function entityFromJson(text: string): Record<string, unknown> {
  const wire = JSON.parse(text) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(wire)) {
    if (name.includes('@odata.type')) continue;
    const type = wire[`${name}@odata.type`];
    out[SDK_NAMES[name] ?? name] = typeof type === 'string' ? fromEdm(value, type) : value;
  }
  return out;
}

function fromEdm(value: unknown, type: string): unknown {
  switch (type) {
    case 'Edm.DateTime':
      return new Date(String(value));
    case 'Edm.Int64':
      return BigInt(String(value));
    case 'Edm.Guid':
      return { value, type: 'Guid' };
    case 'Edm.Binary':
      return Buffer.from(String(value), 'base64');
    default:
      return value;
  }
}

/** `table(PartitionKey='…',RowKey='…')`, keys quoted and URL-encoded as the SDK does. */
export function entityAddress(table: string, partitionKey: string, rowKey: string): string {
  const key = (value: string): string => encodeURIComponent(value.replace(/'/g, "''"));
  return `${table}(PartitionKey='${key(partitionKey)}',RowKey='${key(rowKey)}')`;
}

/** The body of a `$batch` request holding `operations` as one change set. */
export function batchBody(
  serviceUrl: string,
  table: string,
  batchId: string,
  changesetId: string,
  operations: readonly BatchOperation[],
): string {
  const parts = operations.map((operation) => {
    const { entity } = operation;
    const lines =
      operation.kind === 'insert'
        ? [
            `POST ${serviceUrl}/${table} HTTP/1.1`,
            'Content-Type: application/json;odata=nometadata',
            'Accept: application/json;odata=minimalmetadata',
            'DataServiceVersion: 3.0',
            'Prefer: return-no-content',
          ]
        : [
            `PUT ${serviceUrl}/${entityAddress(table, entity.partitionKey, entity.rowKey)} HTTP/1.1`,
            'Content-Type: application/json',
            'Accept: application/json',
            'DataServiceVersion: 3.0',
          ];
    if (operation.kind === 'replace') lines.push(`If-Match: ${operation.etag ?? '*'}`);
    return [
      `--changeset_${changesetId}`,
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      '',
      ...lines,
      '',
      entityJson(entity),
    ].join(CRLF);
  });
  return [
    `--batch_${batchId}`,
    `Content-Type: multipart/mixed; boundary=changeset_${changesetId}`,
    '',
    ...parts,
    `--changeset_${changesetId}--`,
    `--batch_${batchId}--`,
    '',
  ].join(CRLF);
}

/**
 * The sub-responses of a `$batch` answer, in request order. A change set that failed answers one
 * sub-response, for the failing operation: that throws, with its status and the service's code.
 */
export function parseBatchResponse(text: string): SubResponse[] {
  const boundary = /boundary=(changesetresponse_[^\s;]+)/.exec(text)?.[1];
  if (boundary === undefined) throw new Error(`A $batch answer has no change set: ${text.slice(0, 200)}`);
  const out: SubResponse[] = [];
  for (const part of text.split(`--${boundary}`).slice(1)) {
    if (part.startsWith('--')) break;
    const status = Number(/HTTP\/1\.1 (\d{3})/.exec(part)?.[1]);
    if (!Number.isInteger(status))
      throw new Error(`A $batch sub-response has no status: ${part.slice(0, 200)}`);
    if (status < 200 || status >= 300) throw subResponseError(status, part);
    const etag = /^ETag: *(.+?)\s*$/im.exec(part)?.[1];
    out.push(etag === undefined ? { status } : { status, etag });
  }
  return out;
}

function subResponseError(status: number, part: string): StorageCallError {
  let code: string | undefined;
  let message = '';
  const start = part.indexOf('{');
  try {
    if (start >= 0) {
      const parsed = JSON.parse(part.slice(start, part.lastIndexOf('}') + 1)) as {
        'odata.error'?: { code?: string; message?: { value?: string } };
      };
      code = parsed['odata.error']?.code;
      message = parsed['odata.error']?.message?.value ?? '';
    }
  } catch {
    // Not a JSON error body: the status says enough.
  }
  const error: StorageCallError = new Error(
    `$batch failed with ${status}${code === undefined ? '' : ` (${code})`}: ${message.split('\n')[0] ?? ''}`,
  );
  error.statusCode = status;
  if (code !== undefined) error.code = code;
  return error;
}
