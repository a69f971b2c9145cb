import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { HttpRequest, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import {
  createDurableHttpApi,
  isDurableWebhookPath,
  type DurableHttpApi,
} from '../../../devhost/src/durable/client/durableHttpApi';
import { defaultMaxRequestBodyBytes, readBody } from '../../../devhost/src/http/publicServer';
import { startTestHost, type TestHost } from '../../../devhost/src/testing/startTestHost';
import { uniqueId } from '../../support/ids';
import { call } from './harness';

const durableAppDir = path.resolve(__dirname, '../../fixtures/durable-app');

/**
 * The real engine behind the Durable HTTP API, driven by the real SDK `DurableClient` built from
 * the binding payload, and by plain HTTP on the public webhook path.
 */
describe('the Durable HTTP API over the real engine', () => {
  let host: TestHost;
  let api: DurableHttpApi;
  let server: Server;
  let origin: string;
  let client: df.DurableClient;
  const savedHostname = process.env.WEBSITE_HOSTNAME;

  beforeAll(async () => {
    host = await startTestHost({ appDir: durableAppDir });
    const mounted: { api?: DurableHttpApi } = {};
    server = createServer((req, res) => {
      if (mounted.api && isDurableWebhookPath(req.url))
        void mounted.api.handlePublic(req, res, {
          readBody: () => readBody(req, defaultMaxRequestBodyBytes),
        });
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    api = await createDurableHttpApi({ operations: host.client, clock: host.clock, origin, rpcPort: 0 });
    mounted.api = api;
    process.env.WEBSITE_HOSTNAME = new URL(origin).host;
    client = sdkClient(api);
  });

  afterAll(async () => {
    if (savedHostname === undefined) delete process.env.WEBSITE_HOSTNAME;
    else process.env.WEBSITE_HOSTNAME = savedHostname;
    await api.close();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    await host.stop();
  });

  it('starts an orchestration, delivers an event and reads the result through the SDK client', async () => {
    const id = await client.startNew('WaitForEvent', { instanceId: uniqueId('event') });
    await host.waitForStatus(id, 'Running');
    await client.raiseEvent(id, 'Go', 21);
    await host.waitForStatus(id, 'Completed');
    const status = await client.getStatus(id);
    expect(status.runtimeStatus).toBe(df.OrchestrationRuntimeStatus.Completed);
    expect(status.output).toBe(42);
    const completed = (await client.getStatusBy({
      runtimeStatus: [df.OrchestrationRuntimeStatus.Completed],
    })) as {
      instanceId: string;
    }[];
    expect(completed.map((s) => s.instanceId)).toContain(id);
    await expect(client.purgeInstanceHistory(id)).resolves.toEqual({ instancesDeleted: 1 });
    await expect(client.getStatus(id)).rejects.toThrow(/404/);
  });

  it('starts without input: the SDK sends "", which reaches the orchestrator as ""', async () => {
    const id = await client.startNew('Sequence', { instanceId: uniqueId('noinput') });
    const status = await host.waitForStatus(id, 'Completed');
    expect(status.input).toBe('');
    expect(status.output).toEqual(['Hello Tokyo!', 'Hello Seattle!', 'Hello London!']);
  });

  it('suspends, resumes and terminates an instance', async () => {
    const id = await client.startNew('Approval', { instanceId: uniqueId('approval'), input: {} });
    await host.waitForStatus(id, 'Running');
    await client.suspend(id, 'hold on');
    await host.waitForStatus(id, 'Suspended');
    await client.resume(id, 'carry on');
    await host.waitForStatus(id, 'Running');
    await client.terminate(id, 'enough');
    const status = await host.waitForStatus(id, 'Terminated');
    expect(status.output).toBe('enough');
    await expect(client.terminate(id, 'again')).resolves.toBeUndefined();
  });

  it('rewinds a failed instance to completion', async () => {
    const id = await client.startNew('CallsFlaky', { instanceId: uniqueId('flaky') });
    await host.waitForStatus(id, 'Failed');
    const restore = host.overrideActivity('Flaky', () => 'fixed');
    try {
      await client.rewind(id, 'try again');
      const status = await host.waitForStatus(id, 'Completed');
      expect(status.output).toEqual(['Hello before!', 'fixed']);
    } finally {
      restore();
    }
  });

  it('serves the check-status links the SDK builds, on the public webhook path', async () => {
    const id = await client.startNew('Sequence', { instanceId: uniqueId('links'), input: ['Oslo'] });
    const response = client.createCheckStatusResponse(
      new HttpRequest({ url: `${origin}/api/start`, method: 'POST' }),
      id,
    );
    const links = (await response.json()) as { statusQueryGetUri: string };
    await host.waitForStatus(id, 'Completed');
    const status = await call('GET', links.statusQueryGetUri);
    expect(status.status).toBe(200);
    expect(status.json()).toMatchObject({
      instanceId: id,
      runtimeStatus: 'Completed',
      output: ['Hello Oslo!'],
    });
  });

  it('waits on the virtual clock for a webhook start with timeout and pollingInterval', async () => {
    const id = uniqueId('wait');
    const pending = call(
      'POST',
      `${origin}/runtime/webhooks/durabletask/orchestrators/Sequence/${id}?timeout=60&pollingInterval=1`,
      { body: '["Rome"]', contentType: 'application/json' },
    );
    // The request is in flight: let it create the instance before asking the engine to run it.
    for (let turn = 0; turn < 1000 && !(await host.client.getStatus(id)); turn++) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    await host.waitForStatus(id, 'Completed');
    await host.clock.advance('1s');
    const res = await pending;
    expect(res.status).toBe(200);
    expect(res.json()).toEqual(['Hello Rome!']);
  });

  it('answers the HTTP API errors the engine reports', async () => {
    const unknown = await call('POST', `${origin}/runtime/webhooks/durabletask/orchestrators/NoSuchThing`, {
      body: '1',
    });
    expect(unknown.status).toBe(400);
    expect((unknown.json() as { ExceptionMessage: string }).ExceptionMessage).toContain("'NoSuchThing'");
    const id = await client.startNew('WaitForEvent', { instanceId: uniqueId('running') });
    await host.waitForStatus(id, 'Running');
    const duplicate = await call(
      'POST',
      `${origin}/runtime/webhooks/durabletask/orchestrators/WaitForEvent/${id}`,
      {
        body: '1',
      },
    );
    expect(duplicate.status).toBe(500);
    await expect(client.rewind(id, 'nope')).rejects.toThrow(/500/);
    await client.terminate(id, 'cleanup');
  });
});

function sdkClient(api: DurableHttpApi): df.DurableClient {
  const clientInput = df.input.durableClient();
  const context = new InvocationContext({
    functionName: 'starter',
    options: { trigger: { type: 'httpTrigger', name: 'req' }, extraInputs: [clientInput] },
  });
  context.extraInputs.set(clientInput, JSON.parse(JSON.stringify(api.payload())));
  return df.getClient(context);
}
