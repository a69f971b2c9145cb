/**
 * The soak: mixed orders, batches, approvals and operations posted over HTTP to the app on
 * devhost (azure store on Azurite, Cosmos server behind the fault proxy) while faults are injected
 * at fixed points of the load (a throttling burst, then steady throttling; a Cosmos server crash
 * and restart; a devhost SIGKILL and restart), then a burst of orders and a SIGTERM with that
 * backlog queued, a restart, and the drain. Afterwards the invariants are checked against the task
 * hub and Cosmos. Bounded by the work given and by `minutes`.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CosmosClient } from '@azure/cosmos';
import { containersOf } from '../src/data/dataStore';
import { repositoriesFor } from '../src/data/repositories';
import { seedDatabase } from '../src/data/seed';
import { Approvers } from './approver';
import { pool, startWork, type StartOutcome, type StartRecord } from './client';
import { checkInvariants, type Findings, readInstances } from './invariants';
import { QueueAgeSampler, type QueueAgeSummary } from './queueAges';
import { SoakStack } from './stack';
import { LIMITED, PLENTY, planWorkload, type Work, type WorkloadSize } from './workload';

export interface SoakOptions extends WorkloadSize {
  /** Upper bound on the whole run; work still open then is reported, not waited for. */
  minutes: number;
  /** Clients posting the mixed work at once. */
  clients: number;
  /** Clients posting the backlog burst at once. */
  burstClients: number;
  seed: number;
  /** ORDER_RECONCILE_AFTER_SECONDS for the app: above the slowest start the soak sees. */
  reconcileAfterSeconds: number;
  /** devhost's `--shutdown-timeout` (s). */
  shutdownTimeoutSeconds: number;
  /** DEVHOST_AZURE_VISIBILITY_MS: how long work held by a killed devhost stays hidden (default 10 s). */
  visibilityMs?: number;
  /**
   * No visible message may wait longer than this while a devhost serves: read oldest first, the
   * longest wait is about the backlog's drain time; a starved message waits for as long as the
   * load lasts.
   */
  queueAgeBoundSeconds: number;
  /** Steady share of Cosmos requests throttled, and the burst's. */
  throttleRate: number;
  burstThrottleRate: number;
  azuriteConnectionString?: string;
  log: (line: string) => void;
}

export const DEFAULT_SOAK: Omit<SoakOptions, 'log'> = {
  orders: 200,
  backlog: 150,
  batches: 20,
  itemsPerBatch: 10,
  approvals: 40,
  operations: 20,
  approvalTimeoutSeconds: 30,
  answeredTimeoutSeconds: 600,
  minutes: 30,
  clients: 8,
  burstClients: 20,
  seed: 18,
  reconcileAfterSeconds: 120,
  shutdownTimeoutSeconds: 10,
  queueAgeBoundSeconds: 300,
  throttleRate: 0.03,
  burstThrottleRate: 0.5,
};

export interface FaultLog {
  throttled: number;
  /** Cosmos connections dropped while its server was down. */
  dropped: number;
  cosmosRestarts: number;
  cosmosDowntimeMs: number;
  devhostKills: number;
  devhostRestartMs: number[];
  /** Invocations that threw and were retried (or answered 500 and were posted again), by function. */
  failedInvocations: Record<string, number>;
  /** Orders the client gave up on after a failure. */
  givenUp: number;
}

export interface ShutdownFigures {
  /** Instances not yet ended when SIGTERM came. */
  queuedInstances: number;
  exitMs: number;
  exit: string;
  boundMs: number;
  restartMs: number;
}

