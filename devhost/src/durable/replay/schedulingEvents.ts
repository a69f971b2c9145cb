/** The history events and outbound work for the actions an episode newly scheduled. */
import { EventType, type HistoryEvent } from '../../protocol/history';
import { HTTP_ACTIVITY_NAME } from './httpPolling';
import type { ScheduledAction } from './scheduledAction';
import type { OutboundWork } from './types';

export function schedulingEvent(action: ScheduledAction, now: string): HistoryEvent {
  const base = { EventId: action.id, IsPlayed: false, Timestamp: now };
  switch (action.kind) {
    case 'task':
      // Inputs stay out of history, as with the default storeInputsInOrchestrationHistory=false.
      return { ...base, EventType: EventType.TaskScheduled, Name: action.name, Version: '', Input: null };
    case 'timer':
      return { ...base, EventType: EventType.TimerCreated, FireAt: action.fireAt };
    case 'subOrchestration':
      return {
        ...base,
        EventType: EventType.SubOrchestrationInstanceCreated,
        Name: action.name,
        Version: null,
        InstanceId: action.instanceId,
        Input: null,
      };
    case 'event':
      return {
        ...base,
        EventType: EventType.EventSent,
        InstanceId: action.targetInstanceId,
        Name: action.name,
        Input: action.input,
      };
  }
}

export function outboundWork(action: ScheduledAction): OutboundWork {
  switch (action.kind) {
    case 'task':
      if (action.name === HTTP_ACTIVITY_NAME && action.httpRequest !== undefined) {
        return { kind: 'httpActivity', taskScheduledId: action.id, request: action.httpRequest };
      }
      return { kind: 'activity', taskScheduledId: action.id, name: action.name, input: action.input };
    case 'timer':
      return { kind: 'timer', timerId: action.id, fireAt: action.fireAt };
    case 'subOrchestration':
      return {
        kind: 'subOrchestration',
        taskScheduledId: action.id,
        name: action.name,
        instanceId: action.instanceId,
        input: action.input,
      };
    case 'event':
      return {
        kind: 'event',
        targetInstanceId: action.targetInstanceId,
        name: action.name,
        input: action.input,
      };
  }
}
