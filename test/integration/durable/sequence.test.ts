import { EventType } from '../../../devhost/durable/history';
import type { TestHost } from '../../../devhost/testing/startTestHost';
import { startFixtureHost, uniqueInstanceId } from './fixtureHost';

describe('durable engine: activity sequence', () => {
  let host: TestHost;
  beforeEach(async () => {
    host = await startFixtureHost();
  });
  afterEach(async () => {
    await host.stop();
  });

  it('runs a sequence of activities to completion and records DTF history', async () => {
    const id = await host.start('Sequence', { instanceId: uniqueInstanceId('seq') });
    const status = await host.waitForStatus(id, 'Completed');
    expect(status.output).toEqual(['Hello Tokyo!', 'Hello Seattle!', 'Hello London!']);
    expect(status.createdTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const history = await host.history(id);
    expect(history.map((e) => EventType[e.EventType])).toEqual([
      'OrchestratorStarted',
      'ExecutionStarted',
      'TaskScheduled',
      'OrchestratorCompleted',
      'OrchestratorStarted',
      'TaskCompleted',
      'TaskScheduled',
      'OrchestratorCompleted',
      'OrchestratorStarted',
      'TaskCompleted',
      'TaskScheduled',
      'OrchestratorCompleted',
      'OrchestratorStarted',
      'TaskCompleted',
      'ExecutionCompleted',
      'OrchestratorCompleted',
    ]);
  });
});
