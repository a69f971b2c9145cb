/**
 * In-memory Azurite as a child process on free ports, for tests. (The emulators part of devhost
 * runs Azurite for `npm start`; tests only need a throwaway instance.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { exitWithParentThenRun } from '../../devhost/src/emulators/processes';

export interface TestAzurite {
  connectionString: string;
  stop(): Promise<void>;
}

const ACCOUNT = 'devstoreaccount1';
const KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export async function startTestAzurite(): Promise<TestAzurite> {
  const entry = require.resolve('azurite/dist/src/azurite.js');
  const child: ChildProcess = spawn(
    process.execPath,
    [
      // Exits with the test process, even when that one is killed and cannot stop it.
      '-e',
      exitWithParentThenRun(),
      '--',
      '-',
      entry,
      '--inMemoryPersistence',
      '--extentMemoryLimit',
      '256',
      '--disableTelemetry',
      '--skipApiVersionCheck',
      '--blobPort',
      '0',
      '--queuePort',
      '0',
      '--tablePort',
      '0',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const ports = await new Promise<Record<string, number>>((resolve, reject) => {
    const found: Record<string, number> = {};
    let output = '';
    const timer = setTimeout(() => reject(new Error(`Azurite did not start:\n${output}`)), 20_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      for (const match of output.matchAll(
        /Azurite (Blob|Queue|Table) service is successfully listening at http:\/\/[^:]+:(\d+)/g,
      )) {
        found[(match[1] ?? '').toLowerCase()] = Number(match[2]);
      }
      if (found.blob && found.queue && found.table) {
        clearTimeout(timer);
        resolve(found);
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Azurite exited with ${String(code)}:\n${output}`));
    });
  });
  const endpoint = (port: number | undefined): string => `http://127.0.0.1:${String(port)}/${ACCOUNT}`;
  return {
    connectionString:
      `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${KEY};` +
      `BlobEndpoint=${endpoint(ports.blob)};QueueEndpoint=${endpoint(ports.queue)};TableEndpoint=${endpoint(ports.table)};`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

let hubCounter = 0;

/** A task hub name no other test uses (letters and digits, starting with a letter). */
export function uniqueHubName(prefix = 'hub'): string {
  hubCounter += 1;
  return `${prefix}${process.pid}x${Date.now().toString(36)}x${hubCounter}`
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, 45);
}
