/**
 * Restate, the peer: the `restate-server` binary from its npm package, started on loopback ports
 * of its own with its data in a temporary folder, and the benchmark's services
 * (`bench/restate/services.ts`) served from this process over HTTP/2 and registered through the
 * admin API. Stopped and deleted after the run.
 *
 * The server is started through a small Node parent that kills it when this process goes away,
 * even by SIGKILL, so an interrupted benchmark leaves nothing running.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { exitWithParent } from '../../devhost/src/emulators/processes';
import { freePorts } from '../../devhost/src/emulators/testing';
import { expectStatus, request } from '../http';
import { peakRssMb, type PeakRss } from '../rss';

/** Runs the server and kills it when the guard exits, which it does when this process goes. */
const guardSource = (): string => `${exitWithParent()}
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const [bin, log, ...args] = process.argv.slice(1);
const out = fs.openSync(log, 'a');
const server = spawn(bin, args, { stdio: ['ignore', out, out] });
process.stdout.write(JSON.stringify({ pid: server.pid }) + '\\n');
process.on('exit', () => server.kill('SIGKILL'));
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.kill('SIGTERM'));
server.on('exit', (code) => process.exit(code === null ? 1 : code));
`;

/** The server binary of `@restatedev/restate-server` for this platform, or why there is none. */
export function restateServerBinary(): string {
  const pkg = `@restatedev/restate-server-${process.platform}-${process.arch}`;
  try {
    return path.join(path.dirname(require.resolve(`${pkg}/package.json`)), 'bin/restate-server');
  } catch {
    throw new Error(
      `${pkg} is not installed: @restatedev/restate-server ships binaries for linux and darwin on x64 and arm64 only.`,
    );
  }
}

export class RestateTarget {
  readonly name = 'restate';

  private constructor(
    private readonly ingress: string,
    private readonly serverPid: number,
    private readonly guard: ChildProcess,
    private readonly endpoint: http2.Http2Server,
    private readonly dataDir: string,
    private readonly activityRuns: { count: number },
  ) {}

  /** Activity invocations the services ran so far (a retried one counts twice). */
  get activitiesDone(): number {
    return this.activityRuns.count;
  }

  static async start(): Promise<RestateTarget> {
    // Loaded here so devhost-only runs never load the SDK (and its Node 22 shim).
    const restate = await import('@restatedev/restate-sdk');
    const { activities, activityRuns, workflows } = await import('../restate/services');
    const bin = restateServerBinary();
    const dataDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'restate-bench-'));
    const log = path.join(dataDir, 'server.log');
    const [admin, ingress, node] = await freePorts(3);
    const guard = spawn(
      process.execPath,
      ['-e', guardSource(), bin, log, '--no-logo', '--base-dir', path.join(dataDir, 'data')],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
        env: {
          ...process.env,
          RESTATE_ADMIN__BIND_ADDRESS: `127.0.0.1:${admin}`,
          RESTATE_INGRESS__BIND_ADDRESS: `127.0.0.1:${ingress}`,
          RESTATE_BIND_ADDRESS: `127.0.0.1:${node}`,
          RESTATE_LISTEN_MODE: 'tcp',
          RESTATE_DISABLE_TELEMETRY: 'true',
          RESTATE_LOG_FILTER: 'warn',
          RESTATE_LOG_DISABLE_ANSI_CODES: 'true',
        },
      },
    );
    const endpoint = http2.createServer(
      restate.createEndpointHandler({
        services: [activities, workflows],
        // Errors only: the SDK logs every invocation at info, and warns that it does not check
        // request signatures (nothing but the local server can reach it).
        logger: (meta, message, ...rest) => {
          if (String(meta.level) === 'error')
            process.stderr.write(`restate service: ${String(message)} ${rest.map(String).join(' ')}\n`);
        },
      }),
    );
    const stopAll = async (): Promise<void> => {
      guard.kill('SIGTERM');
      endpoint.close();
      await fs.promises.rm(dataDir, { recursive: true, force: true });
    };
    try {
      const serverPid = await readPid(guard, log);
      await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
      const endpointPort = (endpoint.address() as AddressInfo).port;
      const adminUrl = `http://127.0.0.1:${admin}`;
      await until(log, guard, async () => (await request('GET', `${adminUrl}/health`)).status === 200);
      await expectStatus([200, 201], 'POST', `${adminUrl}/deployments`, {
        uri: `http://127.0.0.1:${endpointPort}`,
      });
      const ingressUrl = `http://127.0.0.1:${ingress}`;
      await until(
        log,
        guard,
        async () => (await request('GET', `${ingressUrl}/restate/health`)).status === 200,
      );
      return new RestateTarget(ingressUrl, serverPid, guard, endpoint, dataDir, activityRuns);
    } catch (error) {
      await stopAll();
      throw error;
    }
  }

  /** Calls a workflow handler through the ingress and returns when it has completed. */
  async call(handler: 'helloSequence' | 'fanOut', input: unknown): Promise<unknown> {
    return (await expectStatus([200], 'POST', `${this.ingress}/workflows/${handler}`, input)).json;
  }

  peakRss(): PeakRss {
    return { mainMb: peakRssMb('self'), helpersMb: { 'restate-server': peakRssMb(this.serverPid) } };
  }

  async stop(): Promise<void> {
    const exited = new Promise<void>((resolve) => {
      if (this.guard.exitCode !== null) resolve();
      else this.guard.once('exit', () => resolve());
    });
    this.guard.kill('SIGTERM');
    await exited;
    await new Promise<void>((resolve) => this.endpoint.close(() => resolve()));
    await fs.promises.rm(this.dataDir, { recursive: true, force: true });
  }
}

function readPid(guard: ChildProcess, log: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let text = '';
    guard.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const line = text.split('\n')[0];
      if (text.includes('\n') && line) resolve((JSON.parse(line) as { pid: number }).pid);
    });
    guard.once('exit', (code) =>
      reject(new Error(`restate-server exited with ${String(code)}: ${tail(log)}`)),
    );
  });
}

async function until(log: string, guard: ChildProcess, ready: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (guard.exitCode !== null)
      throw new Error(`restate-server exited with ${guard.exitCode}: ${tail(log)}`);
    if (await ready().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`restate-server did not get ready within 60 s: ${tail(log)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function tail(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').slice(-2000);
  } catch {
    return '(no log)';
  }
}
