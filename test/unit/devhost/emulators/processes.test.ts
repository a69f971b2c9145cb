import { spawn } from 'node:child_process';
import { exitWithParent } from '../../../../devhost/src/emulators/processes';

/** A node child that would run forever, but for the exit-with-parent guard told `parentPid`. */
function guarded(parentPid: number) {
  const child = spawn(process.execPath, ['-e', `${exitWithParent(parentPid)}setInterval(() => {}, 1000);`], {
    stdio: 'ignore',
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited };
}

describe('exitWithParent', () => {
  it('exits at once when the parent it was given is not its parent any more (gone before it looked)', async () => {
    // The pid of a parent that died while the child started: the child's parent is init (or this
    // process here), not that pid.
    const { exited } = guarded(process.pid + 1_000_000);
    await expect(exited).resolves.toBe(0);
  });

  it('keeps running while its parent lives', async () => {
    const { child, exited } = guarded(process.pid);
    const early = await Promise.race([
      exited.then(() => 'exited'),
      new Promise((resolve) => setTimeout(() => resolve('running'), 1_200)),
    ]);
    child.kill();
    await exited;
    expect(early).toBe('running');
  });
});
