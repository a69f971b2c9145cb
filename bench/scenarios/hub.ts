/**
 * devhost-only workloads on the task hub: external events to waiting instances, entity signals,
 * and status reads in a hub of 10,000 instances. All go through the Durable HTTP API (webhooks).
 */
import { performance } from 'node:perf_hooks';
import { expectStatus, inPool, request } from '../http';
import { percentile } from '../stats';
import type { DevhostTarget } from '../targets/devhost';
import { DEVHOST_TARGETS, measure, openWindow, type Scenario, seconds } from './types';

let counter = 0;
const runId = () => `${process.pid}-${++counter}`;

/** Waits until `check` holds or the time is up (a setup step: it has its own limit). */
async function until(limitMs: number, check: () => boolean): Promise<boolean> {
  const deadline = Date.now() + limitMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

export const events: Scenario = {
  name: 'events',
  title: 'External events to 1,000 waiting instances',
  description:
    '1,000 instances wait for an event (set up first, not measured); then 1,000 events are raised, 50 requests ' +
    'at a time, and each instance completes with its event. Rate from the first raise to the last completion.',
  app: 'bench',
  targets: DEVHOST_TARGETS,
  capSeconds: 6,
  azureCapSeconds: 4,
  setupSeconds: 20,
  azureSetupSeconds: 8,
  figures: [{ key: 'rate', label: 'events/s', unit: 'events/s', better: 'higher' }],
  async onDevhost(target, run) {
    const total = run.quick ? 5 : 1_000;
    const prefix = `wait-${runId()}`;
    const ids = Array.from({ length: total }, (_, i) => `${prefix}-${i}`);
    // Setup is not measured, but it is bounded: on a slow store the events go to those waiting.
    const setupUntil = Date.now() + run.setupMs;
    let started = 0;
    await inPool(total, 50, async (i) => {
      if (Date.now() > setupUntil) return;
      await target.start('WaitForEvent', ids[i] as string, null);
      started += 1;
    });
    await until(setupUntil - Date.now(), () => ids.slice(0, started).every((id) => target.running.has(id)));
    const waiting = ids.filter((id) => target.running.has(id));
    // At least 20 completions before the window may close.
    const window = openWindow(run, 5);
    const began = performance.now();
    let completed = 0;
    const completions = waiting.map((id) =>
      target.completion(id).then(() => {
        if (!window.closed) completed += 1;
      }),
    );
    const raising = inPool(waiting.length, 50, async (i) => {
      if (window.closed) return;
      const id = waiting[i] as string;
      await expectStatus([202], 'POST', target.webhook(`instances/${id}/raiseEvent/Go`), i);
    });
    const finished = await measure(
      window,
      Promise.all([raising, ...completions]),
      () => completed >= Math.min(20, waiting.length),
    );
    const elapsed = seconds(began);
    const notes = [
      ...(waiting.length < total
        ? [`${waiting.length} of ${total} instances were waiting by the setup limit`]
        : []),
      ...(finished ? [] : [`${completed} of ${waiting.length} completed`]),
    ];
    return [
      {
        key: 'rate',
        value: completed / elapsed,
        capped: !finished || waiting.length < total,
        ...(notes.length ? { note: notes.join('; ') } : {}),
      },
    ];
  },
};

async function counterValue(target: DevhostTarget, key: string): Promise<number> {
  const answer = await request('GET', target.webhook(`entities/Counter/${key}`));
  return answer.status === 200 && typeof answer.json === 'number' ? answer.json : 0;
}

export const entities: Scenario = {
  name: 'entities',
  title: 'Entity operations: 10,000 signals to 100 counters',
  description:
    '10,000 `add` signals (100 per counter, 50 requests at a time) to 100 counter entities; rate from the first ' +
    'signal until every counter reads 100.',
  app: 'bench',
  targets: DEVHOST_TARGETS,
  capSeconds: 6,
  azureCapSeconds: 4,
  figures: [{ key: 'rate', label: 'operations/s', unit: 'ops/s', better: 'higher' }],
  async onDevhost(target, run) {
    const counters = run.quick ? 3 : 100;
    const perCounter = run.quick ? 4 : 100;
    const keys = Array.from({ length: counters }, (_, i) => `c-${runId()}-${i}`);
    const window = openWindow(run);
    const started = performance.now();
    const sending = inPool(counters * perCounter, 50, async (i) => {
      if (window.closed) return;
      const key = keys[i % counters] as string;
      await expectStatus([202], 'POST', target.webhook(`entities/Counter/${key}?op=add`), 1);
    });
    const allCounted = (async () => {
      await sending;
      for (const key of keys) {
        while ((await counterValue(target, key)) < perCounter) {
          if (window.closed) return false;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }
      return true;
    })();
    const finished = (await measure(window, allCounted)) && (await allCounted);
    const elapsed = seconds(started);
    let applied = counters * perCounter;
    if (!finished) {
      applied = 0;
      for (const key of keys) applied += await counterValue(target, key);
    }
    return [
      {
        key: 'rate',
        value: applied / elapsed,
        capped: !finished,
        ...(finished ? {} : { note: `${applied} of ${counters * perCounter} operations applied` }),
      },
    ];
  },
};

export const status: Scenario = {
  name: 'status',
  title: 'Status read with 10,000 instances in the hub',
  description:
    'The hub is filled with 10,000 instances (Pending, scheduled to start in a day; their rows and start messages ' +
    'written through the store, not measured); then one client reads the status of random instances through the ' +
    'Durable HTTP API, one read after the other.',
  app: 'bench',
  targets: DEVHOST_TARGETS,
  capSeconds: 4,
  azureCapSeconds: 4,
  setupSeconds: 30,
  azureSetupSeconds: 15,
  figures: [
    { key: 'p50', label: 'status read p50', unit: 'ms', better: 'lower' },
    {
      key: 'p99',
      label: 'status read p99',
      unit: 'ms',
      better: 'lower',
      goals: [{ kind: 'atMost', value: 50, targets: ['memory', 'azure-disk', 'azure-memory'] }],
    },
  ],
  async onDevhost(target, run) {
    const instances = run.quick ? 30 : 10_000;
    const reads = run.quick ? 10 : 500;
    const prefix = `status-${runId()}`;
    const fillUntil = Date.now() + run.setupMs;
    let created = 0;
    await inPool(instances, 32, async (i) => {
      if (Date.now() > fillUntil) return;
      await target.createScheduled('HelloSequence', `${prefix}-${i}`);
      created += 1;
    });
    const window = openWindow(run);
    const samples: number[] = [];
    let seed = 12345;
    while (samples.length < reads && Date.now() < window.deadline) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const id = `${prefix}-${seed % created}`;
      const started = performance.now();
      await expectStatus([200, 202], 'GET', target.webhook(`instances/${id}`));
      samples.push(performance.now() - started);
    }
    const note = `${samples.length} reads, ${created} instances`;
    const capped = samples.length < reads || created < instances;
    return [
      { key: 'p50', value: percentile(samples, 50), capped, note },
      { key: 'p99', value: percentile(samples, 99), capped, note },
    ];
  },
};
