/**
 * The two queue calls a task hub makes most (every activity sends two messages and deletes them
 * again) as bare HTTP requests signed with the account key, the Queue service's Shared Key scheme
 * (https://learn.microsoft.com/rest/api/storageservices/authorize-with-shared-key). The storage
 * SDK's request pipeline (policies, tracing, XML serialisation) costs several times the CPU of the
 * request itself, and on two shared cores that CPU is what bounds the store. Used only when the
 * connection string carries an account key; everything else goes through the SDK.
 */
import { SharedKeyAccount, type StorageCallError } from './sharedKeyAccount';

/** The REST version the installed `@azure/storage-queue` speaks, so both paths ask for the same. */
const QUEUE_API_VERSION = '2026-04-06';

export type QueueCallError = StorageCallError;

export class LeanQueueCalls {
  /** `account` may be shared with the table calls: closing these calls closes its connections. */
  constructor(private readonly account: SharedKeyAccount) {}

  /** Undefined unless the connection string names an account and its key. */
  static fromConnectionString(connectionString: string): LeanQueueCalls | undefined {
    const account = SharedKeyAccount.fromConnectionString(connectionString);
    return account && new LeanQueueCalls(account);
  }

  /** Puts a message on the queue at `queueUrl`; its id and pop receipt. */
  async send(
    queueUrl: string,
    text: string,
    visibilitySeconds: number,
  ): Promise<{ messageId: string; popReceipt: string }> {
    const body = `<?xml version="1.0" encoding="utf-8"?><QueueMessage><MessageText>${escapeXml(text)}</MessageText></QueueMessage>`;
    const url = new URL(`${queueUrl}/messages`);
    url.searchParams.set('messagettl', '-1');
    url.searchParams.set('visibilitytimeout', String(visibilitySeconds));
    const response = await this.call('POST', url, body);
    const messageId = xmlValue(response, 'MessageId');
    const popReceipt = xmlValue(response, 'PopReceipt');
    if (messageId === undefined || popReceipt === undefined) {
      throw new Error(`The queue service answered a send without a message id: ${response.slice(0, 200)}`);
    }
    return { messageId, popReceipt };
  }

  /** Deletes a message (throws with `statusCode` 404 or 400 when it is gone or was received again). */
  async delete(queueUrl: string, messageId: string, popReceipt: string): Promise<void> {
    const url = new URL(`${queueUrl}/messages/${encodeURIComponent(messageId)}`);
    url.searchParams.set('popreceipt', popReceipt);
    await this.call('DELETE', url, undefined);
  }

  close(): void {
    this.account.close();
  }

  private async call(method: string, url: URL, body: string | undefined): Promise<string> {
    const payload = body === undefined ? undefined : Buffer.from(body, 'utf8');
    const headers: Record<string, string> = { 'x-ms-version': QUEUE_API_VERSION };
    if (payload) headers['content-type'] = 'application/xml';
    const response = await this.account.request(method, url, headers, payload, (signed) =>
      this.sign(method, url, signed),
    );
    return response.text;
  }

  /** `SharedKey <account>:<signature>` over the Queue service's string to sign. */
  private sign(method: string, url: URL, headers: Record<string, string>): string {
    const length = headers['content-length'];
    const canonicalHeaders = Object.keys(headers)
      .filter((name) => name.startsWith('x-ms-'))
      .sort()
      .map((name) => `${name}:${headers[name] ?? ''}\n`)
      .join('');
    const query = [...url.searchParams.keys()]
      .map((key) => key.toLowerCase())
      .sort()
      .map((key) => `\n${key}:${url.searchParams.get(key) ?? ''}`)
      .join('');
    const stringToSign =
      [
        method,
        '', // Content-Encoding
        '', // Content-Language
        length === undefined || length === '0' ? '' : length,
        '', // Content-MD5
        headers['content-type'] ?? '',
        '', // Date (x-ms-date is signed instead)
        '', // If-Modified-Since
        '', // If-Match
        '', // If-None-Match
        '', // If-Unmodified-Since
        '', // Range
      ].join('\n') +
      '\n' +
      canonicalHeaders +
      `/${this.account.accountName}${url.pathname}${query}`;
    return `SharedKey ${this.account.accountName}:${this.account.signature(stringToSign)}`;
  }
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) =>
    c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '&' ? '&amp;' : c === "'" ? '&apos;' : '&quot;',
  );
}

function xmlValue(xml: string, element: string): string | undefined {
  const match = new RegExp(`<${element}>([^<]*)</${element}>`).exec(xml);
  if (!match?.[1]) return undefined;
  return match[1]
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}
