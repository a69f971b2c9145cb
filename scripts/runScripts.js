#!/usr/bin/env node
// Runs package.json scripts side by side, two at a time by default: lint's checks and the two
// builds are single-threaded and independent, and the machines that run `npm test` have 2 cores.
//
//   node scripts/runScripts.js [--jobs N] SCRIPT...
//
// Scripts start in the order given (put the longest first). Each one's output is printed whole
// when it ends, so logs never interleave. Every script runs to its end even when another failed,
// so one run reports every failing check; the exit code is 1 if any failed.
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');

function parseArgs(argv) {
  let jobs = 2;
  const names = [];
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === '--jobs') {
      jobs = Number(argv[(i += 1)]);
      if (!Number.isInteger(jobs) || jobs < 1) throw new Error('--jobs takes a whole number from 1 up.');
    } else names.push(argv[i]);
  }
  if (names.length === 0) throw new Error('Name at least one package.json script to run.');
  return { jobs, names };
}

/** Runs one script as npm would: a shell, with node_modules/.bin first on the PATH. */
function runScript(name, command) {
  const started = Date.now();
  const bin = path.join(root, 'node_modules', '.bin');
  const pathKey = Object.keys(process.env).find((key) => key.toUpperCase() === 'PATH') ?? 'PATH';
  const child = spawn(command, {
    cwd: root,
    shell: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, [pathKey]: `${bin}${path.delimiter}${process.env[pathKey] ?? ''}` },
  });
  const output = [];
  child.stdout.on('data', (chunk) => output.push(chunk));
  child.stderr.on('data', (chunk) => output.push(chunk));
  return new Promise((resolve) => {
    const finish = (code, error) => {
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      resolve({ name, command, code, seconds, output: Buffer.concat(output).toString(), error });
    };
    child.on('error', (error) => finish(1, error));
    child.on('close', (code, signal) => finish(code ?? (signal ? 1 : 0)));
  });
}

async function main() {
  const { jobs, names } = parseArgs(process.argv.slice(2));
  const { scripts = {} } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const missing = names.filter((name) => typeof scripts[name] !== 'string');
  if (missing.length > 0) throw new Error(`package.json has no script ${missing.join(', ')}.`);

  const queue = [...names];
  const failed = [];
  const worker = async () => {
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
      const result = await runScript(name, scripts[name]);
      const ok = result.code === 0;
      process.stdout.write(
        `\n> ${name} (${ok ? 'ok' : `failed, exit ${result.code}`}, ${result.seconds} s): ${result.command}\n`,
      );
      if (result.output)
        process.stdout.write(result.output.endsWith('\n') ? result.output : `${result.output}\n`);
      if (result.error) process.stdout.write(`${result.error.message}\n`);
      if (!ok) failed.push(name);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, names.length) }, worker));
  if (failed.length > 0) {
    process.stderr.write(`\n${failed.length} of ${names.length} failed: ${failed.join(', ')}\n`);
    process.exitCode = 1;
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
});
