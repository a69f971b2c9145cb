/**
 * How long the oldest waiting message of the task hub's queues has waited: every second, peek at
 * the front of each control queue and the work-item queue (a peek sees only visible messages,
 * front first, and changes nothing) and take the oldest. A message waits from the moment it could
 * be read: its insertion, or for a timer (a durable timer, a retry's delay) its `FireAt`, when it
 * becomes visible. Two figures: the wait itself, and the wait while a devhost was serving (from
 * the later of that moment and devhost's last start), which is what fair reading bounds; a wait
 * across devhost's own restart is the outage. Messages devhost has read and holds are not in the
 * queue and not counted.
 */
import { QueueClient } from '@azure/storage-queue';
import { fromWire } from '../devhost/src/store/azure/messageEnvelope';
import { taskHubResourceNames } from '../devhost/src/store/azure/names';

export interface QueueAgeSample {
  at: number;
  /** The oldest visible message's wait in ms (0 when every queue is empty). */
  oldestMs: number;
  /** The longest wait of a visible message since devhost last started serving; absent while it is down. */
  servedMs?: number;
  /** The queue of that message. */
  queue?: string;
  /** How many messages the peeks saw (at most 32 per queue). */
  visible: number;
  /** What the soak was doing: posting work (`load`), or letting the backlog drain (`drain`). */
  phase: string;
}

export interface ServedWait {
  samples: number;
  maxMs: number;
  p99Ms: number;
  maxQueue?: string;
}

export interface QueueAgeSummary {
  samples: number;
  maxMs: number;
  p99Ms: number;
  /** The wait while a devhost served, over the whole soak. */
  servedMaxMs: number;
  servedP99Ms: number;
  servedMaxQueue?: string;
  /** The same by phase. */
  byPhase: Record<string, ServedWait>;
}

export class QueueAgeSampler {
  readonly samples: QueueAgeSample[] = [];
  private readonly queues: QueueClient[];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    connectionString: string,
    hubName: string,
    partitionCount: number,
    /** When the running devhost began to serve; undefined while none runs. */
    private readonly servingSince: () => number | undefined,
    private readonly phase: () => string,
    private readonly intervalMs = 1_000,
  ) {
    const names = taskHubResourceNames(hubName, partitionCount);
    this.queues = [...names.controlQueues, names.workItemQueue].map(
      (name) => new QueueClient(connectionString, name),
    );
  }

  start(): void {
    const tick = (): void => {
      const next = () => {
        if (this.timer) this.timer = setTimeout(tick, this.intervalMs);
      };
      this.running = this.sample().then(next, next);
    };
    this.timer = setTimeout(tick, this.intervalMs);
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  async sample(): Promise<QueueAgeSample> {
    const now = Date.now();
    const since = this.servingSince();
    const sample: QueueAgeSample = {
      at: now,
      oldestMs: 0,
      visible: 0,
      phase: this.phase(),
      ...(since !== undefined ? { servedMs: 0 } : {}),
    };
    await Promise.all(
      this.queues.map(async (client) => {
        let peeked;
        try {
          peeked = await client.peekMessages({ numberOfMessages: 32 });
        } catch {
          return; // not created yet
        }
        for (const message of peeked.peekedMessageItems) {
          sample.visible += 1;
          const visibleSince = Math.max(message.insertedOn.getTime(), fireAt(message.messageText));
          sample.oldestMs = Math.max(sample.oldestMs, now - visibleSince);
          if (since === undefined) continue;
          const served = now - Math.max(visibleSince, since);
          if (served > (sample.servedMs ?? 0)) {
            sample.servedMs = served;
            sample.queue = client.name;
          }
        }
      }),
    );
    this.samples.push(sample);
    return sample;
  }

  summary(): QueueAgeSummary {
    const all = this.samples.map((s) => s.oldestMs);
    const served = servedWait(this.samples);
    const phases = [...new Set(this.samples.map((s) => s.phase))];
    return {
      samples: all.length,
      maxMs: Math.max(0, ...all),
      p99Ms: percentile(all, 0.99),
      servedMaxMs: served.maxMs,
      servedP99Ms: served.p99Ms,
      ...(served.maxQueue ? { servedMaxQueue: served.maxQueue } : {}),
      byPhase: Object.fromEntries(
        phases.map((phase) => [phase, servedWait(this.samples.filter((s) => s.phase === phase))]),
      ),
    };
  }
}

function servedWait(samples: readonly QueueAgeSample[]): ServedWait {
  const served = samples.filter((s) => s.servedMs !== undefined);
  const worst = served.reduce<QueueAgeSample | undefined>(
    (w, s) => (!w || (s.servedMs ?? 0) > (w.servedMs ?? 0) ? s : w),
    undefined,
  );
  return {
    samples: served.length,
    maxMs: worst?.servedMs ?? 0,
    p99Ms: percentile(
      served.map((s) => s.servedMs ?? 0),
      0.99,
    ),
    ...(worst?.queue ? { maxQueue: worst.queue } : {}),
  };
}

/** A timer message's `FireAt` (DTF's TimerFired event), else 0. */
function fireAt(text: string): number {
  try {
    const envelope = JSON.parse(fromWire(text)) as { TaskMessage?: { Event?: { FireAt?: unknown } } };
    const at = envelope.TaskMessage?.Event?.FireAt;
    return typeof at === 'string' ? Date.parse(at) || 0 : 0;
  } catch {
    return 0;
  }
}

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? 0;
}
