import * as fs from 'node:fs';
import * as http from 'node:http';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vm from 'node:vm';
import * as ts from 'typescript';
import { refusal, type InstanceAction, type RuntimeStatus } from '../../../devhost/src/dashboard/rules';
import { durablePlugin } from '../../../devhost/src/durable/engine/durablePlugin';
import { createMemoryLogger } from '../../../devhost/src/log/logger';
import { EventType, type HistoryEvent } from '../../../devhost/src/protocol/history';
import { startDevhost } from '../../../devhost/src/startDevhost';
import * as testing from '../../../devhost/src/testing';
import { startTestHost, type TestHost } from '../../../devhost/src/testing/startTestHost';

const appDir = path.resolve(__dirname, '../../fixtures/durable-app');

/** The dashboard's admin routes and the Durable HTTP API, as the dashboard (or curl) calls them. */
describe('the dashboard API', () => {
  let host: TestHost;
  let seq = 0;
  const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${seq++}`;

  beforeAll(async () => {
    host = await startTestHost({ appDir, startAt: '2030-01-01T00:00:00Z' });
  });
  afterAll(async () => {
    await host?.stop();
  });

  async function api(method: string, route: string, body?: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${host.baseUrl}${route}`, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return {
      status: response.status,
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- reply bodies are checked field by field below
      body: text ? (JSON.parse(text) as Record<string, any>) : null,
      headers: response.headers,
    };
  }

  it('describes the app: task hub, orchestrators and entities, and whether timers can be fired', async () => {
    const info = await api('GET', '/_devhost/api/app');
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({ enforceKeys: false, fireTimers: true, entities: ['Tally'] });
    expect(info.body!.orchestrators).toEqual(
      expect.arrayContaining(['Approval', 'Sequence', 'WaitForEvent']),
    );
  });

  it('filters by orchestrator name and pages with continuation tokens that resume where the page was cut', async () => {
    const prefix = unique('page');
    for (let i = 0; i < 7; i++) await host.start('Sequence', { instanceId: `${prefix}-s${i}`, input: ['a'] });
    for (let i = 0; i < 3; i++) await host.start('WaitForEvent', { instanceId: `${prefix}-w${i}` });
    await host.runUntilIdle();

    const seen: string[] = [];
    let token: string | undefined;
    const sizes: number[] = [];
    do {
      const query = new URLSearchParams({
        name: 'sequence',
        instanceIdPrefix: prefix,
        top: '3',
        ...(token ? { continuationToken: token } : {}),
      });
      const page = await api('GET', `/_devhost/api/instances?${query}`);
      expect(page.status).toBe(200);
      sizes.push(page.body!.items.length);
      seen.push(
        ...page.body!.items.map(
          (item: { instanceId: string; name: string }) => `${item.name}:${item.instanceId}`,
        ),
      );
      token = page.body!.continuationToken;
    } while (token);
    expect(sizes).toEqual([3, 3, 1]);
    expect(seen).toEqual([...Array(7).keys()].map((i) => `Sequence:${prefix}-s${i}`));

    const counts = await api('GET', `/_devhost/api/counts?instanceIdPrefix=${prefix}`);
    expect(counts.body).toMatchObject({ total: 10, counts: { Completed: 7, Running: 3, Failed: 0 } });
    const running = await api(
      'GET',
      `/_devhost/api/instances?instanceIdPrefix=${prefix}&runtimeStatus=Running,Pending`,
    );
    expect(running.body!.items.map((i: { instanceId: string }) => i.instanceId)).toEqual(
      [0, 1, 2].map((i) => `${prefix}-w${i}`),
    );
  });

  it('names the field of bad input in a 400', async () => {
    const cases: [string, string][] = [
      ['/_devhost/api/instances?top=0', 'top'],
      ['/_devhost/api/instances?runtimeStatus=Sleeping', 'runtimeStatus.0'],
      ['/_devhost/api/instances?createdTimeFrom=yesterday', 'createdTimeFrom'],
      ['/_devhost/api/instances?continuationToken=nope', 'continuationToken'],
    ];
    for (const [route, field] of cases) {
      const reply = await api('GET', route);
      expect({
        route,
        status: reply.status,
        code: reply.body?.error?.code,
        field: reply.body?.error?.field,
      }).toEqual({
        route,
        status: 400,
        code: 'BAD_REQUEST',
        field,
      });
    }
    const bulk = await api('POST', '/_devhost/api/instances/terminate', {
      filter: { runtimeStatus: ['Nope'] },
    });
    expect(bulk.body?.error).toMatchObject({ code: 'BAD_REQUEST', field: 'filter.runtimeStatus.0' });
  });

  it('terminates and then purges exactly the filtered set', async () => {
    const prefix = unique('bulk');
    for (let i = 0; i < 4; i++) await host.start('WaitForEvent', { instanceId: `${prefix}-${i}` });
    await host.start('Sequence', { instanceId: `${prefix}-done`, input: ['x'] });
    const other = unique('other');
    await host.start('WaitForEvent', { instanceId: other });
    await host.runUntilIdle();

    const terminated = await api('POST', '/_devhost/api/instances/terminate', {
      filter: { instanceIdPrefix: prefix, name: 'WaitForEvent' },
      reason: 'bulk test',
    });
    expect(terminated.body).toEqual({ terminated: 4 });
    await host.runUntilIdle();
    expect((await host.client.getStatus(`${prefix}-0`))?.runtimeStatus).toBe('Terminated');
    expect((await host.client.getStatus(other))?.runtimeStatus).toBe('Running');

    const purged = await api('POST', '/_devhost/api/instances/purge', {
      filter: { instanceIdPrefix: prefix },
    });
    expect(purged.body).toEqual({ purged: 5 });
    expect(await host.client.getStatus(`${prefix}-done`)).toBeUndefined();
    expect(await host.client.getStatus(other)).toBeDefined();
  });

  it('lists an approval waiting for its event with the timer it races, and fires that timer now', async () => {
    const id = unique('approval');
    await host.start('Approval', { instanceId: id });
    await host.runUntilIdle();
    const waiting = await api('GET', '/_devhost/api/waiting');
    const entry = waiting.body!.instances.find((i: { instanceId: string }) => i.instanceId === id);
    expect(entry).toEqual({
      instanceId: id,
      name: 'Approval',
      runtimeStatus: 'Running',
      events: [{ name: 'Approval', since: new Date(host.clock.now()).toISOString() }],
      timers: [{ timerId: 0, fireAt: new Date(host.clock.now() + 24 * 3600_000).toISOString() }],
    });

    const fired = await api('POST', `/_devhost/api/instances/${id}/timers/0/fire`, {});
    expect(fired.status).toBe(202);
    // Virtual time does not move: the timeout happens because the timer was fired, not because it was due.
    const done = await host.waitForStatus(id, 'Completed');
    expect(done.output).toEqual({ approved: false, timedOut: true });
    const history = await host.history(id);
    const created = history.find((e) => e.EventType === EventType.TimerCreated) as HistoryEvent & {
      FireAt: string;
    };
    const firedEvent = history.find((e) => e.EventType === EventType.TimerFired) as HistoryEvent & {
      FireAt: string;
    };
    expect(Date.parse(firedEvent.FireAt)).toBeLessThan(Date.parse(created.FireAt));
    expect(
      (await api('GET', '/_devhost/api/waiting')).body!.instances.some(
        (i: { instanceId: string }) => i.instanceId === id,
      ),
    ).toBe(false);

    // Once fired, the timer is no longer pending; the finished instance refuses too.
    const again = await api('POST', `/_devhost/api/instances/${id}/timers/0/fire`, {});
    expect(again.status).toBe(409);
    expect(again.body!.error.code).toBe('INSTANCE_NOT_RUNNING');
  });

  it('disables exactly the actions the Durable HTTP API refuses, in every status', async () => {
    const actions: InstanceAction[] = [
      'raiseEvent',
      'terminate',
      'suspend',
      'resume',
      'rewind',
      'restart',
      'purge',
    ];
    const setups: Record<string, (id: string) => Promise<RuntimeStatus>> = {
      Running: async (id) => {
        await host.start('WaitForEvent', { instanceId: id });
        return 'Running';
      },
      Suspended: async (id) => {
        await host.start('WaitForEvent', { instanceId: id });
        await host.runUntilIdle();
        await host.client.suspend(id, null);
        return 'Suspended';
      },
      Completed: async (id) => {
        await host.start('Sequence', { instanceId: id, input: ['x'] });
        return 'Completed';
      },
      Failed: async (id) => {
        await host.start('CallsFlaky', { instanceId: id });
        return 'Failed';
      },
      Terminated: async (id) => {
        await host.start('WaitForEvent', { instanceId: id });
        await host.runUntilIdle();
        await host.client.terminate(id, null);
        return 'Terminated';
      },
    };
    const mismatches: string[] = [];
    for (const [label, setup] of Object.entries(setups)) {
      for (const action of actions) {
        const id = unique(`${label}-${action}`);
        const status = await setup(id);
        await host.waitForStatus(id, status);
        const base = `/runtime/webhooks/durabletask/instances/${id}`;
        const reply =
          action === 'purge'
            ? await api('DELETE', base)
            : action === 'raiseEvent'
              ? await api('POST', `${base}/raiseEvent/Go`, 1)
              : action === 'restart'
                ? await api('POST', `${base}/restart?restartWithNewInstanceId=false`, undefined)
                : await api('POST', `${base}/${action}?reason=test`);
        const accepted = reply.status < 400;
        const expected = refusal(action, status) === undefined;
        if (accepted !== expected)
          mismatches.push(
            `${action} on ${status}: API ${reply.status}, rules say ${expected ? 'allowed' : 'refused'}`,
          );
        await host.runUntilIdle();
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('saves a completed instance as a jest test that replays its history through the build', async () => {
    const id = unique('saved');
    await host.start('Parent', { instanceId: id, input: 'Ada' });
    const status = await host.waitForStatus(id, 'Completed');
    const saved = await api('GET', `/_devhost/api/instances/${id}/savedTest`);
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ historyFile: `${id}.history.json`, testFile: `${id}.replay.test.ts` });
    expect(saved.body!.history).toEqual(await host.history(id));

    // Run the generated file as jest would: compiled, with devhost/testing and jest's own test/expect.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'saved-test-'));
    fs.writeFileSync(path.join(dir, saved.body!.historyFile), JSON.stringify(saved.body!.history));
    const { outputText } = ts.transpileModule(saved.body!.testSource, {
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true,
      },
    });
    const tests: { name: string; run: () => Promise<void> }[] = [];
    const load = new vm.Script(
      `(function (require, __dirname, test, expect, exports) {${outputText}\n})`,
    ).runInThisContext() as (...args: unknown[]) => void;
    const requireHere = createRequire(__filename);
    load(
      (name: string): unknown => (name === 'devhost/testing' ? testing : (requireHere(name) as unknown)),
      dir,
      (name: string, run: () => Promise<void>) => tests.push({ name, run }),
      expect,
      {},
    );
    expect(tests.map((t) => t.name)).toEqual([`Parent replays the history recorded from ${id}`]);
    const cwd = process.cwd();
    process.chdir(appDir);
    try {
      await tests[0]!.run();
    } finally {
      process.chdir(cwd);
      fs.rmSync(dir, { recursive: true, force: true });
    }
    expect(saved.body!.testSource).toContain(JSON.stringify(status.output, null, 2).split('\n')[0]);
  });

  it('refuses other web pages, other Host names and non-JSON state changes, and sends no CORS headers', async () => {
    const foreign = await api('GET', '/_devhost/api/app', undefined, { origin: 'http://127.0.0.1:9' });
    expect(foreign.status).toBe(403);
    expect(foreign.body!.error.code).toBe('FOREIGN_REQUEST');
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    const own = await api('GET', '/_devhost/api/app', undefined, {
      origin: host.baseUrl.replace('127.0.0.1', 'localhost'),
    });
    expect(own.status).toBe(200);

    // A page whose DNS name was pointed at 127.0.0.1 (fetch cannot set Host, so node:http does).
    const rebinding = await new Promise<number>((resolve, reject) => {
      const url = new URL(`${host.baseUrl}/_devhost/api/app`);
      http
        .get(
          {
            host: url.hostname,
            port: url.port,
            path: url.pathname,
            headers: { host: `attacker.example:${url.port}` },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        )
        .on('error', reject);
    });
    expect(rebinding).toBe(403);

    const form = await fetch(`${host.baseUrl}/_devhost/api/instances/terminate`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ filter: {} }),
    });
    expect(form.status).toBe(415);

    const preflight = await fetch(`${host.baseUrl}/_devhost/api/instances/purge`, {
      method: 'OPTIONS',
      headers: { origin: 'http://127.0.0.1:9', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(403);
    expect(preflight.headers.get('access-control-allow-methods')).toBeNull();
  });

  it('serves the dashboard page with a Content-Security-Policy that allows no inline script', async () => {
    const page = await fetch(`${host.baseUrl}/_devhost/`);
    // The bundle exists after `npm run build`; the browser tests build it on demand.
    if (page.status === 503) return expect((await page.json()).error.code).toBe('DASHBOARD_NOT_BUILT');
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(await page.text()).not.toMatch(/<script>/);
  });
});

describe('the dashboard API with --enforce-keys', () => {
  it('needs the master key, and has no timer firing', async () => {
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dash-keys-'));
    const host = await startDevhost({
      appDir,
      port: 0,
      stateDir,
      enforceKeys: true,
      banner: false,
      logger: createMemoryLogger(),
      plugins: [durablePlugin({ rpcPort: 0 })],
    });
    try {
      const master = host.keys.keys.masterKey;
      const functionKey = Object.values(host.keys.keys.functionKeys)[0] ?? 'not-a-key';
      expect((await fetch(`${host.url}/_devhost/api/app`)).status).toBe(401);
      expect(
        (await fetch(`${host.url}/_devhost/api/app`, { headers: { 'x-functions-key': functionKey } })).status,
      ).toBe(401);
      const info = await fetch(`${host.url}/_devhost/api/app`, { headers: { 'x-functions-key': master } });
      expect(info.status).toBe(200);
      expect(await info.json()).toMatchObject({ enforceKeys: true, fireTimers: false });
      const fire = await fetch(`${host.url}/_devhost/api/instances/x/timers/0/fire`, {
        method: 'POST',
        headers: { 'x-functions-key': master, 'content-type': 'application/json' },
        body: '{}',
      });
      expect(fire.status).toBe(404);
    } finally {
      await host.stop();
      fs.rmSync(stateDir, { recursive: true, force: true });
    }
  });
});
