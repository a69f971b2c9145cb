/**
 * The workloads that also run on Restate: one client's five-step hello-cities (latency), a
 * sequence of 1,000 activities, fan-outs of 1,000 and 10,000, and hello-cities from 50 clients.
 */
import { performance } from 'node:perf_hooks';
import { percentile } from '../stats';
import type { DevhostTarget } from '../targets/devhost';
import type { RestateTarget } from '../targets/restate';
import {
  ALL_TARGETS,
  CITIES,
  type Measured,
  measure,
  openWindow,
  type RunControl,
  type Scenario,
  seconds,
} from './types';

let counter = 0;
const uniqueId = (label: string) => `${label}-${process.pid}-${++counter}`;

/** Runs `once()` until `count` runs are done or the deadline passes; latencies in ms. */
/** Runs `once()` until `count` runs are done or the window closes (after 5 runs at least); ms. */
async function latencies(run: RunControl, count: number, once: () => Promise<void>): Promise<number[]> {
  const window = openWindow(run, 5);
  const samples: number[] = [];
  const enough = () => samples.length >= Math.min(count, 5);
  while (samples.length < count && !(Date.now() >= window.deadline && enough())) {
    const started = performance.now();
    if (!(await measure(window, once(), enough))) break;
    samples.push(performance.now() - started);
  }
  return samples;
}

function latencyFigures(samples: number[], wanted: number): Measured[] {
  const capped = samples.length < wanted;
  const note = `${samples.length} runs`;
  return [
    { key: 'p50', value: percentile(samples, 50), capped, note },
    { key: 'p99', value: percentile(samples, 99), capped, note },
  ];
}

export const hello: Scenario = {
  name: 'hello',
  title: "One client's 5-step hello-cities",
  description:
    'One client runs the five-step hello-cities workflow (one activity per city, in sequence) again and again, ' +
    'each start after the previous completion; latency from the start request to completion.',
  app: 'bench',
  targets: ALL_TARGETS,
  capSeconds: 6,
  azureCapSeconds: 4,
  figures: [
    {
      key: 'p50',
      label: 'latency p50',
      unit: 'ms',
      better: 'lower',
      goals: [{ kind: 'atMost', value: 40, targets: ['azure-disk'] }],
    },
    { key: 'p99', label: 'latency p99', unit: 'ms', better: 'lower' },
  ],
  async onDevhost(target, run) {
    const count = run.quick ? 2 : 50;
    const once = () => target.run('HelloSequence', uniqueId('hello'), CITIES);
    return latencyFigures(await latencies(run, count, once), count);
  },
  async onRestate(target, run) {
    const count = run.quick ? 2 : 50;
    const once = async () => void (await target.call('helloSequence', CITIES));
    return latencyFigures(await latencies(run, count, once), count);
  },
};

/** A workflow of `activities` activities: rate over what completed by the deadline. */
async function activityRun(
  run: RunControl,
  activities: number,
  start: () => Promise<void>,
  done: () => number,
): Promise<Measured[]> {
  // At least 10 activities: the first episode of a large fan-out may take longer than the cap.
  const window = openWindow(run, 5);
  const started = performance.now();
  const finished = await measure(window, start(), () => done() >= Math.min(10, activities));
  const elapsed = seconds(started);
  const completed = finished ? activities : done();
  const note = finished ? undefined : `${completed} of ${activities} activities`;
  return [
    { key: 'rate', value: completed / elapsed, capped: !finished, ...(note ? { note } : {}) },
    { key: 'seconds', value: elapsed, capped: !finished, ...(note ? { note } : {}) },
  ];
}

