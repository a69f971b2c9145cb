/** Small shared pieces: polling, the confirmation dialog, the JSON editor, status badges, progress. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from './html';

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

export function StatusBadge(props: { status: string }) {
  return html`<span class=${`badge status-${props.status}`}>${props.status}</span>`;
}

/** Custom status `{processed, total}` as a bar; `{step}` as a step chip. Anything else: nothing. */
export function CustomStatusSummary(props: { customStatus: unknown; compact?: boolean }) {
  const status = props.customStatus;
  if (typeof status !== 'object' || status === null) return null;
  const { processed, total, step } = status as { processed?: unknown; total?: unknown; step?: unknown };
  const parts = [];
  if (typeof processed === 'number' && typeof total === 'number' && total > 0) {
    const percent = Math.max(0, Math.min(100, Math.round((processed / total) * 100)));
    parts.push(
      html`<span
        class="progress"
        role="progressbar"
        aria-valuemin="0"
        aria-valuemax="100"
        aria-valuenow=${percent}
        data-testid="progress"
      >
        <span class="progress-fill" style=${{ width: `${percent}%` }}></span>
        <span class="progress-text">${`${processed} / ${total} (${percent} %)`}</span>
      </span>`,
    );
  }
  if (typeof step === 'string' || typeof step === 'number') {
    parts.push(
      html`<span class="step" data-testid="step">${props.compact ? '' : 'Step: '}${String(step)}</span>`,
    );
  }
  return parts.length ? html`<span class="custom-summary">${parts}</span>` : null;
}

export function Json(props: { value: unknown }) {
  const text = props.value === undefined ? '' : JSON.stringify(props.value, null, 2);
  return html`<pre class="json">${text ?? 'null'}</pre>`;
}

export function formatTime(iso: string | undefined | null): string {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}
