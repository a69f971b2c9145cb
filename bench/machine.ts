/** The machine a benchmark ran on, for the report. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from './paths';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  /** 1, 5 and 15-minute load averages. */
  load: number[];
  restate: { server: string; sdk: string };
}

function packageVersion(name: string): string {
  try {
    const file = path.join(repoRoot(), 'node_modules', name, 'package.json');
    return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

export function describeMachine(): Machine {
  return {
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown CPU',
    cores: os.cpus().length,
    memoryGiB: os.totalmem() / 2 ** 30,
    os: `${os.platform()} ${os.release()}`,
    node: process.version,
    load: os.loadavg(),
    restate: {
      server: packageVersion('@restatedev/restate-server'),
      sdk: packageVersion('@restatedev/restate-sdk'),
    },
  };
}
