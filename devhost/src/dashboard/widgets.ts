/** Small shared pieces: polling, the confirmation dialog, the JSON editor, status badges, progress. */
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { html } from './html';
import { el } from './rowList';

/** Runs `load` now and every `intervalMs` while mounted (and again when `deps` change). */
export function usePoll(load: () => Promise<void>, intervalMs: number, deps: unknown[]): void {
  const latest = useRef(load);
  latest.current = load;
  useEffect(() => {
    let stopped = false;
    let timer: number | undefined;
    const tick = async (): Promise<void> => {
      try {
        await latest.current();
      } finally {
        if (!stopped) timer = window.setTimeout(() => void tick(), intervalMs);
      }
    };
    void tick();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }, deps);
}

export interface ConfirmRequest {
  title: string;
  message: string;
  confirmLabel: string;
  run: () => Promise<void>;
}

export function ConfirmDialog(props: { request: ConfirmRequest | undefined; close: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const request = props.request;
  if (!request) return null;
  const confirm = async (): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      await request.run();
      props.close();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return html`<div class="modal-backdrop">
    <div class="modal" role="dialog" aria-modal="true" aria-labelledby="confirm-title">
      <h3 id="confirm-title">${request.title}</h3>
      <p class="confirm-message">${request.message}</p>
      ${error && html`<p class="error" role="alert">${error}</p>`}
      <div class="buttons">
        <button class="danger" data-testid="confirm" disabled=${busy} onClick=${() => void confirm()}>
          ${request.confirmLabel}
        </button>
        <button onClick=${props.close} disabled=${busy}>Cancel</button>
      </div>
    </div>
  </div>`;
}

/** A JSON text area that says whether its text parses, and what it parses to. */
export function parseJsonText(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  if (text.trim() === '') return { ok: false, error: 'Enter a JSON value (e.g. {} or "text" or null).' };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : 'Not valid JSON.' };
  }
}

export function JsonEditor(props: {
  value: string;
  onInput: (text: string) => void;
  label: string;
  name: string;
}) {
  const parsed = parseJsonText(props.value);
  return html`<label class="json-editor">
    <span>${props.label}</span>
    <textarea
      name=${props.name}
      spellcheck=${false}
      rows="5"
      class=${parsed.ok ? '' : 'invalid'}
      value=${props.value}
      onInput=${(e: Event) => props.onInput((e.target as HTMLTextAreaElement).value)}
    ></textarea>
    <small class=${parsed.ok ? 'ok' : 'error'} data-testid="json-state"
      >${parsed.ok ? 'Valid JSON' : parsed.error}</small
    >
  </label>`;
}

const badgeClass = (status: string): string => `badge status-${status}`;

export function StatusBadge(props: { status: string }) {
  return html`<span class=${badgeClass(props.status)}>${props.status}</span>`;
}

/** `StatusBadge` for rows built without preact (rowList.ts). */
export function statusBadgeElement(status: string): HTMLElement {
  return el('span', { class: badgeClass(status) }, status);
}

/** Custom status `{processed, total}` as a bar; `{step}` as a step chip. Anything else: nothing. */
export function customStatusNodes(status: unknown, compact: boolean): HTMLElement[] {
  if (typeof status !== 'object' || status === null) return [];
  const { processed, total, step } = status as { processed?: unknown; total?: unknown; step?: unknown };
  const parts: HTMLElement[] = [];
  if (typeof processed === 'number' && typeof total === 'number' && total > 0) {
    const percent = Math.max(0, Math.min(100, Math.round((processed / total) * 100)));
    const fill = el('span', { class: 'progress-fill' });
    fill.style.width = `${percent}%`;
    parts.push(
      el(
        'span',
        {
          class: 'progress',
          role: 'progressbar',
          'aria-valuemin': '0',
          'aria-valuemax': '100',
          'aria-valuenow': String(percent),
          'data-testid': 'progress',
        },
        fill,
        el('span', { class: 'progress-text' }, `${processed} / ${total} (${percent} %)`),
      ),
    );
  }
  if (typeof step === 'string' || typeof step === 'number') {
    parts.push(el('span', { class: 'step', 'data-testid': 'step' }, compact ? '' : 'Step: ', String(step)));
  }
  return parts;
}

/** `customStatusNodes` in a preact tree (the instance page); rows use the nodes directly. */
export function CustomStatusSummary(props: { customStatus: unknown; compact?: boolean }) {
  const span = useRef<HTMLSpanElement>(null);
  useLayoutEffect(() => {
    span.current?.replaceChildren(...customStatusNodes(props.customStatus, props.compact ?? false));
  }, [props.customStatus, props.compact]);
  return html`<span class="custom-summary" ref=${span}></span>`;
}

export function Json(props: { value: unknown }) {
  const text = props.value === undefined ? '' : JSON.stringify(props.value, null, 2);
  return html`<pre class="json">${text ?? 'null'}</pre>`;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/**
 * Local time as `2030-01-31 14:05:09`: sortable, unambiguous, and cheap enough for a thousand
 * rows (`toLocaleString` sets up the locale's formatter on every call).
 */
export function formatTime(iso: string | undefined | null): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
  );
}
