import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { runSeed } from '../../../devhost/src/emulators/seed';

describe('--seed <module>', () => {
  let appDir: string;
  beforeEach(async () => {
    appDir = await fs.mkdtemp(path.join(os.tmpdir(), 'devhost-seed-'));
  });
  afterEach(() => fs.rm(appDir, { recursive: true, force: true }));

  it('runs the module seed(context) with the app dir and the settings that point at the emulators', async () => {
    await fs.writeFile(
      path.join(appDir, 'seed.js'),
      `exports.seed = async (ctx) => { require('fs').writeFileSync(require('path').join(ctx.appDir, 'out.txt'), ctx.settings.COSMOS_ENDPOINT); ctx.log('seeded'); };`,
    );
    const lines: string[] = [];
    await runSeed('seed.js', {
      appDir,
      settings: { COSMOS_ENDPOINT: 'http://127.0.0.1:1234' },
      log: (l) => lines.push(l),
    });
    expect(await fs.readFile(path.join(appDir, 'out.txt'), 'utf8')).toBe('http://127.0.0.1:1234');
    expect(lines).toEqual(['seeded']);
  });

  it('says what is wrong when the module exports no seed function or cannot load', async () => {
    await fs.writeFile(path.join(appDir, 'empty.js'), 'exports.other = 1;');
    const context = { appDir, settings: {}, log: () => undefined };
    await expect(runSeed('empty.js', context)).rejects.toThrow(
      /--seed empty.js: .*exports no seed\(context\) function/,
    );
    await expect(runSeed('missing.js', context)).rejects.toThrow(
      /--seed missing.js: cannot load .*Build first, or fix the path/,
    );
  });
});