export interface SoakResult {
  options: Omit<SoakOptions, 'log' | 'azuriteConnectionString'>;
  startedAt: string;
  durationMs: number;
  /** 1-minute load average: at the start, the end, and the highest sampled. */
  load: { start: number; end: number; max: number };
  cpus: number;
  starts: Record<StartOutcome, number>;
  startLatencyP99Ms: number;
  faults: FaultLog;
  queueAges: QueueAgeSummary;
  shutdown?: ShutdownFigures;
  findings: Findings;
  violations: string[];
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const { log } = options;
  const began = Date.now();
  const deadline = began + options.minutes * 60_000;
  const runId = randomUUID().slice(0, 6);
  const workload = planWorkload(options, runId, options.seed);
  const workDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'soak-'));
  const hubName = `Soak${runId.replace(/[^a-z0-9]/gi, '')}`;
  const database = `soak-${runId}`;
  const load = { start: os.loadavg()[0] ?? 0, end: 0, max: os.loadavg()[0] ?? 0 };
  const violations: string[] = [];
  const starts: StartRecord[] = [];
  const faults: FaultLog = {
    throttled: 0,
    dropped: 0,
    cosmosRestarts: 0,
    cosmosDowntimeMs: 0,
    devhostKills: 0,
    devhostRestartMs: [],
    failedInvocations: {},
    givenUp: 0,
  };
  let shutdown: ShutdownFigures | undefined;

  log(
    `soak ${runId}: ${workload.mixed.length} mixed starts and ${workload.backlog.length} backlog orders, ` +
      `${options.clients} clients, at most ${options.minutes} min (load ${load.start.toFixed(2)})`,
  );
  const stack = await SoakStack.start({
    workDir,
    ...(options.azuriteConnectionString ? { azuriteConnectionString: options.azuriteConnectionString } : {}),
    hubName,
    database,
    appSettings: {
      PAYMENT_GATEWAY_LATENCY_MS: '5',
      ORDER_RECONCILE_SCHEDULE: '*/5 * * * * *',
      ORDER_RECONCILE_AFTER_SECONDS: String(options.reconcileAfterSeconds),
      ...(options.visibilityMs ? { DEVHOST_AZURE_VISIBILITY_MS: String(options.visibilityMs) } : {}),
    },
    devhostArgs: ['--shutdown-timeout', String(options.shutdownTimeoutSeconds)],
    log,
  });
  const cosmos = new CosmosClient({
    endpoint: stack.cosmosEndpoint,
    key: stack.cosmosKey,
    connectionPolicy: { enableEndpointDiscovery: false },
  });
  let phase = 'load';
  const sampler = new QueueAgeSampler(
    stack.azuriteConnectionString,
    hubName,
    4,
    () => stack.servingSince,
    () => phase,
  );
  const loadSampler = setInterval(() => (load.max = Math.max(load.max, os.loadavg()[0] ?? 0)), 1_000);
  let findings: Findings | undefined;
  try {
    await seedDatabase(cosmos, database);
    const containers = containersOf(cosmos.database(database));
    const repos = repositoriesFor(containers);
    for (const product of [PLENTY, { ...LIMITED, stock: workload.limitedStock }]) {
      await repos.products.createIfMissing(product);
    }
    const approvers = new Approvers(repos.outbox, deadline);
    log(`devhost up in ${await stack.startDevhost()} ms at ${stack.origin}; hub ${hubName}`);
    sampler.start();
    approvers.start();

    const record = (result: StartRecord): void => {
      starts.push(result);
      if (result.work.kind === 'approval' && (result.outcome === 'accepted' || result.outcome === 'existing'))
        approvers.expect(result.work);
    };

    // The faults, at fixed shares of the mixed work, one after another.
    const total = workload.mixed.length;
    let faultChain = Promise.resolve();
    const fault = (name: string, action: () => Promise<void>): void => {
      faultChain = faultChain.then(async () => {
        log(`fault: ${name}`);
        await action().catch((err: unknown) => violations.push(`the fault "${name}" failed: ${String(err)}`));
      });
    };
    const triggers: [number, string, () => Promise<void>][] = [
      [
        0.1,
        `Cosmos throttling burst (${options.burstThrottleRate * 100}% for 3 s), then ${options.throttleRate * 100}%`,
        async () => {
          stack.proxy.setThrottle({ rate: options.burstThrottleRate, retryAfterMs: [50, 400] });
          await pause(3_000);
          stack.proxy.setThrottle({ rate: options.throttleRate, retryAfterMs: [20, 200] });
        },
      ],
      [
        0.3,
        'Cosmos server SIGKILL and restart',
        async () => {
          faults.cosmosDowntimeMs += await stack.restartCosmos();
          faults.cosmosRestarts += 1;
          log(`Cosmos server back after ${faults.cosmosDowntimeMs} ms`);
        },
      ],
      [
        0.55,
        'devhost SIGKILL and restart',
        async () => {
          await stack.killDevhost();
          faults.devhostKills += 1;
          const ms = await stack.startDevhost();
          faults.devhostRestartMs.push(ms);
          log(`devhost back after ${ms} ms`);
        },
      ],
    ];
    let done = 0;
    await pool(
      workload.mixed,
      options.clients,
      (work: Work) => startWork(stack.origin, work, deadline),
      (result) => {
        record(result);
        done += 1;
        while (triggers.length > 0 && done >= Math.ceil(triggers[0]![0] * total)) {
          const [, name, action] = triggers.shift()!;
          fault(name, action);
        }
      },
    );
    for (const [, name, action] of triggers.splice(0)) fault(name, action);
    await faultChain;
    log(`mixed work posted in ${((Date.now() - began) / 1000).toFixed(1)} s`);

    phase = 'drain';
    if (workload.backlog.length > 0) {
      await pool(
        workload.backlog,
        options.burstClients,
        (work: Work) => startWork(stack.origin, work, deadline),
        record,
      );
      const rows = await readInstances(stack.azuriteConnectionString, hubName);
      const queued = [...rows.values()].filter(
        (r) => r.status === 'Pending' || r.status === 'Running',
      ).length;
      const stopped = await stack.stopDevhost();
      const boundMs = options.shutdownTimeoutSeconds * 1000 + 5_000;
      const restartMs = await stack.startDevhost();
      shutdown = { queuedInstances: queued, exitMs: stopped.ms, exit: stopped.exit, boundMs, restartMs };
      log(
        `SIGTERM with ${queued} instances open: exit ${stopped.exit} after ${stopped.ms} ms; back after ${restartMs} ms`,
      );
      if (stopped.exit !== '0') violations.push(`devhost exited ${stopped.exit} on SIGTERM, not 0`);
      if (stopped.ms > boundMs)
        violations.push(`devhost took ${stopped.ms} ms to exit on SIGTERM, over its bound of ${boundMs} ms`);
    }

    await approvers.finish();
    for (const id of approvers.unanswered)
      violations.push(`approval ${id}: its request never reached the outbox`);
    // Longer than any wait the workload has (an approval's timeout, ReconcileOrders' delay).
    const stallMs = Math.max(
      MIN_STALL_MS,
      2_000 * Math.max(options.approvalTimeoutSeconds, options.reconcileAfterSeconds),
    );
    await drain(stack, hubName, workload.all(), containers, { deadline, stallMs }, log);
    findings = await checkInvariants({
      workload,
      starts,
      decisions: approvers.records,
      instances: await readInstances(stack.azuriteConnectionString, hubName),
      containers,
    });
  } finally {
    clearInterval(loadSampler);
    await sampler.stop();
    faults.throttled = stack.proxy.counts.throttled;
    faults.dropped = stack.proxy.counts.dropped;
    faults.failedInvocations = Object.fromEntries([...stack.failedInvocations].sort());
    faults.givenUp = starts.filter((s) => s.outcome === 'gaveUp').length;
    cosmos.dispose();
    await stack.close();
    await fs.promises.rm(workDir, { recursive: true, force: true });
  }
  if (!findings) throw new Error('The soak ended without checking its findings.');
  const queueAges = sampler.summary();
  if (queueAges.servedMaxMs > options.queueAgeBoundSeconds * 1000)
    violations.push(
      `a message in ${queueAges.servedMaxQueue ?? 'a queue'} waited ${queueAges.servedMaxMs} ms while devhost served, over the bound of ${options.queueAgeBoundSeconds} s`,
    );
  load.end = os.loadavg()[0] ?? 0;
  const counts = { accepted: 0, existing: 0, gaveUp: 0, failed: 0 } satisfies Record<StartOutcome, number>;
  for (const s of starts) counts[s.outcome] += 1;
  const latencies = starts.map((s) => s.latencyMs).sort((a, b) => a - b);
  const { log: _log, azuriteConnectionString: _azurite, ...shown } = options;
  return {
    options: shown,
    startedAt: new Date(began).toISOString(),
    durationMs: Date.now() - began,
    load,
    cpus: os.cpus().length,
    starts: counts,
    startLatencyP99Ms: latencies[Math.max(0, Math.ceil(latencies.length * 0.99) - 1)] ?? 0,
    faults,
    queueAges,
    ...(shutdown ? { shutdown } : {}),
    findings,
    violations: [...violations, ...findings.violations],
  };
}

