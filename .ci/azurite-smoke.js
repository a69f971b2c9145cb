// Starts the pinned Azurite in memory on free ports, checks that the blob, queue and table
// endpoints answer, and stops it. Fails CI early with a clear message if Azurite cannot run here.
const { spawn } = require('node:child_process');
const net = require('node:net');

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function main() {
  const [blob, queue, table] = [await freePort(), await freePort(), await freePort()];
  const bin = require.resolve('azurite/dist/src/azurite.js');
  const child = spawn(
    process.execPath,
    [
      bin,
      '--inMemoryPersistence',
      '--disableTelemetry',
      '--skipApiVersionCheck',
      '--silent',
      '--blobPort',
      String(blob),
      '--queuePort',
      String(queue),
      '--tablePort',
      String(table),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const deadline = Date.now() + 20000;
  try {
    for (const port of [blob, queue, table]) {
      for (;;) {
        try {
          await fetch(`http://127.0.0.1:${port}/`);
          break;
        } catch {
          if (Date.now() > deadline) throw new Error(`Azurite did not answer on port ${port}.\n${output}`);
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    }
    const version = require('azurite/package.json').version;
    console.log(
      `azurite ${version} answers on blob ${blob}, queue ${queue}, table ${table} (node ${process.version})`,
    );
  } finally {
    child.kill('SIGTERM');
  }
}

main().catch((err) => {
  console.error(`Azurite smoke test failed: ${err.message}`);
  process.exit(1);
});
