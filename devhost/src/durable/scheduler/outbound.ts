/**
 * The messages an episode sends, built as DTF's dispatcher builds them
 * (`TaskOrchestrationDispatcher.Process*Decision`): activity calls to the work-item queue, timers
 * as delayed messages to the instance itself, sub-orchestration starts and events to other
 * instances. Pure.
 */
import { EventType, type ExecutionStartedEvent, type OrchestrationInstanceRef } from '../../protocol/history';
import { HTTP_ACTIVITY_NAME } from '../replay';
import type { OutboundWork } from '../replay/types';
import type { OutboundMessage } from '../../store/taskHubStore';

export interface EpisodeSource {
  instance: OrchestrationInstanceRef;
  name: string;
  version: string | null;
  now: string;
  /** Execution ids for started sub-orchestrations (GUIDs in DTF). */
  newExecutionId: () => string;
}

export function outboundMessages(work: readonly OutboundWork[], source: EpisodeSource): OutboundMessage[] {
  return work.map((item) => outboundMessage(item, source));
}

function outboundMessage(work: OutboundWork, source: EpisodeSource): OutboundMessage {
  const self = { InstanceId: source.instance.InstanceId, ExecutionId: source.instance.ExecutionId };
  const base = { EventId: -1, IsPlayed: false, Timestamp: source.now };
  switch (work.kind) {
    case 'activity':
      return {
        message: {
          event: {
            ...base,
            EventType: EventType.TaskScheduled,
            EventId: work.taskScheduledId,
            Name: work.name,
            Version: null,
            Input: work.input,
          },
          orchestrationInstance: self,
        },
      };
    case 'httpActivity':
      return {
        message: {
          event: {
            ...base,
            EventType: EventType.TaskScheduled,
            EventId: work.taskScheduledId,
            Name: HTTP_ACTIVITY_NAME,
            Version: null,
            Input: JSON.stringify([work.request]),
          },
          orchestrationInstance: self,
        },
      };
    case 'timer':
      return {
        message: {
          event: { ...base, EventType: EventType.TimerFired, TimerId: work.timerId, FireAt: work.fireAt },
          orchestrationInstance: self,
        },
        visibleAt: Date.parse(work.fireAt),
      };
    case 'subOrchestration': {
      const executionId = source.newExecutionId();
      const started: ExecutionStartedEvent = {
        ...base,
        EventType: EventType.ExecutionStarted,
        OrchestrationInstance: { InstanceId: work.instanceId, ExecutionId: executionId },
        ParentInstance: {
          Name: source.name,
          Version: source.version,
          TaskScheduleId: work.taskScheduledId,
          OrchestrationInstance: source.instance,
        },
        Name: work.name,
        Version: null,
        Input: work.input,
        Tags: null,
        Correlation: null,
        ScheduledStartTime: null,
        Generation: 0,
      };
      return {
        message: {
          event: started,
          orchestrationInstance: { InstanceId: work.instanceId, ExecutionId: executionId },
          sender: source.instance,
        },
      };
    }
    case 'event':
      return {
        message: {
          event: { ...base, EventType: EventType.EventRaised, Name: work.name, Input: work.input },
          orchestrationInstance: { InstanceId: work.targetInstanceId, ExecutionId: null },
          sender: source.instance,
        },
      };
  }
}
