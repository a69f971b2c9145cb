/** Durable entities: list them by entity name with their state, and signal an operation with JSON input. */
import { useState } from 'preact/hooks';
import { call, DURABLE, queryString, segment } from './api';
import { html } from './html';
import { type ConfirmRequest, formatTime, Json, JsonEditor, parseJsonText, usePoll } from './widgets';

interface EntityItem {
  entityId: { name: string; key: string };
  lastOperationTime: string;
  state: unknown;
}

export function EntitiesView(props: {
  entities: string[];
  confirm: (request: ConfirmRequest) => void;
  refreshMs: number;
}) {
  const [name, setName] = useState(props.entities[0] ?? '');
  const [items, setItems] = useState<EntityItem[] | undefined>();
  const [selected, setSelected] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [key, setKey] = useState('');
  const [operation, setOperation] = useState('');
  const [input, setInput] = useState('null');
  const [sent, setSent] = useState<string | undefined>();
  usePoll(
    async () => {
      if (!name) return;
      try {
        const reply = await call<EntityItem[]>(
          'GET',
          `${DURABLE}/entities/${segment(name)}${queryString({ fetchState: true, top: 500 })}`,
        );
        setItems(reply.body);
        setError(undefined);
      } catch (err) {
        setError(err instanceof Error ? err.message : String(err));
      }
    },
    props.refreshMs,
    [name],
  );
  const parsed = parseJsonText(input);
  const shown = items?.find((item) => item.entityId.key === selected);
  return html`<section class="entities">
    <h2>Entities</h2>
    ${props.entities.length === 0 && html`<p class="empty">The app registers no entity functions.</p>`}
    <label
      >Entity
      <select
        name="entityName"
        value=${name}
        onChange=${(e: Event) => setName((e.target as HTMLSelectElement).value)}
      >
        ${props.entities.map((entity) => html`<option value=${entity}>${entity}</option>`)}
      </select></label
    >
    ${error && html`<p class="error" role="alert">${error}</p>`}
    <table class="list">
      <thead>
        <tr>
          <th>Key</th>
          <th>Last operation</th>
          <th>State</th>
        </tr>
      </thead>
      <tbody>
        ${(items ?? []).map(
          (item) =>
            html`<tr
              class=${`entity ${item.entityId.key === selected ? 'selected' : ''}`}
              key=${item.entityId.key}
              data-entity-key=${item.entityId.key}
              onClick=${() => {
                setSelected(item.entityId.key);
                setKey(item.entityId.key);
              }}
            >
              <td><button class="link">${item.entityId.key}</button></td>
              <td>${formatTime(item.lastOperationTime)}</td>
              <td><code>${truncate(JSON.stringify(item.state) ?? '', 120)}</code></td>
            </tr>`,
        )}
      </tbody>
    </table>
    ${
      shown &&
      html`<div class="entity-state">
        <h3>State of ${shown.entityId.name}@${shown.entityId.key}</h3>
        <${Json} value=${shown.state} />
      </div>`
    }
    <form class="signal" onSubmit=${(e: Event) => e.preventDefault()}>
      <h3>Signal an operation</h3>
      <label
        >Key
        <input
          name="entityKey"
          value=${key}
          onInput=${(e: Event) => setKey((e.target as HTMLInputElement).value)}
      /></label>
      <label
        >Operation
        <input
          name="operation"
          value=${operation}
          onInput=${(e: Event) => setOperation((e.target as HTMLInputElement).value)}
      /></label>
      <${JsonEditor} label="Input (JSON)" name="operationInput" value=${input} onInput=${setInput} />
      <button
        data-action="signal"
        disabled=${!name || key === '' || operation.trim() === '' || !parsed.ok}
        onClick=${() =>
          props.confirm({
            title: 'Signal entity',
            message: `Signal '${operation}' to ${name}@${key}?`,
            confirmLabel: 'Signal',
            run: async () => {
              if (!parsed.ok) return;
              await call(
                'POST',
                `${DURABLE}/entities/${segment(name)}/${segment(key)}${queryString({ op: operation })}`,
                { body: parsed.value },
              );
              setSent(`Signalled ${operation}.`);
            },
          })}
      >
        Signal
      </button>
      ${sent && html`<small class="ok">${sent}</small>`}
    </form>
  </section>`;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
