/**
 * The waiting inbox: every instance blocked on `waitForExternalEvent`, the event it waits for and
 * for how long, and the timers it races. Send the event from here; fire a pending timer now (when
 * devhost does not enforce keys) to try a 24-hour timeout in a second.
 */
import { useState } from 'preact/hooks';
import { ADMIN, call, DURABLE, segment } from './api';
import { html } from './html';
import { formatDuration } from './timeline';
import { type ConfirmRequest, formatTime, JsonEditor, parseJsonText, StatusBadge, usePoll } from './widgets';

interface WaitingInstance {
  instanceId: string;
  name: string;
  runtimeStatus: string;
  events: { name: string; since: string }[];
  timers: { timerId: number; fireAt: string }[];
}

export function InboxView(props: {
  fireTimers: boolean;
  confirm: (request: ConfirmRequest) => void;
  refreshMs: number;
}) {
  const [instances, setInstances] = useState<WaitingInstance[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [now, setNow] = useState(Date.now());
  usePoll(
    async () => {
      try {
        const reply = await call<{ instances: WaitingInstance[] }>('GET', `${ADMIN}/waiting`);
        setInstances(reply.body.instances);
        setNow(Date.now());
        setError(undefined);
      } catch (err) {
        setError(err instanceof Error ? err.message : String(err));
      }
    },
    props.refreshMs,
    [],
  );
  return html`<section class="inbox">
    <h2>Waiting for events</h2>
    ${!props.fireTimers && html`<p class="note">devhost enforces keys, as on Azure: timers cannot be fired early.</p>`}
    ${error && html`<p class="error" role="alert">${error}</p>`}
    ${instances && instances.length === 0 && html`<p class="empty">No instance waits for an external event.</p>`}
    <table class="list">
      <thead>
        <tr>
          <th>Instance</th>
          <th>Waits for</th>
          <th>Waiting</th>
          <th>Races</th>
          <th></th>
        </tr>
      </thead>
      <tbody>
        ${(instances ?? []).flatMap((item) =>
          item.events.map(
            (event, index) =>
              html`<${InboxRow}
                key=${`${item.instanceId}|${event.name}|${index}`}
                item=${item}
                event=${event}
                now=${now}
                fireTimers=${props.fireTimers}
                confirm=${props.confirm}
              />`,
          ),
        )}
      </tbody>
    </table>
  </section>`;
}

function InboxRow(props: {
  item: WaitingInstance;
  event: { name: string; since: string };
  now: number;
  fireTimers: boolean;
  confirm: (request: ConfirmRequest) => void;
}) {
  const { item, event } = props;
  const [open, setOpen] = useState(false);
  const [payload, setPayload] = useState('{}');
  const parsed = parseJsonText(payload);
  return html`<tr class="waiting" data-instance-id=${item.instanceId} data-event=${event.name}>
    <td>
      <a href=${`#/instance/${encodeURIComponent(item.instanceId)}`}>${item.instanceId}</a><br /><small
        >${item.name}</small
      >
      <${StatusBadge} status=${item.runtimeStatus} />
    </td>
    <td><code>${event.name}</code></td>
    <td>
      ${formatDuration(props.now - Date.parse(event.since))}<br /><small
        >since ${formatTime(event.since)}</small
      >
    </td>
    <td>
      ${item.timers.length === 0 && html`<small>no timer</small>`}
      ${item.timers.map(
        (timer) =>
          html`<div class="timer" data-timer-id=${timer.timerId}>
            timer fires ${formatTime(timer.fireAt)}
            <small>(in ${formatDuration(Date.parse(timer.fireAt) - props.now)})</small>
            ${
              props.fireTimers &&
              html`<button
                class="small"
                data-action="fire-timer"
                onClick=${() =>
                  props.confirm({
                    title: 'Fire the timer now',
                    message: `Fire timer ${timer.timerId} of ${item.instanceId} now instead of at ${timer.fireAt}? The history records that it fired early.`,
                    confirmLabel: 'Fire now',
                    run: async () => {
                      await call(
                        'POST',
                        `${ADMIN}/instances/${segment(item.instanceId)}/timers/${timer.timerId}/fire`,
                        { body: {} },
                      );
                    },
                  })}
              >
                Fire now
              </button>`
            }
          </div>`,
      )}
    </td>
    <td>
      ${!open && html`<button data-action="open-send" onClick=${() => setOpen(true)}>Send event…</button>`}
      ${
        open &&
        html`<div class="send-event">
          <${JsonEditor}
            label=${`Data for ${event.name} (JSON)`}
            name="eventData"
            value=${payload}
            onInput=${setPayload}
          />
          <button
            data-action="send-event"
            disabled=${!parsed.ok}
            onClick=${() =>
              props.confirm({
                title: 'Send event',
                message: `Send '${event.name}' to ${item.instanceId}?`,
                confirmLabel: 'Send event',
                run: async () => {
                  if (!parsed.ok) return;
                  await call(
                    'POST',
                    `${DURABLE}/instances/${segment(item.instanceId)}/raiseEvent/${segment(event.name)}`,
                    { body: parsed.value },
                  );
                  setOpen(false);
                },
              })}
          >
            Send
          </button>
          <button onClick=${() => setOpen(false)}>Cancel</button>
        </div>`
      }
    </td>
  </tr>`;
}
