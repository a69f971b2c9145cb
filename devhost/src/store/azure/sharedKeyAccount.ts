/**
 * What the bare signed storage calls (`leanQueueCalls.ts`, `leanTableCalls.ts`) share: the account
 * name and key from the connection string, the keep-alive connections, the HMAC of a string to
 * sign (https://learn.microsoft.com/rest/api/storageservices/authorize-with-shared-key), and one
 * request tried again on a dropped connection or a server error. Each service signs its own
 * string and reads its own answers.
 */
import { createHmac } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';

const ATTEMPTS = 3;

export interface StorageCallError extends Error {
  statusCode?: number;
  code?: string;
}

export interface SignedResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

export class SharedKeyAccount {
  private readonly agents: { http?: http.Agent; https?: https.Agent } = {};

  private constructor(
    readonly accountName: string,
    private readonly key: Buffer,
  ) {}

  /** Undefined unless the connection string names an account and its key. */
  static fromConnectionString(connectionString: string): SharedKeyAccount | undefined {
    const parts = new Map<string, string>();
    for (const segment of connectionString.split(';')) {
      const at = segment.indexOf('=');
      if (at > 0) parts.set(segment.slice(0, at).trim().toLowerCase(), segment.slice(at + 1).trim());
    }
    const accountName = parts.get('accountname');
    const accountKey = parts.get('accountkey');
    if (!accountName || !accountKey || parts.has('sharedaccesssignature')) return undefined;
    return new SharedKeyAccount(accountName, Buffer.from(accountKey, 'base64'));
  }

  /** The base64 HMAC-SHA256 of `stringToSign` with the account key. */
  signature(stringToSign: string): string {
    return createHmac('sha256', this.key).update(stringToSign, 'utf8').digest('base64');
  }

  /**
   * Sends one request, signed by `authorize` (called again for each attempt, so the date is
   * fresh), and answers its status, headers and text; a status outside 2xx rejects with a
   * {@link StorageCallError} carrying it and the service's error code.
   */
  async request(
    method: string,
    url: URL,
    headers: Record<string, string>,
    body: Buffer | undefined,
    authorize: (headers: Record<string, string>) => string,
  ): Promise<SignedResponse> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        const signed: Record<string, string> = { ...headers, 'x-ms-date': new Date().toUTCString() };
        if (body) signed['content-length'] = String(body.length);
        signed.authorization = authorize(signed);
        return await this.once(method, url, signed, body);
      } catch (error) {
        const status = (error as StorageCallError).statusCode;
        const retriable = status === undefined || status === 500 || status === 503;
        if (!retriable || attempt >= ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 * 4 ** (attempt - 1)));
      }
    }
  }

  close(): void {
    this.agents.http?.destroy();
    this.agents.https?.destroy();
  }

  private agent(secure: boolean): http.Agent {
    const options = { keepAlive: true, maxSockets: 32 };
    if (secure) return (this.agents.https ??= new https.Agent(options));
    return (this.agents.http ??= new http.Agent(options));
  }

  private once(
    method: string,
    url: URL,
    headers: Record<string, string>,
    body: Buffer | undefined,
  ): Promise<SignedResponse> {
    const secure = url.protocol === 'https:';
    const client = secure ? https : http;
    return new Promise((resolve, reject) => {
      const request = client.request(url, { method, headers, agent: this.agent(secure) }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = response.statusCode ?? 0;
          if (status >= 200 && status < 300) {
            resolve({ status, headers: response.headers, text });
            return;
          }
          const code = response.headers['x-ms-error-code'];
          const error: StorageCallError = new Error(
            `${method} ${url.pathname} failed with ${status}${typeof code === 'string' ? ` (${code})` : ''}.`,
          );
          error.statusCode = status;
          if (typeof code === 'string') error.code = code;
          reject(error);
        });
      });
      request.on('error', reject);
      request.end(body);
    });
  }
}