function sequence(names: string[]) {
  return {
    devhost: async (target: DevhostTarget, run: RunControl): Promise<Measured[]> => {
      const callsBefore = target.storageCalls();
      const doneBefore = target.activitiesDone;
      const replayBefore = target.invocationMs('HelloSequence');
      const activityBefore = target.invocationMs('Hello');
      const gcBefore = await target.gcMs();
      const figures = await activityRun(
        run,
        names.length,
        () => target.run('HelloSequence', uniqueId('sequence'), names),
        () => target.activitiesDone - doneBefore,
      );
      const callsAfter = target.storageCalls();
      const activities = target.activitiesDone - doneBefore;
      const replayMs = target.invocationMs('HelloSequence') - replayBefore;
      const activityMs = target.invocationMs('Hello') - activityBefore;
      const gcMs = (await target.gcMs()) - gcBefore;
      const elapsed = figures.find((figure) => figure.key === 'seconds');
      if (elapsed && elapsed.value > 0) {
        figures.push({
          key: 'outside',
          value: Math.max(0, 100 * (1 - replayMs / 1000 / elapsed.value)),
          capped: elapsed.capped,
          note:
            `${(replayMs / 1000).toFixed(2)} of ${elapsed.value.toFixed(2)} s in the orchestrator's invocations, ` +
            `${(activityMs / 1000).toFixed(2)} s in the activities', ${(gcMs / 1000).toFixed(2)} s garbage collection`,
        });
      }
      if (callsBefore !== undefined && callsAfter !== undefined && activities > 0) {
        figures.push({
          key: 'calls',
          value: (callsAfter - callsBefore) / activities,
          note: `${activities} activities`,
        });
      }
      return figures;
    },
    restate: (target: RestateTarget, run: RunControl): Promise<Measured[]> => {
      const before = target.activitiesDone;
      return activityRun(
        run,
        names.length,
        async () => void (await target.call('helloSequence', names)),
        () => target.activitiesDone - before,
      );
    },
  };
}

const sequenceOf = (quick: boolean) => Array.from({ length: quick ? 10 : 1_000 }, (_, i) => `n${i}`);

export const sequenceScenario: Scenario = {
  name: 'sequence',
  title: 'Sequence of 1,000 activities',
  description:
    'One orchestration calls 1,000 activities one after the other. On the azure store, storage calls per activity ' +
    'are every table, queue and blob request the store made during the run divided by the activities completed. ' +
    "Time outside the orchestrator's invocations is the share of the run not spent in the host's invocations of " +
    'the orchestrator (each one the programming model reading the trigger and the SDK replaying the whole history, ' +
    'timed as the host logs them): the work of devhost, the store and the activities. Its note adds the time in ' +
    "the activities' invocations and in garbage collection (V8's pauses in the process running devhost, whoever " +
    'left the garbage).',
  app: 'bench',
  targets: ALL_TARGETS,
  capSeconds: 10,
  azureCapSeconds: 4,
  figures: [
    {
      key: 'rate',
      label: 'activities/s',
      unit: 'act/s',
      better: 'higher',
      goals: [{ kind: 'atLeast', value: 150, targets: ['memory', 'azure-disk', 'azure-memory'] }],
    },
    { key: 'seconds', label: 'time', unit: 's', better: 'lower' },
    {
      key: 'outside',
      label: "time outside the orchestrator's invocations (SDK replay)",
      unit: '%',
      better: 'lower',
      goals: [{ kind: 'atMost', value: 25, targets: ['memory'] }],
    },
    {
      key: 'calls',
      label: 'storage calls per activity',
      unit: 'calls',
      better: 'lower',
      goals: [{ kind: 'atMost', value: 6, targets: ['azure-disk', 'azure-memory'] }],
    },
  ],
  onDevhost: (target, run) => sequence(sequenceOf(run.quick)).devhost(target, run),
  onRestate: (target, run) => sequence(sequenceOf(run.quick)).restate(target, run),
};

function fanOut(count: (quick: boolean) => number) {
  return {
    onDevhost: (target: DevhostTarget, run: RunControl): Promise<Measured[]> => {
      const before = target.activitiesDone;
      return activityRun(
        run,
        count(run.quick),
        () => target.run('FanOut', uniqueId('fanout'), count(run.quick)),
        () => target.activitiesDone - before,
      );
    },
    onRestate: (target: RestateTarget, run: RunControl): Promise<Measured[]> => {
      const before = target.activitiesDone;
      return activityRun(
        run,
        count(run.quick),
        async () => void (await target.call('fanOut', count(run.quick))),
        () => target.activitiesDone - before,
      );
    },
  };
}

