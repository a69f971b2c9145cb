/**
 * A jest worker ends by letting its event loop run dry, and Node then disposes of the whole heap
 * (several hundred MB after a few dozen devhost test files, plus a vm context per file): 380–500 ms
 * here, against jest-worker's fixed 500 ms before it kills the worker and prints "A worker process
 * has failed to exit gracefully". Exiting explicitly once the loop is empty skips the disposal.
 * Registered once per process, on the real `process` (jest hands test code a copy).
 */
import { nativeProcess, processWide } from '../../devhost/src/worker/nativeModules';

processWide('test.quickWorkerExit', () => {
  const proc = nativeProcess();
  proc.once('beforeExit', (code) => proc.exit(code));
  return true;
});
