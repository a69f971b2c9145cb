/**
 * The child's first event when a parent schedules a sub-orchestration
 * (DTF `ProcessCreateSubOrchestrationInstanceDecision`): it names the parent and the sequence id the
 * parent waits on, which is how the child's ending finds its way back (see parentNotification.ts).
 */
import { EventType, type ExecutionStartedEvent } from '../../protocol/history';
import type { OutboundWork } from './types';

export function subOrchestrationStarted(
  parent: ExecutionStartedEvent,
  work: Extract<OutboundWork, { kind: 'subOrchestration' }>,
  child: { executionId: string; now: string },
): ExecutionStartedEvent {
  return {
    EventType: EventType.ExecutionStarted,
    EventId: -1,
    IsPlayed: false,
    Timestamp: child.now,
    OrchestrationInstance: { InstanceId: work.instanceId, ExecutionId: child.executionId },
    ParentInstance: {
      Name: parent.Name,
      Version: parent.Version,
      TaskScheduleId: work.taskScheduledId,
      OrchestrationInstance: { ...parent.OrchestrationInstance },
    },
    Name: work.name,
    Version: '',
    Input: work.input,
    Tags: parent.Tags,
    Correlation: null,
    ScheduledStartTime: null,
    Generation: 0,
  };
}