/** The drain gives up early when nothing has ended for at least this long. */
const MIN_STALL_MS = 5 * 60_000;

/**
 * Waits until every instance of the work has ended and no order is left stored without a
 * workflow (the sweep's job), or the deadline passes, or nothing has ended for `stallMs`.
 */
async function drain(
  stack: SoakStack,
  hubName: string,
  work: readonly Work[],
  containers: ReturnType<typeof containersOf>,
  { deadline, stallMs }: { deadline: number; stallMs: number },
  log: (line: string) => void,
): Promise<void> {
  let reported = 0;
  let remaining = Infinity;
  let changedAt = Date.now();
  for (;;) {
    const rows = await readInstances(stack.azuriteConnectionString, hubName);
    const open = [...rows.values()].filter((r) => !['Completed', 'Failed', 'Terminated'].includes(r.status));
    const { resources: unreconciled } = await containers.orders.items
      .query<{ id: string; instanceId: string }>(
        'SELECT c.id, c.instanceId FROM c WHERE NOT IS_DEFINED(c.outcome)',
      )
      .fetchAll();
    const orphans = unreconciled.filter((o) => !rows.has(o.instanceId));
    const planned = work.filter((w) => rows.has(w.instanceId)).length;
    if (open.length === 0 && orphans.length === 0) {
      log(`drained: ${planned} instances of the work ended`);
      return;
    }
    if (Date.now() > deadline) {
      log(`deadline: ${open.length} instances open, ${orphans.length} orders unreconciled`);
      return;
    }
    // Nothing ends any more: say which, rather than wait for the deadline (the checks that
    // follow report them too).
    if (open.length + orphans.length !== remaining) {
      remaining = open.length + orphans.length;
      changedAt = Date.now();
    } else if (Date.now() - changedAt > stallMs) {
      const names = open.slice(0, 10).map((r) => `${r.id} (${r.name}, ${r.status})`);
      log(
        `stalled: ${open.length} instances open and ${orphans.length} orders unreconciled, unchanged for ` +
          `${Math.round(stallMs / 60_000)} min: ${names.join(', ')}${open.length > names.length ? ', …' : ''}`,
      );
      return;
    }
    if (Date.now() - reported > 10_000) {
      reported = Date.now();
      log(`draining: ${open.length} instances open, ${orphans.length} orders stored without a workflow`);
    }
    await pause(1_000);
  }
}
