import { EventType } from '../../../devhost/src/protocol/history';
import type { TestHost } from '../../../devhost/src/testing/startTestHost';
import { startFixtureHost } from '../../support/testHosts';
import { uniqueId } from '../../support/ids';

describe('durable engine: activity sequence', () => {
  let host: TestHost;
  beforeEach(async () => {
    host = await startFixtureHost();
  });
  afterEach(async () => {
    await host.stop();
  });

  it('runs a sequence of activities to completion and records DTF history', async () => {
    const id = await host.start('Sequence', { instanceId: uniqueId('seq') });
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

describe('durable engine on the real clock', () => {
  it('runs an orchestration with wall-clock time and waits for it in real time', async () => {
    const host = await startFixtureHost({ clock: 'real' });
    try {
      const before = Date.now();
      const id = await host.start('WhatTimeIsIt', { instanceId: uniqueId('real') });
      const status = await host.waitForStatus(id, 'Completed', { timeoutMs: 5000 });
      expect(Date.parse(status.output as string)).toBeGreaterThanOrEqual(before - 1000);
      await expect(host.clock.advance('1h')).rejects.toThrow(/real clock/);
    } finally {
      await host.stop();
    }
  });
});

describe('durable engine: activity inputs', () => {
  it('hands activities their inputs as the extension and the Node worker do', async () => {
    const host = await startFixtureHost();
    try {
      const id = await host.start('NoInputs', { instanceId: uniqueId('inputs') });
      const status = await host.waitForStatus(id, 'Completed');
      // No input arrives as no value (and comes back as null); strings arrive unchanged, even JSON
      // text, because the SDK's extra stringify survives the worker's parse.
      expect(status.output).toEqual({ echoed: null, text: 'plain text', json: '{"looks":"like json"}' });
    } finally {
      await host.stop();
    }
  });
});
