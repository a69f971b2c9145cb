import { buildDurableClientPayload } from '../../../../../devhost/src/durable/client/clientPayload';
import {
  checkStatusPayload,
  checkStatusResponse,
} from '../../../../../devhost/src/durable/client/checkStatus';
import {
  createDurableClientInputProvider,
  DURABLE_CLIENT_BINDING_TYPES,
  registerDurableClientInput,
} from '../../../../../devhost/src/durable/client/inputProvider';

const base = 'http://localhost:7071/runtime/webhooks/durabletask';

describe('the durableClient payload', () => {
  it('carries the extension fields in its order, with the INSTANCEID templates and the RPC base', () => {
    const payload = buildDurableClientPayload({
      origin: 'http://localhost:7071',
      taskHubName: 'MyHub',
      rpcBaseUrl: 'http://127.0.0.1:17071/durabletask',
    });
    expect(Object.keys(payload)).toEqual([
      'taskHubName',
      'connectionName',
      'creationUrls',
      'managementUrls',
      'baseUrl',
      'requiredQueryStringParameters',
      'rpcBaseUrl',
      'httpBaseUrl',
    ]);
    const q = 'taskHub=MyHub&connection=Storage';
    expect(payload).toEqual({
      taskHubName: 'MyHub',
      connectionName: null,
      creationUrls: {
        createNewInstancePostUri: `${base}/orchestrators/{functionName}[/{instanceId}]?`,
        createAndWaitOnNewInstancePostUri: `${base}/orchestrators/{functionName}[/{instanceId}]?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}&`,
      },
      managementUrls: {
        id: 'INSTANCEID',
        statusQueryGetUri: `${base}/instances/INSTANCEID?${q}`,
        sendEventPostUri: `${base}/instances/INSTANCEID/raiseEvent/{eventName}?${q}`,
        terminatePostUri: `${base}/instances/INSTANCEID/terminate?reason={text}&${q}`,
        rewindPostUri: `${base}/instances/INSTANCEID/rewind?reason={text}&${q}`,
        purgeHistoryDeleteUri: `${base}/instances/INSTANCEID?${q}`,
        restartPostUri: `${base}/instances/INSTANCEID/restart?${q}`,
        suspendPostUri: `${base}/instances/INSTANCEID/suspend?reason={text}&${q}`,
        resumePostUri: `${base}/instances/INSTANCEID/resume?reason={text}&${q}`,
      },
      baseUrl: base,
      requiredQueryStringParameters: '',
      rpcBaseUrl: 'http://127.0.0.1:17071/durabletask/',
      httpBaseUrl: null,
    });
  });

  it('adds code=<system key> everywhere when keys are enforced', () => {
    const payload = buildDurableClientPayload({
      origin: 'http://localhost:7071/',
      taskHubName: 'Hub One',
      systemKey: 'k&y',
      rpcBaseUrl: 'http://127.0.0.1:1/durabletask/',
    });
    expect(payload.requiredQueryStringParameters).toBe('code=k%26y');
    expect(payload.creationUrls.createNewInstancePostUri).toBe(
      `${base}/orchestrators/{functionName}[/{instanceId}]?code=k%26y`,
    );
    expect(payload.managementUrls.statusQueryGetUri).toBe(
      `${base}/instances/INSTANCEID?taskHub=Hub%20One&connection=Storage&code=k%26y`,
    );
  });

  it('uses the origin it is given, whatever WEBSITE_HOSTNAME says', () => {
    const saved = process.env.WEBSITE_HOSTNAME;
    process.env.WEBSITE_HOSTNAME = 'elsewhere:1';
    try {
      const payload = buildDurableClientPayload({
        origin: 'http://127.0.0.1:9',
        taskHubName: 'h',
        rpcBaseUrl: 'x/',
      });
      expect(payload.baseUrl).toBe('http://127.0.0.1:9/runtime/webhooks/durabletask');
    } finally {
      if (saved === undefined) delete process.env.WEBSITE_HOSTNAME;
      else process.env.WEBSITE_HOSTNAME = saved;
    }
  });

  it('is provided as a JSON string for both binding type names', async () => {
    const payload = buildDurableClientPayload({
      origin: 'http://h:1',
      taskHubName: 'h',
      rpcBaseUrl: 'http://r/',
    });
    const provider = createDurableClientInputProvider(() => payload);
    const data = await provider(
      { name: 'client', type: 'durableClient', direction: 'in' },
      {
        name: 'f',
        metadata: { name: 'f', bindings: {} },
        triggerBindingName: 't',
        trigger: { type: 'httpTrigger', direction: 'in' },
      },
      { functionName: 'f', triggerData: {} },
    );
    expect(data).toEqual({ string: JSON.stringify(payload) });
    expect(DURABLE_CLIENT_BINDING_TYPES).toEqual(['durableClient', 'orchestrationClient']);
  });
});

describe('the check-status response', () => {
  it('has the server-side fields (no rewind link), Location and Retry-After 10', () => {
    const response = checkStatusResponse(
      { origin: 'http://localhost:7071', taskHubName: 'H', systemKey: 'k' },
      'a b',
    );
    const body = JSON.parse(response.body!) as Record<string, string>;
    expect(response.status).toBe(202);
    expect(Object.keys(body)).toEqual([
      'id',
      'statusQueryGetUri',
      'sendEventPostUri',
      'terminatePostUri',
      'purgeHistoryDeleteUri',
      'restartPostUri',
      'suspendPostUri',
      'resumePostUri',
    ]);
    expect(body.statusQueryGetUri).toBe(`${base}/instances/a%20b?taskHub=H&connection=Storage&code=k`);
    expect(response.headers).toEqual({
      'Content-Type': 'application/json; charset=utf-8',
      Location: body.statusQueryGetUri,
      'Retry-After': '10',
    });
    expect(checkStatusPayload({ origin: 'http://x', taskHubName: 'H' }, 'i').terminatePostUri).toBe(
      'http://x/runtime/webhooks/durabletask/instances/i/terminate?reason={text}&taskHub=H&connection=Storage',
    );
  });
});

describe('registerDurableClientInput', () => {
  it('registers the provider for durableClient and orchestrationClient, and undoes both', () => {
    const registered = new Map<string, unknown>();
    const host = {
      registerInputProvider: (type: string, provider: unknown) => {
        registered.set(type, provider);
        return { dispose: () => registered.delete(type) };
      },
    };
    const provider = createDurableClientInputProvider(() =>
      buildDurableClientPayload({ origin: 'http://h:1', taskHubName: 'h', rpcBaseUrl: 'http://r/' }),
    );
    const undo = registerDurableClientInput(host, provider);
    expect([...registered.keys()]).toEqual(['durableClient', 'orchestrationClient']);
    undo();
    expect(registered.size).toBe(0);
  });
});
