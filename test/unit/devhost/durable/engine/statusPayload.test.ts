import { statusPayload } from '../../../../../devhost/src/durable/engine/statusPayload';
import {
  instanceIdProblem,
  entityInstanceId,
  parseEntityInstanceId,
} from '../../../../../devhost/src/protocol/ids';

describe('status payload', () => {
  const row = {
    instanceId: 'abc',
    executionId: 'e',
    name: 'Orch',
    version: null,
    input: '{"x":1}',
    output: "Orchestrator function 'Orch' failed: boom",
    customStatus: null,
    runtimeStatus: 'Failed' as const,
    createdTime: '2030-01-01T00:00:01.789Z',
    lastUpdatedTime: '2030-01-01T00:00:05.001Z',
    completedTime: null,
    scheduledStartTime: null,
    generation: 0,
    parentInstanceId: null,
  };

  it('parses stored JSON, keeps raw text, and formats times to the second', () => {
    expect(statusPayload(row, {})).toEqual({
      name: 'Orch',
      instanceId: 'abc',
      runtimeStatus: 'Failed',
      input: { x: 1 },
      customStatus: null,
      output: "Orchestrator function 'Orch' failed: boom",
      createdTime: '2030-01-01T00:00:01Z',
      lastUpdatedTime: '2030-01-01T00:00:05Z',
    });
    expect(statusPayload(row, { showInput: false }).input).toBeNull();
    expect(statusPayload({ ...row, output: '' }, {}).output).toBe('');
  });
});

describe('ids', () => {
  it('applies the extension instance id rules', () => {
    expect(instanceIdProblem('order-1')).toBeUndefined();
    expect(instanceIdProblem('')).toMatch(/empty/);
    expect(instanceIdProblem('x'.repeat(257))).toMatch(/256/);
    expect(instanceIdProblem('@e@k')).toMatch(/'@'/);
    expect(instanceIdProblem('a#b')).toMatch(/'#'/);
  });

  it('builds and reads entity scheduler ids with the name lower-cased', () => {
    expect(entityInstanceId('Counter', 'K1')).toBe('@counter@K1');
    expect(parseEntityInstanceId('@counter@K1')).toEqual({ name: 'counter', key: 'K1' });
    expect(parseEntityInstanceId('plain')).toBeUndefined();
  });
});
