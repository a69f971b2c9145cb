// Starts the pinned Azurite in memory on free ports, checks that the blob, queue and table
// endpoints answer as that Azurite version and that a queue message makes a round trip, then checks
// that @azure/cosmos can use @vercel/cosmosdb-server over plain http. Fails CI early with a clear
// message if the local stack cannot run here.
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
    const version = require('azurite/package.json').version;
    for (const [service, port] of [
      ['Blob', blob],
      ['Queue', queue],
      ['Table', table],
    ]) {
      for (;;) {
        try {
          const res = await fetch(`http://127.0.0.1:${port}/`);
          const server = res.headers.get('server') ?? '';
          if (server !== `Azurite-${service}/${version}`) {
            throw new Error(`port ${port} answered as "${server}", expected Azurite-${service}/${version}`);
          }
          break;
        } catch (err) {
          if (err.message.startsWith('port ')) throw err;
          if (Date.now() > deadline) throw new Error(`Azurite did not answer on port ${port}.\n${output}`);
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    }
    const { QueueClient } = require('@azure/storage-queue');
    const connection =
      'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;' +
      'AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;' +
      `QueueEndpoint=http://127.0.0.1:${queue}/devstoreaccount1;`;
    const q = new QueueClient(connection, 'smoke');
    await q.create();
    await q.sendMessage('ping');
    const { receivedMessageItems } = await q.receiveMessages();
    if (receivedMessageItems[0]?.messageText !== 'ping')
      throw new Error('a queue message did not make the round trip');
    console.log(
      `azurite ${version} answers on blob ${blob}, queue ${queue}, table ${table} (node ${process.version})`,
    );
  } finally {
    child.kill('SIGTERM');
  }
}

async function cosmos() {
  const { createHttpServer } = require('@vercel/cosmosdb-server');
  const { CosmosClient } = require('@azure/cosmos');
  const server = createHttpServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const client = new CosmosClient({
      endpoint: `http://127.0.0.1:${server.address().port}`,
      key: 'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==',
      connectionPolicy: { enableEndpointDiscovery: false },
    });
    const { database } = await client.databases.createIfNotExists({ id: 'smoke' });
    const { container } = await database.containers.createIfNotExists({ id: 'c', partitionKey: '/id' });
    await container.items.create({ id: 'x' });
    const { resource } = await container.item('x', 'x').read();
    if (resource?.id !== 'x') throw new Error('an item did not make the round trip');
    const version = require('@vercel/cosmosdb-server/package.json').version;
    console.log(`@vercel/cosmosdb-server ${version} serves @azure/cosmos over http`);
  } finally {
    server.close();
    server.closeAllConnections();
  }
}

main()
  .catch((err) => {
    console.error(`Azurite smoke test failed: ${err.message}`);
    process.exit(1);
  })
  .then(() => cosmos())
  .catch((err) => {
    console.error(`Cosmos server smoke test failed: ${err.message}`);
    process.exit(1);
  });