export const fanOut1k: Scenario = {
  name: 'fanout',
  title: 'Fan-out of 1,000 activities',
  description: 'One orchestration starts 1,000 activities at once and waits for all of them.',
  app: 'bench',
  targets: ALL_TARGETS,
  capSeconds: 10,
  azureCapSeconds: 10,
  figures: [
    {
      key: 'rate',
      label: 'activities/s',
      unit: 'act/s',
      better: 'higher',
      goals: [{ kind: 'atLeast', value: 500, targets: ['memory', 'azure-disk', 'azure-memory'] }],
    },
    { key: 'seconds', label: 'time', unit: 's', better: 'lower' },
  ],
  ...fanOut((quick) => (quick ? 20 : 1_000)),
};

export const fanOut10k: Scenario = {
  name: 'fanout10k',
  title: 'Fan-out of 10,000 activities',
  description:
    'One orchestration starts 10,000 activities at once and waits for all of them; peak RSS of the process ' +
    'running devhost (or the Restate service) plus its emulators (or restate-server).',
  app: 'bench',
  targets: ALL_TARGETS,
  capSeconds: 20,
  azureCapSeconds: 40,
  figures: [
    {
      key: 'seconds',
      label: 'time',
      unit: 's',
      better: 'lower',
      goals: [
        {
          kind: 'timesOf',
          scenario: 'fanout',
          key: 'seconds',
          factor: 12,
          targets: ['memory', 'azure-disk', 'azure-memory'],
        },
        { kind: 'atMost', value: 5, targets: ['memory'] },
      ],
    },
    { key: 'rate', label: 'activities/s', unit: 'act/s', better: 'higher' },
    {
      key: 'rss',
      label: 'peak RSS (all processes)',
      unit: 'MiB',
      better: 'lower',
      goals: [{ kind: 'atMost', value: 1024, targets: ['memory', 'azure-disk', 'azure-memory'] }],
    },
  ],
  ...fanOut((quick) => (quick ? 50 : 10_000)),
};

/** `total` hello-cities from `clients` clients, each starting its next when its last completes. */
async function concurrent(run: RunControl, total: number, clients: number, once: () => Promise<void>) {
  // At least 20 completions: with 50 clients, one takes longer than the cap on a slow target.
  const window = openWindow(run, 5);
  let started = 0;
  let completed = 0;
  const began = performance.now();
  const client = async (): Promise<void> => {
    while (started < total && !window.closed) {
      started += 1;
      await once();
      if (!window.closed) completed += 1;
    }
  };
  const finished = await measure(
    window,
    Promise.all(Array.from({ length: clients }, client)),
    () => completed >= Math.min(20, total),
  );
  const elapsed = seconds(began);
  const note = finished ? undefined : `${completed} of ${total} completed`;
  return [{ key: 'rate', value: completed / elapsed, capped: !finished, ...(note ? { note } : {}) }];
}

export const hello50: Scenario = {
  name: 'hello50',
  title: '1,000 hello-cities from 50 clients',
  description:
    '50 clients each start a five-step hello-cities workflow and start the next when it completes, until 1,000 ran.',
  app: 'bench',
  targets: ALL_TARGETS,
  capSeconds: 8,
  azureCapSeconds: 10,
  figures: [
    {
      key: 'rate',
      label: 'orchestrations/s',
      unit: 'orch/s',
      better: 'higher',
      goals: [
        { kind: 'atLeast', value: 40, targets: ['memory', 'azure-disk', 'azure-memory'] },
        { kind: 'peerAtLeast', value: 1.5, targets: ['memory'] },
      ],
    },
  ],
  onDevhost: (target, run) =>
    concurrent(run, run.quick ? 4 : 1_000, run.quick ? 2 : 50, () =>
      target.run('HelloSequence', uniqueId('hello50'), CITIES),
    ),
  onRestate: (target, run) =>
    concurrent(
      run,
      run.quick ? 4 : 1_000,
      run.quick ? 2 : 50,
      async () => void (await target.call('helloSequence', CITIES)),
    ),
};
