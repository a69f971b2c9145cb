/**
 * The orchestration trigger payload as the JSON text the host sends, built without stringifying the
 * whole stored history every episode. The SDK replays the whole history each time, so the payload
 * grows with it; stringifying it anew made a long sequence's episodes quadratic in devhost's CPU
 * (about 1 ms per episode for a 2,000-event history). The stores hand out their events frozen and
 * shared, so the text of a stored history's events is kept per execution and extended by the
 * events stored since; anything else (a history read afresh, events that could still change) is
 * stringified as before. The text parses to exactly the value of `buildOrchestrationTrigger`.
 */
import { extendsHistory, type ExecutionStartedEvent, type HistoryEvent } from '../../protocol/history';
import { triggerParts } from '../replay';
import type { EpisodeInput } from '../replay/types';
import { KeptByExecution, type Execution } from '../replay/keptByExecution';

/** Kept history text, in UTF-16 code units over all executions; the oldest go first past it. */
const DEFAULT_BUDGET_CHARS = 32 * 1024 * 1024;

interface KeptText {
  /** The stored events the text is of (a copy of the episode's array). */
  readonly events: readonly HistoryEvent[];
  readonly text: string;
}

export class TriggerText {
  private readonly kept: KeptByExecution<KeptText>;
  /** Whether an ExecutionStarted's stored input is JSON text (the payload then carries it as is). */
  private readonly inputIsJson = new WeakMap<ExecutionStartedEvent, boolean>();

  constructor(budgetChars = DEFAULT_BUDGET_CHARS) {
    this.kept = new KeptByExecution(budgetChars);
  }

  text(input: EpisodeInput): string {
    const { started, tail, fields } = triggerParts(input);
    const stored = this.storedText(input);
    // The tail always holds this episode's OrchestratorStarted.
    const added = JSON.stringify(tail).slice(1, -1);
    const history = stored === '' ? added : `${stored},${added}`;
    const rest = JSON.stringify(fields);
    return `{"history":[${history}],"input":${this.inputText(started)},${rest.slice(1)}`;
  }

  /** Drops what is kept for an execution that has ended. */
  forget(execution: Execution): void {
    this.kept.take(execution);
  }

  /** The JSON of `input.history` without its brackets, extended from the text kept for it. */
  private storedText(input: EpisodeInput): string {
    const events = input.history;
    if (events.length === 0) return '';
    const kept = this.kept.take(input);
    let text: string;
    let from: number;
    if (kept !== undefined && extendsHistory(kept.events, events)) {
      text = kept.text;
      from = kept.events.length;
    } else {
      text = '';
      from = 0;
    }
    if (from < events.length) {
      const added = JSON.stringify(events.slice(from)).slice(1, -1);
      text = text === '' ? added : `${text},${added}`;
    }
    // Frozen events cannot change under the text; the stores freeze what they hand out.
    if (allFrozen(events, from)) this.kept.keep(input, { events: [...events], text }, text.length);
    return text;
  }

  /**
   * `buildOrchestrationTrigger`'s `input` is the stored input parsed (invalid JSON stays a string):
   * valid JSON text goes into the payload as it is, which parses to the same value.
   */
  private inputText(started: ExecutionStartedEvent): string {
    const stored = started.Input;
    if (stored === null) return 'null';
    let valid = this.inputIsJson.get(started);
    if (valid === undefined) {
      valid = isJsonText(stored);
      if (Object.isFrozen(started)) this.inputIsJson.set(started, valid);
    }
    return valid ? stored : JSON.stringify(stored);
  }
}

function allFrozen(events: readonly HistoryEvent[], from: number): boolean {
  for (let index = from; index < events.length; index++) {
    if (!Object.isFrozen(events[index])) return false;
  }
  return true;
}

function isJsonText(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
