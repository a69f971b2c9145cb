/**
 * The golden histories in test/fixtures/histories (recorded by `npm run record-histories` from real
 * runs of every branch) replayed against the current build: a change that would break instances in
 * flight when it deploys fails here, naming the orchestrator, the file and the first diverging step.
 */
import * as path from 'node:path';
import { goldenHistoryFiles, readGoldenHistory } from '../../../devhost/src/testing/goldenFiles';
import { openGoldenChecker, type GoldenChecker } from '../../../devhost/src/testing/goldenHistories';
import { appDir } from '../../support/testHosts';

const dir = path.join(appDir, 'test/fixtures/histories');
const files = goldenHistoryFiles(dir);

describe('golden histories of every branch replay against the current build', () => {
  let checker: GoldenChecker;
  beforeAll(async () => {
    checker = await openGoldenChecker({ appDir });
  });
  afterAll(async () => {
    await checker?.close();
  });

  it('has recorded histories for every orchestrator and entity the app registers', () => {
    const recorded = new Set(files.map((file) => readGoldenHistory(file).name));
    const { orchestrators, entities } = checker.durableFunctions();
    expect([...orchestrators, ...entities].filter((name) => !recorded.has(name))).toEqual([]);
  });

  it.each(files.map((file) => [path.relative(dir, file), file]))('%s', async (_name, file) => {
    const verdict = await checker.check(file);
    // The message names the orchestrator, the file and the first step where the code now differs.
    expect(verdict.ok ? 'replays' : verdict.message).toBe('replays');
  });
});
