import { innerArrayEnd, ReplyText } from '../../../../../devhost/src/durable/scheduler/replyText';
import { seededRandom } from '../../../../support/seededRandom';

const episode = { instanceId: 'i1', executionId: 'e1' };

/** An `OrchestratorState` as the programming model returns it: `JSON.stringify` of the SDK's object. */
function reply(actions: unknown[], extra: Record<string, unknown> = {}, isDone = false): string {
  return JSON.stringify({ isDone, actions: [actions], output: undefined, schemaVersion: 3, ...extra });
}

function callActivity(name: string, input: unknown) {
  return { functionName: name, actionType: 0, input };
}

/** What `run` returns, or that it threw a SyntaxError. */
function outcome(run: () => unknown): unknown {
  try {
    return { value: run() };
  } catch (error) {
    return { threw: (error as Error).name };
  }
}

/** The lengths of the texts `JSON.parse` was given while `run` ran. */
function parsedLengths(run: () => void): number[] {
  const lengths: number[] = [];
  const parse = JSON.parse;
  const spy = jest.spyOn(JSON, 'parse').mockImplementation((...args: Parameters<typeof JSON.parse>) => {
    lengths.push(args[0].length);
    return parse(...args) as unknown;
  });
  try {
    run();
  } finally {
    spy.mockRestore();
  }
  return lengths;
}

