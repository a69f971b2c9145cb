/**
 * The benchmark's HTTP client: plain `node:http` with keep-alive and no timeouts (a fan-out of
 * 10,000 may keep a Restate ingress call open for minutes; `fetch` gives up on headers after 300 s).
 */
import * as http from 'node:http';

const agent = new http.Agent({ keepAlive: true, maxSockets: 128 });

export interface HttpAnswer {
  status: number;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

export function request(
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<HttpAnswer> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method,
        agent,
        headers: {
          ...(payload !== undefined
            ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
            : {}),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, text, json });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** `request`, failing unless the status is one of `ok`. */
export async function expectStatus(
  ok: readonly number[],
  method: string,
  url: string,
  body?: unknown,
): Promise<HttpAnswer> {
  const answer = await request(method, url, body);
  if (!ok.includes(answer.status)) {
    throw new Error(`${method} ${url} answered ${answer.status}: ${answer.text.slice(0, 300)}`);
  }
  return answer;
}

/** Runs `work(i)` for i = 0..count-1 with at most `limit` at once, in order of i. */
export async function inPool(
  count: number,
  limit: number,
  work: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < count) await work(next++);
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, lane));
}
