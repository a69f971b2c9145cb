/**
 * The behaviour every `TaskHubStore` implementation must show. Each implementation's test file
 * calls `describeTaskHubStoreContract` with a factory; the suite drives time through the virtual
 * clock it hands the factory, so visibility delays and leases are tested without waiting.
 */
import {
  EventType,
  type ExecutionStartedEvent,
  type HistoryEvent,
  type RuntimeStatus,
} from '../../devhost/src/protocol/history';
import { VirtualClock } from '../../devhost/src/clock/virtualClock';
import { InstanceExistsError, LeaseLostError, StoreConflictError } from '../../devhost/src/store/errors';
import type { InstanceRow, TaskHubStore, TaskMessage } from '../../devhost/src/store/taskHubStore';
import { uniqueId } from '../support/ids';

export interface StoreUnderTest {
  store: TaskHubStore;
  dispose(): Promise<void>;
}

export type StoreFactory = (clock: VirtualClock) => Promise<StoreUnderTest>;

const LOCK_MS = 5 * 60_000;

function iso(clock: VirtualClock): string {
  return new Date(clock.now()).toISOString();
}

function startMessage(clock: VirtualClock, instanceId: string, executionId = uniqueId('exec')): TaskMessage {
  const event: ExecutionStartedEvent = {
    EventType: EventType.ExecutionStarted,
    EventId: -1,
    IsPlayed: false,
    Timestamp: iso(clock),
    OrchestrationInstance: { InstanceId: instanceId, ExecutionId: executionId },
    ParentInstance: null,
    Name: 'Hello',
    Version: null,
    Input: '"world"',
    Tags: null,
    Correlation: null,
    ScheduledStartTime: null,
    Generation: 0,
  };
  return { event, orchestrationInstance: { InstanceId: instanceId, ExecutionId: executionId } };
}

function eventMessage(
  clock: VirtualClock,
  instanceId: string,
  name: string,
  input: unknown = null,
): TaskMessage {
  return {
    event: {
      EventType: EventType.EventRaised,
      EventId: -1,
      IsPlayed: false,
      Timestamp: iso(clock),
      Name: name,
      Input: JSON.stringify(input),
    },
    orchestrationInstance: { InstanceId: instanceId, ExecutionId: null },
  };
}

function activityMessage(
  clock: VirtualClock,
  instanceId: string,
  executionId: string,
  id: number,
): TaskMessage {
  return {
    event: {
      EventType: EventType.TaskScheduled,
      EventId: id,
      IsPlayed: false,
      Timestamp: iso(clock),
      Name: 'SayHello',
      Version: null,
      Input: '["\\"Tokyo\\""]',
    },
    orchestrationInstance: { InstanceId: instanceId, ExecutionId: executionId },
  };
}

function runningRow(
  clock: VirtualClock,
  instanceId: string,
  executionId: string,
  status: RuntimeStatus = 'Running',
): InstanceRow {
  return {
    instanceId,
    executionId,
    name: 'Hello',
    version: null,
    input: '"world"',
    output: null,
    customStatus: null,
    runtimeStatus: status,
    createdTime: iso(clock),
    lastUpdatedTime: iso(clock),
    completedTime: null,
    scheduledStartTime: null,
    generation: 0,
    parentInstanceId: null,
  };
}

function orchestratorStarted(clock: VirtualClock): HistoryEvent {
  return { EventType: EventType.OrchestratorStarted, EventId: -1, IsPlayed: false, Timestamp: iso(clock) };
}