describe('ReplyText', () => {
  it('reads each reply of a growing sequence as JSON.parse does, parsing only the actions it has not seen', () => {
    const replies = new ReplyText();
    const actions: unknown[] = [];
    let previous: unknown[] | undefined;
    for (let step = 0; step < 50; step++) {
      actions.push(callActivity('Hello', [`city-${step}`, { step }]));
      const text = reply(actions, { customStatus: { step } });
      let value: unknown;
      const lengths = parsedLengths(() => (value = replies.parse(episode, text)));
      expect(value).toEqual(JSON.parse(text));
      const read = (value as { actions: unknown[][] }).actions[0] ?? [];
      if (previous !== undefined) {
        // The actions seen before are the objects read then; only the last one was parsed now.
        expect(read.slice(0, -1)).toHaveLength(previous.length);
        read.slice(0, -1).forEach((action, i) => expect(action).toBe(previous?.[i]));
        expect(lengths).toHaveLength(1);
        expect(lengths[0]).toBeLessThan(200);
      }
      expect(read.every((action) => Object.isFrozen(action))).toBe(true);
      previous = read;
    }
  });

  it('reads a reply with no new action, and the reply that finishes, and keeps nothing after it', () => {
    const replies = new ReplyText();
    const actions = [callActivity('A', 1), callActivity('B', 2)];
    const first = reply(actions);
    expect(replies.parse(episode, first)).toEqual(JSON.parse(first));
    // The same actions again (an event that completes nothing, say).
    const same = reply(actions, { customStatus: 'waiting' });
    expect(replies.parse(episode, same)).toEqual(JSON.parse(same));
    // Done, with its output: isDone changes the head, the actions text is still known.
    const done = reply(actions, { output: { total: 3 } }, true);
    let value: unknown;
    const lengths = parsedLengths(() => (value = replies.parse(episode, done)));
    expect(value).toEqual(JSON.parse(done));
    expect(lengths[0]).toBeLessThan(done.length);
    // Nothing is kept for a finished execution: a reply for it is parsed whole.
    expect(parsedLengths(() => replies.parse(episode, first))).toEqual([first.length]);
  });

  it('parses a reply whole when its earlier actions are not the ones seen before', () => {
    const replies = new ReplyText();
    replies.parse(episode, reply([callActivity('A', 1), callActivity('B', 2)]));
    // A changed orchestrator: its second action differs (the replay core reports it).
    const changed = reply([callActivity('A', 1), callActivity('C', 2), callActivity('D', 3)]);
    let value: unknown;
    expect(parsedLengths(() => (value = replies.parse(episode, changed)))).toEqual([changed.length]);
    expect(value).toEqual(JSON.parse(changed));
    // Fewer actions than before.
    const fewer = reply([callActivity('A', 1)]);
    expect(replies.parse(episode, fewer)).toEqual(JSON.parse(fewer));
    // An action that begins as the kept one did but goes on: `{"x":1}` against `{"x":12}`.
    replies.parse(episode, reply([{ x: 1 }]));
    const longer = reply([{ x: 12 }]);
    expect(replies.parse(episode, longer)).toEqual(JSON.parse(longer));
  });

  it('finds where the actions end whatever their strings hold', () => {
    const replies = new ReplyText();
    const tricky = [
      'a]b',
      '}]],"x":[[',
      'quote " and \\" and \\\\',
      '\\',
      '[[',
      '\u2028 \u00e9 \ud83d\ude00',
      '{"isDone":false,"actions":[[',
    ];
    const actions: unknown[] = [];
    for (const text of tricky) {
      actions.push(callActivity('Echo', text), { nested: [[text], { deeper: [[[]]] }], n: -1.5e3, ok: null });
      const json = reply(actions, { customStatus: [[text]] });
      expect(replies.parse(episode, json)).toEqual(JSON.parse(json));
    }
  });

  it('keeps each execution apart', () => {
    const replies = new ReplyText();
    const one = [callActivity('A', 'one')];
    const two = [callActivity('A', 'two')];
    replies.parse({ instanceId: 'i1', executionId: 'e1' }, reply(one));
    replies.parse({ instanceId: 'i1', executionId: 'e2' }, reply(two));
    const next = reply([...two, callActivity('B', 'two')]);
    expect(replies.parse({ instanceId: 'i1', executionId: 'e2' }, next)).toEqual(JSON.parse(next));
    const other = reply([...one, callActivity('B', 'one')]);
    expect(replies.parse({ instanceId: 'i1', executionId: 'e1' }, other)).toEqual(JSON.parse(other));
  });

  it('throws on invalid JSON as JSON.parse does, kept actions or not', () => {
    const replies = new ReplyText();
    const actions = [callActivity('A', 1)];
    replies.parse(episode, reply(actions));
    const cut = reply([...actions, callActivity('B', 2)]).slice(0, -5);
    expect(() => replies.parse(episode, cut)).toThrow(SyntaxError);
    expect(() => replies.parse(episode, '{"isDone":false,"actions":[[')).toThrow(SyntaxError);
    expect(() => replies.parse(episode, 'not json')).toThrow(SyntaxError);
    // Another shape (no actions first) is parsed as it is.
    expect(replies.parse(episode, '{"actions":[[]],"isDone":true}')).toEqual({ actions: [[]], isDone: true });
  });

  it('gives what JSON.parse gives for replies no SDK writes: trailing commas, repeated keys, other shapes', () => {
    const head = '{"isDone":false,"actions":[[';
    const sequences = [
      [`${head}1]]}`, `${head}1,]]}`],
      [`${head}1]]}`, `${head}1,2]],"actions":[[9]]}`],
      [`${head}1]],"actions":[[7,8]]}`, `${head}1,2]]}`],
      [`${head}1]],"actions":null}`],
      [`${head} 1 ]]}`, `${head} 1 , 2]]}`, `${head} 1 , 2 ]] }`],
      [`${head}1,2]],[3]]}`, `${head}1,2,4]],[3]]}`],
    ];
    for (const texts of sequences) {
      const replies = new ReplyText();
      for (const text of texts)
        expect(outcome(() => replies.parse(episode, text))).toEqual(outcome(() => JSON.parse(text)));
    }
  });

  it('matches JSON.parse over random replies, whole or damaged, of two executions', () => {
    const random = seededRandom(16);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const pieces = ['a', '"', '\\', ']', '[', '{', '}', ',', ' ', '\u00e9', '\ud83d', '\n', '0', '-', 'e'];
    const text = (): string => Array.from({ length: Math.floor(random() * 4) }, () => pick(pieces)).join('');
    const value = (depth: number): unknown => {
      const kind = Math.floor(random() * (depth > 2 ? 5 : 7));
      if (kind === 0) return Math.floor(random() * 1000) - 500;
      if (kind === 1) return text();
      if (kind === 2) return null;
      if (kind === 3) return random() < 0.5 ? -0.5 : 1e21;
      if (kind === 4) return random() < 0.5;
      if (kind === 5) return Object.fromEntries(Array.from({ length: 2 }, () => [text(), value(depth + 1)]));
      return Array.from({ length: Math.floor(random() * 3) }, () => value(depth + 1));
    };
    const damage = (json: string): string => {
      const at = Math.floor(random() * (json.length + 1));
      return pick([
        () => json.slice(0, at) + json.slice(at + 1),
        () => json.slice(0, at) + pick(pieces) + json.slice(at),
        () => json.slice(0, at),
        () => json.replace(']]', pick([',]]', '] ]', ']],', ', ]]'])),
        () => json.replace('],"', `],"actions":[[${at}]],"`),
      ])();
    };
    for (let run = 0; run < 300; run++) {
      const replies = new ReplyText(random() < 0.5 ? 1e9 : 200);
      const actions: unknown[][] = [[], []];
      for (let step = 0; step < 12; step++) {
        const which = random() < 0.5 ? 0 : 1;
        const list = actions[which] ?? [];
        const roll = random();
        if (roll < 0.6) list.push(callActivity(text(), value(0)));
        else if (roll < 0.7) list.pop();
        else if (roll < 0.75) list.length = 0;
        else if (list.length > 0) list[Math.floor(random() * list.length)] = callActivity(text(), value(0));
        let json = reply([...list], { customStatus: value(0) }, random() < 0.1);
        if (random() < 0.25) json = damage(json);
        const key = { instanceId: `i${which}`, executionId: 'e' };
        expect([json, outcome(() => replies.parse(key, json))]).toEqual([
          json,
          outcome(() => JSON.parse(json)),
        ]);
      }
    }
  });

  it('forgets an execution that has ended', () => {
    const replies = new ReplyText();
    const actions = [callActivity('A', 1)];
    replies.parse(episode, reply(actions));
    replies.forget(episode);
    const next = reply([...actions, callActivity('B', 2)]);
    expect(parsedLengths(() => replies.parse(episode, next))).toEqual([next.length]);
  });

  it('drops the least recently used actions past its budget', () => {
    const replies = new ReplyText(150);
    const actions = [callActivity('Hello', 'x'.repeat(50))];
    replies.parse({ instanceId: 'a', executionId: 'e' }, reply(actions));
    replies.parse({ instanceId: 'b', executionId: 'e' }, reply(actions));
    const next = reply([...actions, callActivity('Hello', 'y')]);
    // 'b' is kept; 'a' was dropped for it.
    expect(parsedLengths(() => replies.parse({ instanceId: 'b', executionId: 'e' }, next))[0]).toBeLessThan(
      next.length,
    );
    expect(parsedLengths(() => replies.parse({ instanceId: 'a', executionId: 'e' }, next))).toEqual([
      next.length,
    ]);
  });
});

describe('innerArrayEnd', () => {
  it('finds the bracket that closes the array it starts in', () => {
    const text = '[[{"a":"]"},[1,[2]],"\\"]"],3]';
    expect(innerArrayEnd(text, 2)).toBe(text.length - 4);
    expect(innerArrayEnd('[[]]', 2)).toBe(2);
    expect(innerArrayEnd('[[{"a":1}', 2)).toBe(-1);
    expect(innerArrayEnd('{"a":1}', 1)).toBe(-1);
  });
});
