/**
 * The orchestrator's reply (`OrchestratorState`, the JSON text the programming model returns)
 * parsed without parsing again the actions the last episode's reply already had. With replay
 * schema V3 the SDK returns every action since the start, in one array, every episode, so a
 * sequence of 1,000 activities parsed about half a million actions over its run (the largest part
 * of devhost's own work in a memory-store sequence, and garbage to collect). When a reply's
 * actions text begins with the previous reply's actions text, character for character, those
 * actions are the ones parsed then (kept frozen, so nothing can change them); only the text after
 * them is parsed. Anything else is parsed whole. The value returned is the value of
 * `JSON.parse(text)`, and invalid JSON throws as it does.
 */
import { deepFreeze } from '../../store/frozen';
import { KeptByExecution, type Execution } from '../replay/keptByExecution';

/**
 * Kept actions text, in UTF-16 code units over all executions; the parsed actions kept with it
 * take a few times as many bytes (a fan-out of 10,000: about 1 M characters).
 */
const DEFAULT_BUDGET_CHARS = 4 * 1024 * 1024;

/** How `JSON.stringify` of an `OrchestratorState` begins, up to its actions' inner array. */
const HEADS = ['{"isDone":false,"actions":[[', '{"isDone":true,"actions":[['];

interface KeptActions {
  /** The text of the actions, from after `[[` to the end of the last one. */
  readonly text: string;
  readonly actions: readonly unknown[];
}

export class ReplyText {
  private readonly kept: KeptByExecution<KeptActions>;

  constructor(budgetChars = DEFAULT_BUDGET_CHARS) {
    this.kept = new KeptByExecution(budgetChars);
  }

  parse(execution: Execution, text: string): unknown {
    const head = HEADS.find((h) => text.startsWith(h))?.length;
    if (head === undefined) return JSON.parse(text);
    const kept = this.kept.take(execution);
    const reused =
      kept !== undefined && kept.actions.length > 0 && text.startsWith(kept.text, head) ? kept : undefined;
    const from = head + (reused?.text.length ?? 0);
    const end = innerArrayEnd(text, from);
    // Not the shape expected, or `actions` named again after the inner array (the last of a
    // repeated key is the one JSON.parse keeps): parsed whole, and nothing kept.
    if (end < 0 || text.indexOf('"actions"', end) >= 0) return JSON.parse(text);
    // The kept actions' text stands in the parsed text as one placeholder element, so that the
    // text parsed is valid JSON exactly when the reply is.
    const value = JSON.parse(reused ? `${text.slice(0, head)}0${text.slice(from)}` : text) as Reply;
    const outer: unknown = value.actions;
    if (!Array.isArray(outer)) return value;
    const parsed: unknown = outer[0];
    if (!Array.isArray(parsed)) return value;
    const added: unknown[] = parsed;
    if (reused) added.shift();
    for (const action of added) deepFreeze(action);
    const actions = reused ? reused.actions.concat(added) : added;
    outer[0] = actions;
    // A finished orchestration has no next episode.
    if (value.isDone !== true) {
      const actionsText = text.slice(head, end);
      this.kept.keep(execution, { text: actionsText, actions: [...actions] }, actionsText.length);
    }
    return value;
  }

  /** Drops what is kept for an execution that has ended. */
  forget(execution: Execution): void {
    this.kept.take(execution);
  }
}

/** As much of an `OrchestratorState` as is read here; the rest is whatever the text holds. */
interface Reply {
  isDone: unknown;
  actions: unknown;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/**
 * The index of the `]` that closes the array `from` is inside (at its top level: before an
 * element, or at the comma after one), in JSON text; -1 if the text ends first.
 */
export function innerArrayEnd(text: string, from: number): number {
  let depth = 0;
  for (let index = from; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === QUOTE) {
      for (index++; index < text.length; index++) {
        const inString = text.charCodeAt(index);
        if (inString === BACKSLASH) index++;
        else if (inString === QUOTE) break;
      }
    } else if (code === OPEN_BRACKET || code === OPEN_BRACE) {
      depth++;
    } else if (code === CLOSE_BRACKET || code === CLOSE_BRACE) {
      if (depth === 0) return code === CLOSE_BRACKET ? index : -1;
      depth--;
    }
  }
  return -1;
}
