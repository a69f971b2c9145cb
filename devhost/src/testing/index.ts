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
  describeReport,
  loadReplayer,
  NonDeterministicOrchestratorError,
  replayHistory,
  ReplayInputError,
  type LoadReplayerOptions,
  type Replayer,
  type ReplayOptions,
  type ReplayReport,
} from './replay';
export {
  stopTestEmulators,
  testAzurite,
  testCosmos,
  testEmulators,
  type TestAzurite,
  type TestCosmos,
} from '../emulators/testing';
export type { HistoryEvent, RuntimeStatus } from '../protocol/history';
