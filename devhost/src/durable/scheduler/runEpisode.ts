/**
 * One orchestration episode through the app: the trigger payload the host sends, the orchestrator
 * invoked through the app's own programming model, its reply read as the SDK's state (or what it
 * threw), and the replay core's verdict. The dispatcher runs every episode of the engine with it;
 * history replay and fault injection (devhost/testing) run theirs with it, so a check runs exactly
 * what the engine runs.
 */
import { isTerminal } from '../../protocol/history';
import { KeptReplays, processEpisode } from '../replay';
import type { EpisodeInput, EpisodeResult, OrchestrationSettings, SdkReply } from '../replay/types';
import { durableFunctionNames, findDurableFunction, type DurableFunctionApp } from './functionApp';
import type { EngineSettings } from './settings';
import { ReplyText } from './replyText';
import { TriggerText } from './triggerText';

/**
 * The replay core, as the engine calls it: the trigger payload's JSON text, the orchestrator's
 * reply text read as `JSON.parse` would, then the episode's result.
 */
export interface ReplayCore {
  triggerText(input: EpisodeInput): string;
  parseReply(input: EpisodeInput, text: string): unknown;
  completeEpisode(input: EpisodeInput, reply: SdkReply): EpisodeResult;
}

/**
 * The pure replay core, with the stored histories' trigger text, the replies' actions and the
 * replay of each running execution kept between episodes.
 */
export function createReplayCore(): ReplayCore {
  const trigger = new TriggerText();
  const reply = new ReplyText();
  const replays = new KeptReplays();
  return {
    triggerText: (input) => trigger.text(input),
    parseReply: (input, text) => reply.parse(input, text),
    completeEpisode: (input, sdkReply) => {
      const result = processEpisode(input, sdkReply, replays);
      // An execution that ended has no next episode: what was kept for it goes.
      if (isTerminal(result.runtimeStatus) || result.runtimeStatus === 'ContinuedAsNew') {
        trigger.forget(input);
        reply.forget(input);
      }
      return result;
    },
  };
}

export interface EpisodeRunner {
  app: DurableFunctionApp;
  replay: ReplayCore;
}

/**
 * Runs the orchestrator `name` for one episode. An orchestrator the app does not have fails the
 * episode with the extension's message, as on Azure after a deploy that removed it.
 */
export async function runEpisode(
  runner: EpisodeRunner,
  name: string,
  input: EpisodeInput,
): Promise<EpisodeResult> {
  const fn = findDurableFunction(runner.app, 'orchestrationTrigger', name);
  if (!fn) {
    return runner.replay.completeEpisode(input, {
      kind: 'thrown',
      message: `The function '${name}' doesn't exist, is disabled, or is not an orchestrator function.`,
    });
  }
  const outcome = await runner.app.invoke({
    functionName: fn.name,
    triggerData: { string: runner.replay.triggerText(input) },
  });
  return runner.replay.completeEpisode(
    input,
    sdkReply(outcome, (text) => runner.replay.parseReply(input, text)),
  );
}

/** The orchestrator's returned state, or what it threw, read from an invocation outcome. */
function sdkReply(
  outcome: Awaited<ReturnType<DurableFunctionApp['invoke']>>,
  parse: (text: string) => unknown,
): SdkReply {
  if (outcome.status === 'failure') return { kind: 'thrown', message: outcome.error.message };
  const text = outcome.returnValue?.json ?? outcome.returnValue?.string;
  if (text === undefined) return { kind: 'thrown', message: 'The orchestrator function returned no state.' };
  try {
    return { kind: 'state', state: parse(text) as never };
  } catch {
    return {
      kind: 'thrown',
      message: 'The data returned by the out-of-process function execution was not valid json.',
    };
  }
}

/** What the replay core needs to know about the host and the app for an episode. */
export function orchestrationSettings(
  app: DurableFunctionApp,
  settings: Pick<
    EngineSettings,
    'maximumShortTimerMs' | 'longRunningTimerIntervalMs' | 'defaultHttpAsyncRequestSleepMs'
  >,
): OrchestrationSettings {
  return {
    maximumShortTimerMs: settings.maximumShortTimerMs,
    longRunningTimerIntervalMs: settings.longRunningTimerIntervalMs,
    defaultHttpAsyncRequestSleepMs: settings.defaultHttpAsyncRequestSleepMs,
    activityNames: durableFunctionNames(app, 'activityTrigger'),
    orchestratorNames: durableFunctionNames(app, 'orchestrationTrigger'),
    entityNames: durableFunctionNames(app, 'entityTrigger'),
  };
}
