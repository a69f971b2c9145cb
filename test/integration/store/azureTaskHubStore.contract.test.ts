import { AzureTaskHubStore } from '../../../devhost/src/store/azure/azureTaskHubStore';
import { describeTaskHubStoreContract } from '../../contract/taskHubStoreContract';
import { startTestAzurite, uniqueHubName, type TestAzurite } from '../../support/azuriteProcess';

let azurite: TestAzurite;

beforeAll(async () => {
  azurite = await startTestAzurite();
});

afterAll(async () => {
  await azurite.stop();
});

describeTaskHubStoreContract('azure (in-memory Azurite)', async (clock) => {
  const store = await AzureTaskHubStore.open({
    taskHubName: uniqueHubName('contract'),
    connectionString: azurite.connectionString,
    clock,
    leaseWaitMs: 0,
  });
  return { store, dispose: () => store.close() };
});
