/**
 * Rules of the Durable extension and DTF that devhost follows, checked through the SDK's own
 * DurableClient and the webhooks on both stores (memory, and azure on a test Azurite). Each test
 * names the upstream source it follows; the versions are those docs/differences.md pins:
 * azure-functions-durable-extension v2.13.7 (EXT), Azure/durabletask durabletask.core-v2.17.1
 * (DTFC) and durabletask.azurestorage-v1.17.5 (DTFAS).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as df from 'durable-functions';
import { startTestHost, type TestHost } from '../../../devhost/src/testing/startTestHost';
import { nativeProcess } from '../../../devhost/src/worker/nativeModules';
import { startTestAzurite, uniqueHubName, type TestAzurite } from '../../support/azuriteProcess';
import { uniqueId } from '../../support/ids';

jest.setTimeout(60_000);

const repo = path.resolve(__dirname, '../../..');
const parityApp = path.join(repo, 'test/fixtures/parity-app');
const env = nativeProcess().env;

/** Real time: the azure store's queues are polled, and both stores must run the same test. */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`still ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A copy of the fixture with its own host.json, for settings the extension does not resolve from app settings. */
async function appWithHostJson(
  durableTask: Record<string, unknown>,
): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'devhost-parity-'));
  await fs.promises.symlink(path.join(repo, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  for (const file of ['package.json', 'index.js']) {
    await fs.promises.copyFile(path.join(parityApp, file), path.join(dir, file));
  }
  await fs.promises.writeFile(
    path.join(dir, 'host.json'),
    JSON.stringify({ version: '2.0', extensions: { durableTask } }),
  );
  return { dir, remove: () => fs.promises.rm(dir, { recursive: true, force: true }) };
}

describe.each(['memory', 'azure'] as const)('extension rules on the %s store', (storage) => {
  let azurite: TestAzurite | undefined;
  let host: TestHost;
  let client: df.DurableClient;
  const saved = { storage: env.AzureWebJobsStorage, hub: env.PARITY_HUB };

  async function startHost(appDir: string): Promise<TestHost> {
    env.PARITY_HUB = uniqueHubName('parity');
    return startTestHost({ appDir, clock: 'real', storage });
  }

  beforeAll(async () => {
    if (storage === 'azure') {
      azurite = await startTestAzurite();
      env.AzureWebJobsStorage = azurite.connectionString;
    }
    host = await startHost(parityApp);
    client = host.durableClient;
  });

  afterAll(async () => {
    await host?.stop();
    await azurite?.stop();
    for (const [key, value] of [
      ['AzureWebJobsStorage', saved.storage],
      ['PARITY_HUB', saved.hub],
    ] as const) {
      if (value === undefined) delete env[key];
      else env[key] = value;
    }
  });

  const status = (id: string) => client.getStatus(id, { showInput: true });
  const webhook = (pathAndQuery: string, init?: RequestInit) =>
    fetch(`${host.baseUrl}/runtime/webhooks/durabletask/${pathAndQuery}`, init);

  async function running(name: string, input?: unknown): Promise<string> {
    const id = await client.startNew(name, {
      instanceId: uniqueId(name),
      ...(input === undefined ? {} : { input }),
    });
    await eventually(
      () => status(id),
      (s) => s.runtimeStatus === df.OrchestrationRuntimeStatus.Running,
    );
    return id;
  }

  async function completed(name: string, input?: unknown): Promise<string> {
    const id = await client.startNew(name, {
      instanceId: uniqueId(name),
      ...(input === undefined ? {} : { input }),
    });
    await eventually(
      () => status(id),
      (s) => s.runtimeStatus === df.OrchestrationRuntimeStatus.Completed,
    );
    return id;
  }

  async function entityWithState(key: string): Promise<string> {
    await client.signalEntity(new df.EntityId('Counter', key), 'add', 1);
    await eventually(
      () => client.readEntityState<number>(new df.EntityId('Counter', key)),
      (read) => read.entityExists,
    );
    return `@counter@${key}`;
  }

  // DTFAS 1.17.5 AzureTableTrackingStore.PurgeInstanceHistoryAsync(DateTime, DateTime?,
  // IEnumerable<OrchestrationStatus>): only Completed/Terminated/Canceled/Failed of the filter
  // count; OrchestrationInstanceStatusQueryCondition adds no status condition for an empty list.
  test('purge by filter keeps only terminal statuses of the filter, and purges everything in range when none is left', async () => {
    const from = new Date();
    const done = await completed('Quick', 'x');
    const live = await running('WaitForGo');
    const entity = await entityWithState(uniqueId('purge'));

    const onlyDone = await client.purgeInstanceHistoryBy({
      createdTimeFrom: from,
      createdTimeTo: new Date(),
      runtimeStatus: [df.OrchestrationRuntimeStatus.Completed, df.OrchestrationRuntimeStatus.Running],
    });
    expect(onlyDone.instancesDeleted).toBe(1);
    expect((await webhook(`instances/${done}`)).status).toBe(404);
    expect((await status(live)).runtimeStatus).toBe('Running');

    const everything = await client.purgeInstanceHistoryBy({
      createdTimeFrom: from,
      createdTimeTo: new Date(),
      runtimeStatus: [df.OrchestrationRuntimeStatus.Running],
    });
    expect(everything.instancesDeleted).toBe(2);
    expect((await webhook(`instances/${live}`)).status).toBe(404);
    expect((await webhook(`instances/${encodeURIComponent(entity)}`)).status).toBe(404);
  });

  // EXT 2.13.7 HttpApiHandler.HandleSuspendInstanceRequestAsync / HandleResumeInstanceRequestAsync
  // (404 unknown, 410 IsCompletedStatus) and DurableClient.SuspendAsync (IsOrchestrationSuspendable)
  // / ResumeAsync (Suspended only), whose InvalidOperationException HandleRequestAsync answers 500.
  test('suspend and resume check the state as the extension does', async () => {
    const id = await running('WaitForGo');
    await client.suspend(id, 'pause');
    await eventually(
      () => status(id),
      (s) => s.runtimeStatus === df.OrchestrationRuntimeStatus.Suspended,
    );
    await expect(client.suspend(id, 'again')).rejects.toThrow(
      `Cannot suspend the orchestration instance ${id} because instance is in the Suspended state.`,
    );
    await client.resume(id, 'go on');
    await eventually(
      () => status(id),
      (s) => s.runtimeStatus === df.OrchestrationRuntimeStatus.Running,
    );
    await expect(client.resume(id, 'again')).rejects.toThrow(
      `Cannot resume the orchestration instance ${id} because instance is in the Running state.`,
    );
    const res = await webhook(`instances/${id}/resume`, { method: 'POST' });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({
      Message: 'Something went wrong while processing your request',
      ExceptionMessage: `Cannot resume the orchestration instance ${id} because instance is in the Running state.`,
      ExceptionType: 'System.InvalidOperationException',
    });

    const done = await completed('Quick', 1);
    expect((await webhook(`instances/${done}/suspend`, { method: 'POST' })).status).toBe(410);
    expect((await webhook(`instances/${done}/resume`, { method: 'POST' })).status).toBe(410);
    expect((await webhook(`instances/${uniqueId('nobody')}/suspend`, { method: 'POST' })).status).toBe(404);
  });

  // EXT 2.13.7 Options/DurableTaskOptions.cs OverridableExistingInstanceStates and
  // OverridableStatesExtensions.ToDedupeStatuses; DTFAS 1.17.5
  // AzureStorageOrchestrationService.CreateTaskOrchestrationAsync(message, dedupeStatuses).
  test('a start over a running instance is refused by default and replaces it with AnyState', async () => {
    const id = await running('WaitForGo', 'first');
    await expect(client.startNew('WaitForGo', { instanceId: id, input: 'second' })).rejects.toThrow(
      /already exists/,
    );

    const anyState = await appWithHostJson({
      hubName: uniqueHubName('anystate'),
      overridableExistingInstanceStates: 'AnyState',
    });
    const other = await startTestHost({ appDir: anyState.dir, clock: 'real', storage });
    try {
      const otherClient = other.durableClient;
      const replaced = uniqueId('replaced');
      await otherClient.startNew('WaitForGo', { instanceId: replaced, input: 'first' });
      await eventually(
        () => otherClient.getStatus(replaced),
        (s) => s.runtimeStatus === df.OrchestrationRuntimeStatus.Running,
      );
      await otherClient.startNew('WaitForGo', { instanceId: replaced, input: 'second' });
      await eventually(
        () => otherClient.getStatus(replaced, { showInput: true }),
        (s) => s.runtimeStatus === df.OrchestrationRuntimeStatus.Running && s.input === 'second',
      );
      await otherClient.raiseEvent(replaced, 'Go', 'now');
      const ended = await eventually(
        () => otherClient.getStatus(replaced),
        (s) => s.runtimeStatus === df.OrchestrationRuntimeStatus.Completed,
      );
      expect(ended.output).toEqual({ input: 'second', go: 'now' });
    } finally {
      await other.stop();
      await anyState.remove();
    }
  });

  // DTFC 2.17.1 TaskOrchestrationDispatcher.ExecuteOrchestrationAsync (runtimeState.Status =
  // result.CustomStatus, per episode) and OnProcessWorkItemAsync (carryOverStatus across
  // continue-as-new within one work item); DTFAS 1.17.5 AzureTableTrackingStore.UpdateStateAsync
  // writes the status on every checkpoint.
  test('a custom status lasts one episode, and crosses a continue-as-new only into that same work item', async () => {
    const carried = await running('StatusThenContinue', 0);
    await eventually(
      () => status(carried),
      (s) => s.customStatus === 'from generation 0',
    );
    await client.raiseEvent(carried, 'Go', null);
    await eventually(
      () => status(carried),
      (s) => s.customStatus === null && s.runtimeStatus === df.OrchestrationRuntimeStatus.Running,
    );

    const once = await running('StatusOnce');
    await eventually(
      () => status(once),
      (s) => s.customStatus === 'first episode',
    );
    await client.raiseEvent(once, 'Go', null);
    await eventually(
      () => status(once),
      (s) => s.customStatus === null && s.runtimeStatus === df.OrchestrationRuntimeStatus.Running,
    );
  });

  // EXT 2.13.7 HttpApiHandler.HandleGetStatusRequestAsync and
  // AzureStorageDurabilityProvider.ConvertWebjobsDurableConditionToAzureStorageCondition (no
  // ExcludeEntities), DTFAS 1.17.5 AzureTableTrackingStore: entity rows are instances.
  test('entity instances appear in instance queries and answer their status', async () => {
    const key = uniqueId('listed');
    const entity = await entityWithState(key);
    const one = await webhook(`instances/${encodeURIComponent(entity)}`);
    expect(one.status).toBe(202);
    expect(await one.json()).toMatchObject({
      name: entity,
      instanceId: entity,
      runtimeStatus: 'Running',
      customStatus: { entityExists: true },
      output: null,
    });
    const all = await client.getStatusAll();
    expect(all.find((s) => s.instanceId === entity)).toMatchObject({
      name: entity,
      runtimeStatus: 'Running',
      customStatus: { entityExists: true },
    });

    // Page by one: every page has an item, and only the last has no continuation token.
    let token: string | null = null;
    let pages = 0;
    do {
      const res: Response = await webhook('instances/?top=1', {
        headers: token ? { 'x-ms-continuation-token': token } : {},
      });
      const items = (await res.json()) as unknown[];
      token = res.headers.get('x-ms-continuation-token');
      expect(items.length === 1 || (items.length === 0 && token === null && pages === 0)).toBe(true);
      pages += 1;
    } while (token);
    expect(pages).toBe(all.length);
  });
});
