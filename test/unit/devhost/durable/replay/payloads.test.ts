import { activityBindingText, activityInputValue } from '../../../../../devhost/src/durable/replay';
import { activityParameters } from '../../../../../devhost/src/durable/replay/payloads';

/** What the SDK puts in a CallActivity action's `input` (`Utils.processInput`). */
function sdkProcessed(value: unknown): unknown {
  return typeof value === 'string' ? JSON.stringify(value) : value;
}

describe('activity inputs', () => {
  it.each([
    ['a string', 'Tokyo'],
    ['a string that looks like JSON', '{"a":1}'],
    ['a number', 42],
    ['an object', { orderId: 'o-1', lines: [1, 2] }],
    ['an array', ['a', 'b']],
    ['a boolean', false],
  ])('delivers %s to the activity as the original value', (_label, value) => {
    const parameters = activityParameters(sdkProcessed(value));
    expect(activityInputValue(parameters)).toEqual(value);
  });

  it("carries DTF's one-element parameter array", () => {
    expect(activityParameters(sdkProcessed('Tokyo'))).toBe('["\\"Tokyo\\""]');
    expect(activityParameters(undefined)).toBe('[null]');
  });

  it('binds a string parameter as its raw text and anything else as JSON text', () => {
    expect(activityBindingText('["\\"Tokyo\\""]')).toBe('"Tokyo"');
    expect(activityBindingText('[{"a":1}]')).toBe('{"a":1}');
    expect(activityBindingText('[null]')).toBeNull();
    expect(activityBindingText(null)).toBeNull();
  });

  it('gives an activity without input undefined', () => {
    expect(activityInputValue('[null]')).toBeUndefined();
  });
});