export function describeTaskHubStoreContract(implementation: string, factory: StoreFactory): void {
  describe(`TaskHubStore contract: ${implementation}`, () => {
    let clock: VirtualClock;
    let subject: StoreUnderTest;
    let store: TaskHubStore;

    beforeEach(async () => {
      clock = new VirtualClock('2030-01-01T00:00:00Z');
      subject = await factory(clock);
      store = subject.store;
    });

    afterEach(async () => {
      await subject.dispose();
    });

    /** Takes work items until the given instance's one comes up (other tests' leftovers are skipped). */
    async function receiveFor(instanceId: string) {
      for (;;) {
        const item = await store.receiveOrchestrationWorkItem(LOCK_MS);
        if (!item) return undefined;
        if (item.instanceId === instanceId) return item;
        await store.abandonOrchestrationWorkItem(item, 0);
        return undefined;
      }
    }

    /** Checkpoints the start of an instance as a dispatcher would, leaving it Running. */
    async function startAndRun(instanceId: string): Promise<string> {
      const start = startMessage(clock, instanceId);
      await store.createInstance(start, { dedupeStatuses: ['Running', 'Pending', 'Suspended'] });
      const item = await receiveFor(instanceId);
      if (!item) throw new Error('start message not delivered');
      const executionId = start.orchestrationInstance.ExecutionId ?? '';
      await store.completeOrchestrationWorkItem(item, {
        history: { executionId, events: [orchestratorStarted(clock), start.event] },
        instance: runningRow(clock, instanceId, executionId),
      });
      return executionId;
    }

    it('shows a created instance as Pending at once and delivers its start message', async () => {
      const instanceId = uniqueId('contract');
      const start = startMessage(clock, instanceId);
      await store.createInstance(start, { dedupeStatuses: ['Running', 'Pending', 'Suspended'] });

      const row = await store.getInstance(instanceId);
      expect(row).toMatchObject({ instanceId, runtimeStatus: 'Pending', name: 'Hello', input: '"world"' });
      expect(row?.executionId).toBe(start.orchestrationInstance.ExecutionId);

      const item = await receiveFor(instanceId);
      expect(item?.messages.map((m) => m.message.event.EventType)).toEqual([EventType.ExecutionStarted]);
      expect(item?.history).toEqual([]);
      expect(item?.historyEtag).toBeUndefined();
    });

    it('refuses to start over an instance in a dedupe state and overwrites a finished one', async () => {
      const instanceId = uniqueId('contract');
      await store.createInstance(startMessage(clock, instanceId), {
        dedupeStatuses: ['Running', 'Pending', 'Suspended'],
      });
      await expect(
        store.createInstance(startMessage(clock, instanceId), {
          dedupeStatuses: ['Running', 'Pending', 'Suspended'],
        }),
      ).rejects.toBeInstanceOf(InstanceExistsError);

      const item = await receiveFor(instanceId);
      if (!item) throw new Error('no work item');
      const executionId = item.instance?.executionId ?? '';
      await store.completeOrchestrationWorkItem(item, {
        history: { executionId, events: [orchestratorStarted(clock)] },
        instance: { ...runningRow(clock, instanceId, executionId, 'Completed'), output: '"done"' },
      });

      const again = startMessage(clock, instanceId, 'second-execution');
      await store.createInstance(again, { dedupeStatuses: ['Running', 'Pending', 'Suspended'] });
      expect(await store.getInstance(instanceId)).toMatchObject({
        runtimeStatus: 'Pending',
        executionId: 'second-execution',
      });
    });

    it('lets exactly one of 30 concurrent starts of one id through and refuses the others as existing', async () => {
      const instanceId = uniqueId('contract');
      const starts = Array.from({ length: 30 }, () => startMessage(clock, instanceId));
      const outcomes = await Promise.allSettled(
        starts.map((start) =>
          store.createInstance(start, { dedupeStatuses: ['Running', 'Pending', 'Suspended'] }),
        ),
      );
      const winners = starts.filter((_, i) => outcomes[i]?.status === 'fulfilled');
      expect(winners).toHaveLength(1);
      for (const outcome of outcomes) {
        if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(InstanceExistsError);
      }
      const winner = winners[0]?.orchestrationInstance.ExecutionId;
      expect((await store.getInstance(instanceId))?.executionId).toBe(winner);
      const item = await receiveFor(instanceId);
      expect(item?.messages.map((m) => m.message.orchestrationInstance.ExecutionId)).toEqual([winner]);
    });

    it('lets exactly one of 30 concurrent starts over a finished instance replace it', async () => {
      const instanceId = uniqueId('contract');
      const executionId = await startAndRun(instanceId);
      const item = await receiveFor(instanceId);
      expect(item).toBeUndefined();
      await store.sendMessage({ message: eventMessage(clock, instanceId, 'finish') });
      const finishing = await receiveFor(instanceId);
      if (!finishing) throw new Error('no work item');
      await store.completeOrchestrationWorkItem(finishing, {
        instance: { ...runningRow(clock, instanceId, executionId, 'Completed'), output: '"done"' },
        history: { executionId, events: [...finishing.history, orchestratorStarted(clock)] },
      });

      const starts = Array.from({ length: 30 }, (_, i) => startMessage(clock, instanceId, `again-${i}`));
      const outcomes = await Promise.allSettled(
        starts.map((start) =>
          store.createInstance(start, { dedupeStatuses: ['Running', 'Pending', 'Suspended'] }),
        ),
      );
      const winners = starts.filter((_, i) => outcomes[i]?.status === 'fulfilled');
      expect(winners).toHaveLength(1);
      const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
      expect(refused).toHaveLength(29);
      for (const outcome of refused) expect(outcome.reason).toBeInstanceOf(InstanceExistsError);
      expect(await store.getInstance(instanceId)).toMatchObject({
        runtimeStatus: 'Pending',
        executionId: winners[0]?.orchestrationInstance.ExecutionId,
      });
    });

    it('delivers every visible message of one instance in one work item, in enqueue order', async () => {
      const instanceId = uniqueId('contract');
      const executionId = await startAndRun(instanceId);
      await store.sendMessage({ message: eventMessage(clock, instanceId, 'A', 1) });
      await store.sendMessage({ message: eventMessage(clock, instanceId, 'B', 2) });

      const item = await receiveFor(instanceId);
      expect(item?.messages.map((m) => (m.message.event as { Name: string }).Name)).toEqual(['A', 'B']);
      expect(item?.history.map((e) => e.EventType)).toEqual([
        EventType.OrchestratorStarted,
        EventType.ExecutionStarted,
      ]);
      expect(item?.historyExecutionId).toBe(executionId);
    });

    it('gives no second work item for a leased instance; later messages wait for the next one', async () => {
      const instanceId = uniqueId('contract');
      await startAndRun(instanceId);
      await store.sendMessage({ message: eventMessage(clock, instanceId, 'A') });
      const first = await receiveFor(instanceId);
      if (!first) throw new Error('no work item');
      await store.sendMessage({ message: eventMessage(clock, instanceId, 'B') });
      expect(await receiveFor(instanceId)).toBeUndefined();

      await store.completeOrchestrationWorkItem(first, {});
      const second = await receiveFor(instanceId);
      expect(second?.messages.map((m) => (m.message.event as { Name: string }).Name)).toEqual(['B']);
    });

    it('redelivers the messages of a work item whose lease ran out (at least once)', async () => {
      const instanceId = uniqueId('contract');
      await startAndRun(instanceId);
      await store.sendMessage({ message: eventMessage(clock, instanceId, 'A') });
      const first = await receiveFor(instanceId);
      expect(first?.messages[0]?.dequeueCount).toBe(1);

      await clock.advance(LOCK_MS + 1);
      const second = await receiveFor(instanceId);
      expect(second?.messages.map((m) => m.messageId)).toEqual(first?.messages.map((m) => m.messageId));
      expect(second?.messages[0]?.dequeueCount).toBe(2);
      if (!first) throw new Error('no work item');
      await expect(store.renewOrchestrationWorkItem(first, LOCK_MS)).rejects.toBeInstanceOf(LeaseLostError);
    });

    it('extends a lease on renewal so the messages stay hidden', async () => {
      const instanceId = uniqueId('contract');
      await startAndRun(instanceId);
      await store.sendMessage({ message: eventMessage(clock, instanceId, 'A') });
      const item = await receiveFor(instanceId);
      if (!item) throw new Error('no work item');
      await clock.advance(LOCK_MS - 1000);
      await store.renewOrchestrationWorkItem(item, LOCK_MS);
      await clock.advance(2000);
      expect(await receiveFor(instanceId)).toBeUndefined();
    });

    it('refuses a checkpoint whose history changed since the work item was read', async () => {
      const instanceId = uniqueId('contract');
      const executionId = await startAndRun(instanceId);
      await store.sendMessage({ message: eventMessage(clock, instanceId, 'A') });
      const stale = await receiveFor(instanceId);
      if (!stale) throw new Error('no work item');
      await clock.advance(LOCK_MS + 1);
      const fresh = await receiveFor(instanceId);
      if (!fresh) throw new Error('no work item');
      const events = [...fresh.history, orchestratorStarted(clock)];
      await store.completeOrchestrationWorkItem(fresh, { history: { executionId, events } });

      await expect(
        store.completeOrchestrationWorkItem(stale, { history: { executionId, events: [...stale.history] } }),
      ).rejects.toBeInstanceOf(StoreConflictError);
      expect((await store.readHistory(instanceId))?.events).toHaveLength(3);
    });

    it('routes TaskScheduled to the activity queue and the result back to the instance', async () => {
      const instanceId = uniqueId('contract');
      const executionId = await startAndRun(instanceId);
      await store.sendMessage({ message: eventMessage(clock, instanceId, 'go') });
      const item = await receiveFor(instanceId);
      if (!item) throw new Error('no work item');
      await store.completeOrchestrationWorkItem(item, {
        outbound: [{ message: activityMessage(clock, instanceId, executionId, 0) }],
      });
      expect(await receiveFor(instanceId)).toBeUndefined();

      const activity = await store.receiveActivityWorkItem(LOCK_MS);
      expect(activity?.message.event).toMatchObject({ EventType: EventType.TaskScheduled, Name: 'SayHello' });
      if (!activity) throw new Error('no activity');
      expect(await store.receiveActivityWorkItem(LOCK_MS)).toBeUndefined();
      await store.completeActivityWorkItem(activity, {
        event: {
          EventType: EventType.TaskCompleted,
          EventId: -1,
          IsPlayed: false,
          Timestamp: iso(clock),
          TaskScheduledId: 0,
          Result: '"Hello Tokyo"',
        },
        orchestrationInstance: { InstanceId: instanceId, ExecutionId: executionId },
      });
      const result = await receiveFor(instanceId);
      expect(result?.messages[0]?.message.event).toMatchObject({
        EventType: EventType.TaskCompleted,
        TaskScheduledId: 0,
      });
      await clock.advance(LOCK_MS + 1);
      expect(await store.receiveActivityWorkItem(LOCK_MS)).toBeUndefined();
    });

    it('redelivers an activity message whose lease ran out, and one that was abandoned after its delay', async () => {
      const instanceId = uniqueId('contract');
      await store.sendMessage({ message: activityMessage(clock, instanceId, 'e1', 0) });
      const first = await store.receiveActivityWorkItem(LOCK_MS);
      await clock.advance(LOCK_MS + 1);
      const second = await store.receiveActivityWorkItem(LOCK_MS);
      expect(second?.messageId).toBe(first?.messageId);
      expect(second?.dequeueCount).toBe(2);
      if (!second) throw new Error('no activity');
      await store.abandonActivityWorkItem(second, 1000);
      expect(await store.receiveActivityWorkItem(LOCK_MS)).toBeUndefined();
      await clock.advance(1000);
      expect((await store.receiveActivityWorkItem(LOCK_MS))?.dequeueCount).toBe(3);
    });

    it('keeps a delayed message invisible until its time and then signals new work', async () => {
      const instanceId = uniqueId('contract');
      await startAndRun(instanceId);
      const signals: number[] = [];
      const stop = store.onWorkAvailable(() => signals.push(clock.now()));
      const fireAt = clock.now() + 86_400_000;
      await store.sendMessage({ message: eventMessage(clock, instanceId, 'later'), visibleAt: fireAt });
      expect(await receiveFor(instanceId)).toBeUndefined();
      await clock.advance('24h');
      expect(signals).toContain(fireAt);
      expect((await receiveFor(instanceId))?.messages).toHaveLength(1);
      stop();
    });

    it('gives abandoned messages back after the delay', async () => {
      const instanceId = uniqueId('contract');
      await startAndRun(instanceId);
      await store.sendMessage({ message: eventMessage(clock, instanceId, 'A') });
      const item = await receiveFor(instanceId);
      if (!item) throw new Error('no work item');
      await store.abandonOrchestrationWorkItem(item, 10_000);
      expect(await receiveFor(instanceId)).toBeUndefined();
      await clock.advance('10s');
      expect((await receiveFor(instanceId))?.messages[0]?.dequeueCount).toBe(2);
    });

    it('releases the messages a checkpoint names instead of deleting them', async () => {
      const instanceId = uniqueId('contract');
      await startAndRun(instanceId);
      await store.sendMessage({ message: eventMessage(clock, instanceId, 'early') });
      await store.sendMessage({ message: eventMessage(clock, instanceId, 'used') });
      const item = await receiveFor(instanceId);
      const early = item?.messages[0];
      if (!item || !early) throw new Error('no work item');
      await store.completeOrchestrationWorkItem(item, {
        release: { messageIds: [early.messageId], delayMs: 5000 },
      });
      expect(await receiveFor(instanceId)).toBeUndefined();
      await clock.advance('5s');
      const again = await receiveFor(instanceId);
      expect(again?.messages.map((m) => m.messageId)).toEqual([early.messageId]);
    });

    it('rewrites the history from the start when a checkpoint begins a new execution', async () => {
      const instanceId = uniqueId('contract');
      await startAndRun(instanceId);
      await store.sendMessage({ message: eventMessage(clock, instanceId, 'A') });
      const item = await receiveFor(instanceId);
      if (!item) throw new Error('no work item');
      const next = startMessage(clock, instanceId, 'generation-2');
      await store.completeOrchestrationWorkItem(item, {
        history: { executionId: 'generation-2', events: [orchestratorStarted(clock), next.event] },
        instance: runningRow(clock, instanceId, 'generation-2'),
      });
      const history = await store.readHistory(instanceId);
      expect(history?.executionId).toBe('generation-2');
      expect(history?.events.map((e) => e.EventType)).toEqual([
        EventType.OrchestratorStarted,
        EventType.ExecutionStarted,
      ]);
    });

    it('creates a Pending row for a sub-orchestration started by a checkpoint', async () => {
      const parentId = uniqueId('parent');
      const childId = uniqueId('child');
      await startAndRun(parentId);
      await store.sendMessage({ message: eventMessage(clock, parentId, 'go') });
      const item = await receiveFor(parentId);
      if (!item) throw new Error('no work item');
      await store.completeOrchestrationWorkItem(item, {
        outbound: [{ message: startMessage(clock, childId) }],
      });
      expect(await store.getInstance(childId)).toMatchObject({ runtimeStatus: 'Pending' });
    });

    it('filters and pages instances with continuation tokens, in instance-id order', async () => {
      const prefix = uniqueId('page');
      for (const suffix of ['c', 'a', 'b', 'd', 'e']) {
        await store.createInstance(startMessage(clock, `${prefix}-${suffix}`), { dedupeStatuses: [] });
        await clock.advance('1s');
      }
      const seen: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const page = await store.queryInstances({ instanceIdPrefix: prefix }, 2, token);
        seen.push(...page.items.map((row) => row.instanceId.slice(prefix.length + 1)));
        token = page.continuationToken;
        pages += 1;
      } while (token);
      expect(seen).toEqual(['a', 'b', 'c', 'd', 'e']);
      expect(pages).toBe(3);

      const from = Date.parse('2030-01-01T00:00:01Z');
      const to = Date.parse('2030-01-01T00:00:03Z');
      const byTime = await store.queryInstances(
        { instanceIdPrefix: prefix, createdTimeFrom: from, createdTimeTo: to },
        100,
      );
      expect(byTime.items.map((row) => row.instanceId.slice(prefix.length + 1)).sort()).toEqual([
        'a',
        'b',
        'd',
      ]);
      expect(
        (await store.queryInstances({ instanceIdPrefix: prefix, runtimeStatus: ['Completed'] }, 100)).items,
      ).toEqual([]);
    });

    it('purges one instance, or every instance a filter matches, with its history', async () => {
      const prefix = uniqueId('purge');
      await startAndRun(`${prefix}-1`);
      await startAndRun(`${prefix}-2`);
      await store.createInstance(startMessage(clock, `${prefix}-3`), { dedupeStatuses: [] });

      expect(await store.purgeInstance(`${prefix}-1`)).toBe(1);
      expect(await store.purgeInstance(`${prefix}-1`)).toBe(0);
      expect(await store.readHistory(`${prefix}-1`)).toBeUndefined();
      expect(await store.getInstance(`${prefix}-1`)).toBeUndefined();

      expect(await store.purgeInstances({ instanceIdPrefix: prefix, runtimeStatus: ['Running'] })).toBe(1);
      expect(await store.getInstance(`${prefix}-2`)).toBeUndefined();
      expect(await store.getInstance(`${prefix}-3`)).toMatchObject({ runtimeStatus: 'Pending' });
    });
  });
}
