/**
 * "Save as test": an instance's recorded history and a jest test that replays it through the
 * current build with devhost's replay API, so a change to the orchestrator that would break this
 * instance fails a test before it is deployed. Pure.
 */
import type { HistoryEvent } from '../protocol/history';
import type { OrchestrationStatusPayload } from '../durable/client/operations';

export interface SavedReplayTest {
  historyFile: string;
  history: HistoryEvent[];
  testFile: string;
  testSource: string;
}

/** A file-name stem from an instance id: letters, digits, `-` and `_` only. */
function fileStem(instanceId: string): string {
  const stem = instanceId
    .replace(/[^A-Za-z0-9_-]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 80);
  return stem === '' ? 'instance' : stem;
}

export function savedReplayTest(
  status: OrchestrationStatusPayload,
  history: HistoryEvent[],
): SavedReplayTest {
  const stem = fileStem(status.instanceId);
  const historyFile = `${stem}.history.json`;
  const finished =
    status.runtimeStatus === 'Completed' ||
    status.runtimeStatus === 'Failed' ||
    status.runtimeStatus === 'Terminated';
  // JSON.stringify output is a valid TS literal; `<` is escaped so the file never holds markup.
  const literal = (value: unknown) => JSON.stringify(value ?? null, null, 2).replace(/</g, '\\u003c');
  const title = JSON.stringify(
    `${status.name} replays the history recorded from ${status.instanceId}`,
  ).replace(/</g, '\\u003c');
  const expectations = finished
    ? [
        `    expect(report.runtimeStatus).toBe(${JSON.stringify(status.runtimeStatus)});`,
        ...(status.runtimeStatus === 'Completed'
          ? [`    expect(report.output).toEqual(${literal(status.output).replace(/\n/g, '\n    ')});`]
          : []),
      ]
    : [
        `    expect(report.runtimeStatus).toBe(${JSON.stringify(status.runtimeStatus === 'Suspended' ? 'Suspended' : 'Running')});`,
      ];
  const testSource = [
    `// Saved from the devhost dashboard: instance ${JSON.stringify(status.instanceId).replace(/</g, '\\u003c')} (${status.name}, ${status.runtimeStatus}).`,
    '// Replays its recorded history through the app as built now (run `npm run build` first, and jest',
    '// from the app folder): the code must schedule the same actions at the same sequence ids and end',
    '// the same way.',
    "import * as fs from 'node:fs';",
    "import * as path from 'node:path';",
    "import { checkDeterminism } from 'devhost/testing';",
    '',
    `const history: unknown = JSON.parse(fs.readFileSync(path.join(__dirname, ${JSON.stringify(historyFile)}), 'utf8'));`,
    '',
    `test(${title}, async () => {`,
    '  // Throws, naming the sequence id and what was recorded vs produced, if the code has drifted.',
    '  const report = await checkDeterminism({ appDir: process.cwd(), history });',
    '  expect(report.newWork).toEqual([]);',
    ...expectations.map((line) => line.replace(/^ {4}/, '  ')),
    '});',
    '',
  ].join('\n');
  return { historyFile, history, testFile: `${stem}.replay.test.ts`, testSource };
}
