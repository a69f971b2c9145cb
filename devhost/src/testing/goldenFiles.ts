/**
 * The golden history file: one recorded branch of an orchestrator (the status API's answer with
 * `historyEvents`) or one entity operation (its state before and after), with the build it was
 * recorded with. Reading and writing files, where they go, and fetching a status with its history
 * from a running host.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';

const recordedWithSchema = z.looseObject({
  app: z.string().optional(),
  version: z.string().optional(),
  /** The compiled file the orchestrator (or entity) lives in, relative to the app. */
  source: z.string().optional(),
  /** Content hash of that file. */
  sha256: z.string().optional(),
  recordedAt: z.string().optional(),
});

const statusSchema = z.looseObject({
  instanceId: z.string(),
  runtimeStatus: z.string(),
  input: z.unknown(),
  historyEvents: z.array(z.unknown()),
});

export type GoldenStatus = z.infer<typeof statusSchema>;

const common = {
  name: z.string().min(1),
  branch: z.string().min(1),
  description: z.string(),
  recordedWith: recordedWithSchema,
};

const orchestrationGoldenSchema = z.object({
  kind: z.literal('orchestration'),
  ...common,
  /** The status API's answer for the instance, with `historyEvents` (showHistory, output and input). */
  status: statusSchema,
});

/** An entity as the Durable HTTP API's entity endpoint shows it. */
const entityStateSchema = z.object({ exists: z.boolean(), state: z.unknown() });

const entityGoldenSchema = z.object({
  kind: z.literal('entity'),
  ...common,
  /** The entity instance, `@<name lower-cased>@<key>`. */
  instanceId: z.string().regex(/^@[^@]+@/),
  /** The entity before the operation. */
  before: entityStateSchema,
  operation: z.object({
    name: z.string(),
    input: z.unknown().optional(),
    signal: z.boolean().optional(),
  }),
  /** The entity after it. */
  after: entityStateSchema,
});

const goldenSchema = z.discriminatedUnion('kind', [orchestrationGoldenSchema, entityGoldenSchema]);

export type GoldenHistory = z.infer<typeof goldenSchema>;
export type OrchestrationGolden = z.infer<typeof orchestrationGoldenSchema>;
export type EntityGolden = z.infer<typeof entityGoldenSchema>;
export type RecordedWith = z.infer<typeof recordedWithSchema>;

/** A golden file that cannot be read; the message names the file and the field. */
export class GoldenHistoryError extends Error {
  override readonly name = 'GoldenHistoryError';
}

export function readGoldenHistory(file: string): GoldenHistory {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new GoldenHistoryError(`${file} is not a readable JSON file: ${(error as Error).message}`);
  }
  const parsed = goldenSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new GoldenHistoryError(
      `${file} is not a golden history: at ${issue?.path.join('.') || 'the top'}: ${issue?.message ?? 'invalid'}.`,
    );
  }
  return parsed.data;
}

/** Golden history files under `dir` (recursively), in a stable order. */
export function goldenHistoryFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const found: string[] = [];
  const walk = (folder: string): void => {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.json')) found.push(full);
    }
  };
  walk(dir);
  return found.sort();
}

/** Where a branch's file goes: `<dir>/<name>/<branch>.json`. */
export function goldenHistoryPath(dir: string, golden: Pick<GoldenHistory, 'name' | 'branch'>): string {
  return path.join(dir, golden.name, `${golden.branch}.json`);
}

export function writeGoldenHistory(file: string, golden: GoldenHistory): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(goldenSchema.parse(golden), null, 2)}\n`);
}

export function describeRecordedWith(recordedWith: RecordedWith): string {
  const who = [recordedWith.app, recordedWith.version].filter(Boolean).join(' ');
  const what = [recordedWith.source, recordedWith.sha256 ? `sha256 ${recordedWith.sha256.slice(0, 12)}` : '']
    .filter(Boolean)
    .join(' ');
  const text = [who, what].filter(Boolean).join(', ');
  return text ? `recorded with ${text}` : 'recorded with an unnamed build';
}

/**
 * The status API's answer for an instance with its full history (`showHistory`, `showHistoryOutput`,
 * `showInput`), fetched from a running host as a user would; null when the instance is unknown.
 */
export async function fetchStatusWithHistory(
  origin: string,
  instanceId: string,
  options: { key?: string } = {},
): Promise<GoldenStatus | null> {
  const url = new URL(`/runtime/webhooks/durabletask/instances/${encodeURIComponent(instanceId)}`, origin);
  url.search = 'showHistory=true&showHistoryOutput=true&showInput=true';
  const response = await fetch(url, options.key ? { headers: { 'x-functions-key': options.key } } : {});
  if (response.status === 404) return null;
  const body: unknown = await response.json();
  const parsed = statusSchema.safeParse(body);
  if (!parsed.success) {
    throw new GoldenHistoryError(
      `The status of '${instanceId}' from ${origin} (HTTP ${response.status}) has no history: ${JSON.stringify(body).slice(0, 200)}`,
    );
  }
  return parsed.data;
}
