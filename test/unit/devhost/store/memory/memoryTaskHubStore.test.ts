import { MemoryTaskHubStore } from '../../../../../devhost/store/memory/MemoryTaskHubStore';
import { describeTaskHubStoreContract } from '../../../../contract/taskHubStoreContract';

describeTaskHubStoreContract('memory', (clock) => {
  const store = new MemoryTaskHubStore({ taskHubName: 'ContractHub', clock });
  return Promise.resolve({ store, dispose: () => store.close() });
});
