/**
 * devhost's testing API: an in-process host on a virtual clock, activity fakes, history replay
 * and determinism checks, and the local emulators for tests.
 */
export {
  startTestHost,
  type StartTestHostOptions,
  type StartOptions,
  type TestClock,
  type TestHost,
} from './startTestHost';
export type { ActivityFake, AnyActivityHandler } from './activityOverrides';
export {
  checkDeterminism,
  createReplayer,
  describeReport,
  loadReplayer,
  NonDeterministicOrchestratorError,
  parseRecordedHistory,
  replayHistory,
  ReplayInputError,
  type LoadReplayerOptions,
  type Replayer,
  type ReplayOptions,
  type ReplayReport,
} from './replay';
export { historyFromStatusEvents, isStatusHistory, StatusHistoryError } from './statusHistory';
export {
  checkGoldenHistories,
  openGoldenChecker,
  saveGoldenHistory,
  type GoldenChecker,
  type GoldenVerdict,
  type SaveOutcome,
} from './goldenHistories';
export {
  describeRecordedWith,
  fetchStatusWithHistory,
  GoldenHistoryError,
  goldenHistoryFiles,
  goldenHistoryPath,
  readGoldenHistory,
  writeGoldenHistory,
  type EntityGolden,
  type GoldenHistory,
  type OrchestrationGolden,
  type RecordedWith,
} from './goldenFiles';
export {
  checkInFlight,
  describeInFlightReport,
  storeInstances,
  type InFlightFinding,
  type InFlightInstance,
  type InFlightReport,
} from './inFlightCheck';
export { azureHubInstances, httpHubInstances, InFlightSourceError } from './inFlightSources';
export { inFlightGuard, type InFlightGuard, type InFlightGuardOptions } from './inFlightGuard';
export {
  injectActivityFaults,
  type FaultInjectionOptions,
  type FaultKind,
  type FaultRun,
} from './faultInjection';
export {
  EntityReplayError,
  replayEntityOperations,
  type EntityOperation,
  type EntityOperationOutcome,
  type EntityReplayResult,
} from './entityReplay';
export {
  stopTestEmulators,
  testAzurite,
  testCosmos,
  testEmulators,
  type TestAzurite,
  type TestCosmos,
} from '../emulators/testing';
export type { HistoryEvent, RuntimeStatus } from '../protocol/history';
