import * as df from 'durable-functions';
import { formatHistoryEvents } from '../../../../../devhost/src/durable/replay';
import {
  playToCompletion,
  SdkOrchestration,
  testSettings,
  type OrchestratorFn,
} from '../../../../support/sdkOrchestrator';

const settings = testSettings({ activities: ['Reserve', 'Charge', 'Ship', 'Release', 'Notify'] });

/** An order saga: reserve lines in parallel, charge with retries, wait for approval with a deadline. */
const orderSaga: OrchestratorFn = function* (context) {
  const order = context.df.getInput<{ id: string; lines: string[] }>();
  const reserved = (yield context.df.Task.all(
    order.lines.map((line) => context.df.callActivity('Reserve', line)),
  )) as string[];
  try {
    yield context.df.callActivityWithRetry('Charge', new df.RetryOptions(5000, 3), order.id);
  } catch {
    yield context.df.Task.all(reserved.map((r) => context.df.callActivity('Release', r)));
    return { status: 'declined', released: reserved };
  }
  const deadline = context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 86_400_000));
  const approval = context.df.waitForExternalEvent('Approval');
  const winner: unknown = yield context.df.Task.any([approval, deadline]);
  if (winner !== approval) return { status: 'expired' };
  deadline.cancel();
  yield context.df.callActivity('Ship', order.id);
  return { status: 'shipped', approvedBy: approval.result };
};

describe('playing orchestrations to completion against a scripted world', () => {
  it('ships after two failed charges and an approval', async () => {
    let charges = 0;
    const run = new SdkOrchestration(orderSaga, { name: 'orderSaga', settings });
    const end = await playToCompletion(
      run,
      { id: 'o-1', lines: ['a', 'b'] },
      {
        activity: (name, input) => {
          if (name === 'Charge') return ++charges < 3 ? { error: 'card declined' } : { result: 'paid' };
          return { result: `${name}:${String(input)}` };
        },
        events: [{ atSecond: 3600, name: 'Approval', input: 'manager' }],
      },
    );
    expect(end.runtimeStatus).toBe('Completed');
    expect(JSON.parse(end.output ?? 'null')).toEqual({ status: 'shipped', approvedBy: 'manager' });
    const names = formatHistoryEvents(run.history, { showHistoryOutput: false, showInput: false })
      .filter((row) => row.EventType === 'TaskCompleted' || row.EventType === 'TaskFailed')
      .map((row) => `${String(row.EventType)}:${String(row.FunctionName)}`);
    expect(names).toEqual([
      'TaskCompleted:Reserve',
      'TaskCompleted:Reserve',
      'TaskFailed:Charge',
      'TaskFailed:Charge',
      'TaskCompleted:Charge',
      'TaskCompleted:Ship',
    ]);
  });

  it('releases the reservations when every charge attempt fails', async () => {
    const run = new SdkOrchestration(orderSaga, { name: 'orderSaga', settings });
    const end = await playToCompletion(
      run,
      { id: 'o-2', lines: ['a'] },
      {
        activity: (name, input) =>
          name === 'Charge' ? { error: 'card declined' } : { result: `${name}:${String(input)}` },
      },
    );
    expect(JSON.parse(end.output ?? 'null')).toEqual({ status: 'declined', released: ['Reserve:a'] });
  });

  it('expires a day after the charge when nobody approves', async () => {
    const run = new SdkOrchestration(orderSaga, { name: 'orderSaga', settings });
    const end = await playToCompletion(
      run,
      { id: 'o-3', lines: ['c'] },
      { activity: () => ({ result: 'ok' }) },
    );
    expect(JSON.parse(end.output ?? 'null')).toEqual({ status: 'expired' });
    expect(end.appended[0]?.Timestamp).toBe('2024-01-02T00:00:02.000Z');
  });
});
