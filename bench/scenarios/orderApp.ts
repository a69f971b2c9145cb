/**
 * The order app itself (the repository root, built), over HTTP as a user drives it: orders from
 * 1, 10 and 50 clients, and batches of 1,000 and 10,000 items with their progress.
 */
import { performance } from 'node:perf_hooks';
import { expectStatus } from '../http';
import { censoredPercentile } from '../stats';
import type { DevhostTarget } from '../targets/devhost';
import {
  DEVHOST_TARGETS,
  type FigureSpec,
  type Measured,
  measure,
  openWindow,
  type RunControl,
  type Scenario,
  seconds,
} from './types';

let counter = 0;
const runId = () => `${process.pid}-${++counter}`;

function order(id: string) {
  return {
    id,
    customerId: `bench-${id}`,
    items: [{ productId: 'gizmo-1', quantity: 1, unitPrice: 5 }],
    currency: 'USD',
    shippingAddress: {
      name: 'Ada Lovelace',
      line1: '1 Main St',
      city: 'Springfield',
      postalCode: '12345',
      country: 'US',
    },
    paymentMethodToken: 'tok_visa',
  };
}

/**
 * POST /api/orders to Completed, `orders` times from `clients` clients; latencies in ms. At the cap
 * the clients start no more orders, and the orders on their way are waited for (up to the run's
 * hard deadline): left out, the percentiles would be those of the orders that happened to be quick.
 * Those still running then are returned as far as they got.
 */
async function orderLatencies(target: DevhostTarget, run: RunControl, clients: number, orders: number) {
  // At least 5 orders before the window may close: one takes longer than the cap on a slow target.
  const window = openWindow(run, 5);
  const samples: number[] = [];
  const running = new Set<number>();
  let started = 0;
  const client = async (): Promise<void> => {
    while (started < orders && !window.closed) {
      started += 1;
      const began = performance.now();
      running.add(began);
      const answer = await expectStatus([202], 'POST', `${target.url}/api/orders`, order(`bench-${runId()}`));
      const status = await target.completion((answer.json as { id: string }).id);
      if (status !== 'Completed') throw new Error(`An order ended ${status}.`);
      running.delete(began);
      samples.push(performance.now() - began);
    }
  };
  const began = performance.now();
  const all = Promise.all(Array.from({ length: clients }, client));
  const finished = await measure(window, all, () => samples.length >= Math.min(5, orders));
  if (!finished) {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, Math.max(0, window.hardDeadline - Date.now()));
    });
    await Promise.race([all, late]).finally(() => clearTimeout(timer));
  }
  const closedAt = performance.now();
  const unfinished = [...running].map((at) => closedAt - at);
  // Cut short only if orders were left unposted or unfinished.
  return {
    samples,
    unfinished,
    finished: finished || samples.length >= orders,
    rate: samples.length / seconds(began),
  };
}

const LEVELS = [1, 10, 50] as const;

export const orders: Scenario = {
  name: 'orders',
  title: 'The app end to end: POST /api/orders to Completed',
  description:
    'The order app on devhost (its Cosmos server seeded as `npm start` does, payment latency 0): clients post ' +
    'one-item orders and each waits for its workflow (validate, reserve, pay, ship, confirm, customer statistics ' +
    'entity) to complete before posting the next; 20, 100 and 200 orders at 1, 10 and 50 clients.',
  app: 'orders',
  targets: DEVHOST_TARGETS,
  capSeconds: 5,
  azureCapSeconds: 3,
  figures: [
    ...LEVELS.flatMap((clients): FigureSpec[] => [
      {
        key: `p50@${clients}`,
        label: `latency p50, ${clients} client${clients > 1 ? 's' : ''}`,
        unit: 'ms',
        better: 'lower',
      },
      {
        key: `p99@${clients}`,
        label: `latency p99, ${clients} client${clients > 1 ? 's' : ''}`,
        unit: 'ms',
        better: 'lower',
      },
    ]),
    { key: 'rate@50', label: 'orders/s, 50 clients', unit: 'orders/s', better: 'higher' },
  ],
  async onDevhost(target, run) {
    const figures: Measured[] = [];
    for (const clients of LEVELS) {
      const wanted = run.quick ? 1 : { 1: 20, 10: 100, 50: 200 }[clients];
      const { samples, unfinished, finished, rate } = await orderLatencies(
        target,
        run,
        Math.min(clients, wanted),
        wanted,
      );
      const note = `${samples.length} orders${unfinished.length > 0 ? `, ${unfinished.length} unfinished` : ''}`;
      const capped = !finished;
      // Orders still running at the hard deadline count as at least as slow as they got.
      for (const p of [50, 99]) {
        const { value, lowerBound } = censoredPercentile(samples, unfinished, p);
        figures.push({ key: `p${p}@${clients}`, value, capped, lowerBound, note });
      }
      if (clients === 50) figures.push({ key: 'rate@50', value: rate, capped, note });
    }
    return figures;
  },
};

