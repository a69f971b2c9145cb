/**
 * The timeline of one instance's history: a row per activity, timer, sub-orchestration, event or
 * lifecycle mark, each a bar on one time axis (pending bars grow to now while the instance runs),
 * built with plain DOM calls through `RowList`.
 */
import { useMemo } from 'preact/hooks';
import { html } from './html';
import { el, RowList, type RowSpec } from './rowList';
import { buildTimeline, formatDuration, type RecordedEvent, type TimelineRow } from './timeline';
import { formatTime } from './widgets';

const KIND_LABEL: Record<TimelineRow['kind'], string> = {
  activity: 'activity',
  timer: 'timer',
  subOrchestration: 'sub-orchestration',
  eventRaised: 'event',
  eventSent: 'sent',
  lifecycle: '',
};

/** One timeline row as the page shows it: every field text or a number. */
interface RowView {
  key: string;
  kind: TimelineRow['kind'];
  state: TimelineRow['state'];
  label: string;
  childInstanceId: string | undefined;
  retry: number;
  /** Bar position and width in % of the span. */
  left: number;
  width: number;
  duration: string;
  detail: string;
}

const TIMELINE_ROW: RowSpec<RowView> = {
  key: (row) => row.key,
  signature: (row) => JSON.stringify(row),
  build: (row) => {
    const bar = el('span', { class: 'tl-bar' });
    bar.style.left = `${row.left}%`;
    bar.style.width = `${row.width}%`;
    return el(
      'div',
      { class: `tl-row tl-${row.kind} tl-${row.state}`, 'data-kind': row.kind, 'data-state': row.state },
      el(
        'div',
        { class: 'tl-label' },
        row.childInstanceId
          ? el(
              'a',
              { href: `#/instance/${encodeURIComponent(row.childInstanceId)}`, title: row.childInstanceId },
              row.label,
            )
          : el('span', null, row.label),
        row.retry > 0 && el('span', { class: 'retry' }, ` retry ${row.retry}`),
        el('small', null, KIND_LABEL[row.kind]),
      ),
      el('div', { class: 'tl-track' }, bar),
      el('div', { class: 'tl-duration' }, row.duration),
      el('div', { class: 'tl-detail', title: row.detail }, truncate(row.detail, 160)),
    );
  },
};

export function TimelineView(props: { events: RecordedEvent[]; finished: boolean; now: number }) {
  const { now, finished } = props;
  const timeline = useMemo(() => buildTimeline(props.events, now), [props.events, now]);
  const span = Math.max(1, timeline.end - timeline.start);
  const rows = useMemo(
    () =>
      timeline.rows.map((row): RowView => {
        const end = row.end ?? (finished ? row.start : now);
        const left = Math.min(((row.start - timeline.start) / span) * 100, 99.6);
        const width = Math.max(0.4, ((end - row.start) / span) * 100);
        return {
          key: row.key,
          kind: row.kind,
          state: row.state,
          label: row.label,
          childInstanceId: row.childInstanceId,
          retry: row.attempt - 1,
          left,
          width: Math.min(width, 100 - left),
          duration:
            row.state === 'mark'
              ? ''
              : row.end === undefined
                ? 'pending'
                : formatDuration(row.end - row.start),
          detail: row.detail ?? '',
        };
      }),
    [timeline, finished],
  );
  return html`<div class="timeline" data-testid="timeline">
    <div class="timeline-axis">
      <span>${formatTime(new Date(timeline.start).toISOString())}</span><span>${formatDuration(span)}</span>
    </div>
    <${RowList} items=${rows} spec=${TIMELINE_ROW} />
  </div>`;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
