import { ActionType } from '../../../../devhost/src/protocol/actions';
import { EventType, OrchestrationStatus } from '../../../../devhost/src/protocol/history';

// The SDK's own enums are the oracle: devhost must number events and actions exactly as it does.
/* eslint-disable @typescript-eslint/no-require-imports */
const sdkHistory = require('durable-functions/lib/src/history/HistoryEventType') as {
  HistoryEventType: Record<string, number | string>;
};
const sdkActions = require('durable-functions/lib/src/actions/ActionType') as {
  ActionType: Record<string, number | string>;
};
const sdkStatus = require('durable-functions/lib/src/orchestrations/OrchestrationRuntimeStatus') as {
  OrchestrationRuntimeStatus: Record<string, string>;
};
/* eslint-enable @typescript-eslint/no-require-imports */

function numericEntries(e: Record<string, number | string>): [string, number][] {
  return Object.entries(e).filter((entry): entry is [string, number] => typeof entry[1] === 'number');
}

describe('durable protocol enums', () => {
  it('numbers every history event type as the SDK does', () => {
    for (const [name, value] of numericEntries(sdkHistory.HistoryEventType)) {
      expect((EventType as unknown as Record<string, number>)[name]).toBe(value);
    }
  });

  it('numbers every action type as the SDK does', () => {
    for (const [name, value] of numericEntries(sdkActions.ActionType)) {
      expect((ActionType as unknown as Record<string, number>)[name]).toBe(value);
    }
  });

  it('names the same eight runtime statuses as the SDK', () => {
    const names = Object.values(sdkStatus.OrchestrationRuntimeStatus).sort();
    const ours = Object.keys(OrchestrationStatus)
      .filter((k) => Number.isNaN(Number(k)))
      .sort();
    expect(ours).toEqual(names);
  });
});