interface Progress {
  seconds: number;
  processed: number;
}

/**
 * Posts a batch and waits for it to complete. Progress is read from what the batch's checkpoints
 * write (every custom status, when it became readable), not from polling, so no step is missed.
 */
async function batch(target: DevhostTarget, run: RunControl, items: number): Promise<Measured[]> {
  const batchId = `bench-${runId()}`;
  const instanceId = `batch-${batchId}`;
  const body = {
    batchId,
    items: Array.from({ length: items }, (_, i) => ({
      itemId: `item-${i}`,
      productId: 'gizmo-1',
      quantity: 1,
    })),
  };
  const statuses = target.customStatuses(instanceId);
  const window = openWindow(run);
  const began = performance.now();
  const done = target.completion(instanceId);
  await expectStatus([202], 'POST', `${target.url}/api/batches`, body);
  const finished = await measure(window, done);
  const elapsed = seconds(began);
  const status = finished ? await done : undefined;
  if (status !== undefined && status !== 'Completed') throw new Error(`Batch ${batchId} ended ${status}.`);
  const seen: Progress[] = [{ seconds: 0, processed: 0 }];
  for (const { at, customStatus } of statuses) {
    const processed = (JSON.parse(customStatus ?? 'null') as { processed?: number } | null)?.processed;
    if (typeof processed === 'number' && processed !== seen[seen.length - 1]?.processed) {
      seen.push({ seconds: (at - began) / 1000, processed });
    }
  }
  if (!finished) seen.push({ seconds: elapsed, processed: seen[seen.length - 1]?.processed ?? 0 });
  let step = 0;
  let silence = 0;
  for (let i = 1; i < seen.length; i++) {
    const [a, b] = [seen[i - 1] as Progress, seen[i] as Progress];
    step = Math.max(step, (b.processed - a.processed) / items);
    silence = Math.max(silence, b.seconds - a.seconds);
  }
  const processed = seen[seen.length - 1]?.processed ?? 0;
  const extra = finished ? {} : { note: `${processed} of ${items} items` };
  return [
    { key: 'seconds', value: elapsed, capped: !finished, ...extra },
    { key: 'rate', value: (finished ? items : processed) / elapsed, capped: !finished, ...extra },
    { key: 'step', value: step * 100, capped: !finished, ...extra },
    { key: 'silence', value: silence, capped: !finished, ...extra },
  ];
}

function batchFigures(items: string): FigureSpec[] {
  return [
    { key: 'seconds', label: 'time to Completed', unit: 's', better: 'lower' },
    { key: 'rate', label: 'items/s', unit: 'items/s', better: 'higher' },
    {
      key: 'step',
      label: 'largest progress step',
      unit: '% of the batch',
      better: 'lower',
      goals: [{ kind: 'atMost', value: 10, targets: DEVHOST_TARGETS }],
      lowerBoundWhenCut: true,
    },
    { key: 'silence', label: `longest time without progress (${items})`, unit: 's', better: 'lower' },
  ];
}

const batchDescription = (items: string) =>
  `POST /api/batches with ${items} one-gizmo items; time to Completed, and from every custom status the batch's ` +
  'checkpoints wrote (with the time each became readable) the largest progress step and the longest time ' +
  'progress stood still (from the post to the first step, between steps, and to completion).';

export const batch1k: Scenario = {
  name: 'batch',
  title: 'A batch of 1,000 items through the app',
  description: batchDescription('1,000'),
  app: 'orders',
  targets: DEVHOST_TARGETS,
  capSeconds: 60,
  azureCapSeconds: 30,
  figures: batchFigures('1,000 items'),
  onDevhost: (target, run) => batch(target, run, run.quick ? 10 : 1_000),
};

export const batch10k: Scenario = {
  name: 'batch10k',
  title: 'A batch of 10,000 items through the app',
  description:
    batchDescription('10,000') +
    ' One round only: it takes tens of seconds (about a minute on the azure store).',
  app: 'orders',
  targets: ['memory', 'azure-disk'],
  rounds: 1,
  capSeconds: 300,
  azureCapSeconds: 300,
  figures: batchFigures('10,000 items'),
  onDevhost: (target, run) => batch(target, run, run.quick ? 20 : 10_000),
};
