/**
 * The two queue calls a task hub makes most (every activity sends two messages and deletes them
 * again) as bare HTTP requests signed with the account key, the Queue service's Shared Key scheme
 * (https://learn.microsoft.com/rest/api/storageservices/authorize-with-shared-key). The storage
 * SDK's request pipeline (policies, tracing, XML serialisation) costs several times the CPU of the
 * request itself, and on two shared cores that CPU is what bounds the store. Used only when the
 * connection string carries an account key; everything else goes through the SDK.
 */
import { createHmac } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';

/** The REST version the installed `@azure/storage-queue` speaks, so both paths ask for the same. */
const QUEUE_API_VERSION = '2026-04-06';
const ATTEMPTS = 3;

export interface QueueCallError extends Error {
  statusCode?: number;
  code?: string;
}

export class LeanQueueCalls {
  private readonly agent: http.Agent;

  private constructor(
    private readonly accountName: string,
    private readonly key: Buffer,
    secure: boolean,
  ) {
    const options = { keepAlive: true, maxSockets: 32 };
    this.agent = secure ? new https.Agent(options) : new http.Agent(options);
  }

  /** Undefined unless the connection string names an account and its key. */
  static fromConnectionString(connectionString: string, queueUrl: string): LeanQueueCalls | undefined {
    const parts = new Map<string, string>();
    for (const segment of connectionString.split(';')) {
      const at = segment.indexOf('=');
      if (at > 0) parts.set(segment.slice(0, at).trim().toLowerCase(), segment.slice(at + 1).trim());
    }
    const accountName = parts.get('accountname');
    const accountKey = parts.get('accountkey');
    if (!accountName || !accountKey || parts.has('sharedaccesssignature')) return undefined;
    return new LeanQueueCalls(accountName, Buffer.from(accountKey, 'base64'), queueUrl.startsWith('https:'));
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
    this.agent.destroy();
  }

  /** One signed request, tried again on a dropped connection or a server error. */
  private async call(method: string, url: URL, body: string | undefined): Promise<string> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.once(method, url, body);
      } catch (error) {
        const status = (error as QueueCallError).statusCode;
        const retriable = status === undefined || status === 500 || status === 503;
        if (!retriable || attempt >= ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 * 4 ** (attempt - 1)));
      }
    }
  }

  private once(method: string, url: URL, body: string | undefined): Promise<string> {
    const payload = body === undefined ? undefined : Buffer.from(body, 'utf8');
    const headers: Record<string, string> = {
      'x-ms-date': new Date().toUTCString(),
      'x-ms-version': QUEUE_API_VERSION,
    };
    if (payload) {
      headers['content-type'] = 'application/xml';
      headers['content-length'] = String(payload.length);
    }
    headers.authorization = this.sign(method, url, headers);
    const client = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const request = client.request(url, { method, headers, agent: this.agent }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = response.statusCode ?? 0;
          if (status >= 200 && status < 300) {
            resolve(text);
            return;
          }
          const code = response.headers['x-ms-error-code'];
          const error: QueueCallError = new Error(
            `Queue ${method} ${url.pathname} failed with ${status}${typeof code === 'string' ? ` (${code})` : ''}.`,
          );
          error.statusCode = status;
          if (typeof code === 'string') error.code = code;
          reject(error);
        });
      });
      request.on('error', reject);
      request.end(payload);
    });
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
      `/${this.accountName}${url.pathname}${query}`;
    const signature = createHmac('sha256', this.key).update(stringToSign, 'utf8').digest('base64');
    return `SharedKey ${this.accountName}:${signature}`;
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
