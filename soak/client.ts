/**
 * The soak's HTTP clients, behaving as a careful client of the app does: a request that got no
 * answer (the connection dropped, devhost was killed) or a 5xx is sent again, the same request
 * under the same business id, after a pause (503's Retry-After, else a short backoff), until the
 * soak's deadline. Some order clients give up at the first failure instead, which leaves orders
 * for ReconcileOrders to find.
 */
import type { Work } from './workload';

export type Answer =
  { status: number; body: unknown; retryAfter?: string } | { status: 'network'; error: string };

export async function send(url: string, method: string, body: unknown, timeoutMs = 60_000): Promise<Answer> {
  try {
    const response = await fetch(url, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the text
    }
    const retryAfter = response.headers.get('retry-after');
    return { status: response.status, body: parsed, ...(retryAfter ? { retryAfter } : {}) };
  } catch (err) {
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
    return { status: 'network', error: cause instanceof Error ? cause.message : String(cause) };
  }
}

export const transient = (answer: Answer): boolean => answer.status === 'network' || answer.status >= 500;

/** How a start ended for its client. */
export type StartOutcome =
  /** 202: acknowledged; it must reach a terminal state. */
  | 'accepted'
  /** 409 after an earlier attempt got no answer: that attempt started it (or stored it). */
  | 'existing'
  /** The client gave up after a failure: the work may or may not exist. */
  | 'gaveUp'
  /** Anything else: a 4xx, or no answer until the deadline. A soak failure. */
  | 'failed';

export interface StartRecord {
  work: Work;
  outcome: StartOutcome;
  /** Every answer, in order: a status code or `network`. */
  answers: (number | 'network')[];
  last?: Answer;
  latencyMs: number;
}

const ROUTES: Record<Work['kind'], string> = {
  order: '/api/orders',
  batch: '/api/batches',
  approval: '/api/approvals',
  operation: '/api/operations',
};

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function startWork(origin: string, work: Work, deadline: number): Promise<StartRecord> {
  const began = Date.now();
  const answers: StartRecord['answers'] = [];
  const givesUp = work.kind === 'order' && work.givesUp;
  for (let attempt = 1; ; attempt++) {
    const answer = await send(`${origin}${ROUTES[work.kind]}`, 'POST', work.body);
    answers.push(answer.status);
    const record = (outcome: StartOutcome): StartRecord => ({
      work,
      outcome,
      answers,
      last: answer,
      latencyMs: Date.now() - began,
    });
    if (answer.status === 202) return record('accepted');
    if (answer.status === 409 && attempt > 1) return record('existing');
    // A 503 answer says nothing was done: even a client that gives up may as well wait for it.
    if (givesUp && transient(answer) && answer.status !== 503) return record('gaveUp');
    if (!transient(answer) || Date.now() > deadline) return record('failed');
    const retryAfter = answer.status === 'network' ? NaN : Number(answer.retryAfter);
    await pause(
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : Math.min(2_000, 200 * attempt),
    );
  }
}

/** Runs `task` over `items` with `parallel` workers; `onDone` sees each result as it comes. */
export async function pool<T, R>(
  items: readonly T[],
  parallel: number,
  task: (item: T) => Promise<R>,
  onDone: (result: R) => void = () => undefined,
): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, parallel) }, async () => {
      while (next < items.length) {
        const item = items[next++]!;
        const result = await task(item);
        results.push(result);
        onDone(result);
      }
    }),
  );
  return results;
}
