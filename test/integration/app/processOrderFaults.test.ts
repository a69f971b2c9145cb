/**
 * Saga fault injection on processOrder, from its recorded successful run: every step in turn fails
 * for good (every attempt throws, and separately every attempt times out), and the saga must undo
 * exactly what may have taken effect, newest first, and say which step failed.
 *
 * processOrder pushes a step's undo before the step runs (a step that throws may still have taken
 * effect, and every undo is idempotent), so the undos due are those of the steps before the failed
 * one and the failed step's own, newest first.
 */
import * as path from 'node:path';
import { readGoldenHistory } from '../../../devhost/src/testing/goldenFiles';
import { injectActivityFaults, type FaultRun } from '../../../devhost/src/testing/faultInjection';
import { copyBuiltApp } from '../../support/appCopy';
import { appDir } from '../../support/testHosts';

const completed = path.join(appDir, 'test/fixtures/histories/processOrder/completed.json');

/**
 * The undos due when each step of the recorded run fails for good. Recording the outcome comes after
 * every business step succeeded: the order stands, so nothing is undone. A step processOrder gains
 * must be added here, with what its failure must undo.
 */
const DUE: Record<string, string[]> = {
  ValidateOrder: [],
  ReserveInventory: ['ReleaseInventory'],
  ProcessPayment: ['RefundPayment', 'ReleaseInventory'],
  CreateShipment: ['CancelShipment', 'RefundPayment', 'ReleaseInventory'],
  SendConfirmation: ['CancelShipment', 'RefundPayment', 'ReleaseInventory'],
  RecordOrderOutcome: [],
};

describe('processOrder undoes what may have taken effect when any step fails for good', () => {
  let runs: FaultRun[];
  beforeAll(async () => {
    runs = await injectActivityFaults({
      appDir,
      history: readGoldenHistory(completed),
    });
  });

  it('fails every step of the recorded run, each with both faults', () => {
    expect(runs.map((r) => [r.activity, r.fault])).toEqual(
      Object.keys(DUE).flatMap((step) => [
        [step, 'failure'],
        [step, 'timeout'],
      ]),
    );
  });

  it.each(['failure', 'timeout'])(
    'after a %s at step k, runs the undos of the steps up to k in reverse order and names step k',
    (fault) => {
      const ofFault = runs.filter((r) => r.fault === fault);
      const steps = ofFault.map((r) => r.activity);
      for (const [k, run] of ofFault.entries()) {
        expect({ step: run.activity, compensations: run.compensations }).toEqual({
          step: run.activity,
          compensations: DUE[run.activity],
        });
        // The saga stopped at step k: none of the later business steps ran (the outcome is recorded).
        expect(run.calls.slice(0, k + 1)).toEqual(steps.slice(0, k + 1));
        expect(run.calls.filter((call) => steps.slice(k + 1, -1).includes(call))).toEqual([]);
        expect(run.runtimeStatus).toBe('Failed');
        expect(String(run.output)).toContain(run.activity);
        if (fault === 'timeout') expect(String(run.output)).toContain('Timeout value of');
      }
    },
  );

  it('sees a saga that undoes in the wrong order, or forgets an undo', async () => {
    const copy = await copyBuiltApp('saga-broken-');
    try {
      copy.edit('dist/src/orchestrators/processOrder.js', (source) =>
        source
          .replace('for (const action of [...undo].reverse()) {', 'for (const action of [...undo]) {')
          .replace("undo.push('CancelShipment');", ''),
      );
      const broken = await injectActivityFaults({
        appDir: copy.dir,
        history: readGoldenHistory(completed),
        faults: ['failure'],
      });
      expect(broken.find((r) => r.activity === 'ProcessPayment')?.compensations).toEqual([
        'ReleaseInventory',
        'RefundPayment',
      ]);
      expect(broken.find((r) => r.activity === 'SendConfirmation')?.compensations).toEqual([
        'ReleaseInventory',
        'RefundPayment',
      ]);
    } finally {
      await copy.remove();
    }
  });
});
