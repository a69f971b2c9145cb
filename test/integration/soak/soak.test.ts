/**
 * The soak at a few dozen instances with every fault once (`npm run soak` runs it at full size and
 * writes docs/reliability.md): throttling, a Cosmos server crash, a devhost crash, a SIGTERM with
 * a backlog; afterwards nothing acknowledged is missing, nothing is charged or decided twice, and
 * stock adds up.
 */
import * as fs from 'node:fs';
import { testAzurite } from '../../../devhost/src/emulators/testing';
import { devhostCli, repoRoot } from '../../../soak/paths';
import { DEFAULT_SOAK, runSoak } from '../../../soak/runSoak';

jest.setTimeout(240_000);

beforeAll(() => {
  for (const file of [devhostCli(), `${repoRoot()}/dist/src/functions/startOrder.js`]) {
    if (!fs.existsSync(file)) throw new Error(`Build first (npm run build): ${file} is missing.`);
  }
});

test('a short soak with every fault loses nothing, charges and decides nothing twice, and keeps stock', async () => {
  const lines: string[] = [];
  const result = await runSoak({
    ...DEFAULT_SOAK,
    orders: 16,
    backlog: 16,
    batches: 2,
    itemsPerBatch: 5,
    approvals: 5,
    operations: 2,
    approvalTimeoutSeconds: 5,
    answeredTimeoutSeconds: 120,
    minutes: 3,
    clients: 4,
    burstClients: 8,
    reconcileAfterSeconds: 20,
    visibilityMs: 2_000,
    azuriteConnectionString: (await testAzurite()).connectionString,
    log: (line) => lines.push(line),
  });
  expect({ violations: result.violations, log: result.violations.length ? lines : [] }).toEqual({
    violations: [],
    log: [],
  });
  // Every fault happened, and the work met each kind of outcome.
  expect(result.faults.throttled).toBeGreaterThan(0);
  expect(result.faults).toMatchObject({ cosmosRestarts: 1, devhostKills: 1 });
  expect(result.shutdown).toMatchObject({ exit: '0' });
  expect(result.shutdown?.queuedInstances).toBeGreaterThan(0);
  expect(result.findings.outcomes.processOrder).toMatchObject({
    Completed: expect.any(Number),
    PaymentFailed: expect.any(Number),
    ShipmentFailed: expect.any(Number),
  });
  expect(result.findings.outcomes.approvalWorkflow).toMatchObject({
    Approved: expect.any(Number),
    Rejected: expect.any(Number),
    Timeout: expect.any(Number),
  });
  expect(result.starts.failed).toBe(0);
  expect(result.queueAges.samples).toBeGreaterThan(0);
});
