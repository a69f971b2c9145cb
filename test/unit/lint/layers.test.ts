import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repo = path.resolve(__dirname, '../../..');
const fixture = path.join(repo, 'test/fixtures/layers');

function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}

/** Runs the project's layer rules (what `npm run lint` runs) over a tree with deliberate violations. */
async function cruiseFixture(): Promise<string> {
  const cli = path.join(repo, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
  try {
    await run(
      process.execPath,
      [cli, 'src', 'devhost/src', '--config', path.join(repo, '.dependency-cruiser.cjs')],
      // Colour codes would split the rule name from the paths; CI may force colour on.
      { cwd: fixture, env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' } },
    );
  } catch (err) {
    return stripAnsi((err as { stdout: string }).stdout);
  }
  throw new Error('the layer rules passed a tree that breaks them');
}

describe('the layer rules in npm run lint', () => {
  let output: string;
  beforeAll(async () => {
    output = await cruiseFixture();
  }, 60_000);

  it('fail an upward import from the store into the engine, naming the rule', () => {
    expect(output).toMatch(
      /store-imports-only-ground-floor: devhost\/src\/store\/store\.ts → devhost\/src\/durable\/engine\.ts/,
    );
  });

  it('fail an import of devhost from the app, naming the rule', () => {
    expect(output).toMatch(
      /app-never-imports-devhost: src\/functions\/fn\.ts → devhost\/src\/store\/store\.ts/,
    );
  });

  it('fail a Node built-in in the replay core, naming the rule', () => {
    expect(output).toMatch(/replay-does-no-io: devhost\/src\/durable\/replay\/core\.ts → (node:)?fs/);
  });
});
