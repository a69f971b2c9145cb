/**
 * The devhost dashboard (served at /_devhost/): instances, one instance's timeline and actions,
 * the waiting inbox and entities, over devhost's management API only. Routes live in the URL hash
 * (`#/`, `#/instance/<id>`, `#/inbox`, `#/entities`), so a reload keeps the user's place.
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ADMIN, call, onUnauthorized, prefetch, setKey } from './api';
import { EntitiesView } from './entitiesView';
import { html } from './html';
import { InboxView } from './inboxView';
import { filterFromParams, InstancesView, listPaths, type ListFilter } from './instancesView';
import { instancePaths, InstanceView } from './instanceView';
import { type ConfirmRequest, ConfirmDialog } from './widgets';

const REFRESH_MS = 1500;

interface AppInfo {
  taskHub: string;
  enforceKeys: boolean;
  fireTimers: boolean;
  orchestrators: string[];
  entities: string[];
}

type Route =
  | { view: 'instances'; filter: ListFilter }
  | { view: 'instance'; instanceId: string }
  | { view: 'inbox' }
  | { view: 'entities' };

function readRoute(): Route {
  const hash = location.hash.replace(/^#/, '') || '/';
  const [path = '/', search = ''] = hash.split('?');
  if (path.startsWith('/instance/'))
    return { view: 'instance', instanceId: decodeURIComponent(path.slice('/instance/'.length)) };
  if (path === '/inbox') return { view: 'inbox' };
  if (path === '/entities') return { view: 'entities' };
  return { view: 'instances', filter: filterFromParams(new URLSearchParams(search)) };
}

/** The calls the first view makes, started before it renders (the list and one instance). */
function firstCalls(route: Route): string[] {
  if (route.view === 'instances') return Object.values(listPaths(route.filter));
  if (route.view === 'instance') return Object.values(instancePaths(route.instanceId));
  return [];
}

function listHash(filter: ListFilter): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filter)) if (value) params.set(key, String(value));
  const text = params.toString();
  return `#/${text ? `?${text}` : ''}`;
}

function KeyPrompt(props: { onKey: () => void }) {
  const [value, setValue] = useState('');
  return html`<form
    class="key-prompt"
    onSubmit=${(e: Event) => {
      e.preventDefault();
      if (value === '') return;
      setKey(value);
      setValue('');
      props.onKey();
    }}
  >
    <h2>Master key</h2>
    <p>
      devhost runs with <code>--enforce-keys</code>: the dashboard needs the master key (the
      <code>masterKey</code> in <code>.devhost/keys.json</code>). It is kept in this tab only.
    </p>
    <input
      type="password"
      name="masterKey"
      autocomplete="off"
      aria-label="Master key"
      value=${value}
      onInput=${(e: Event) => setValue((e.target as HTMLInputElement).value)}
    />
    <button type="submit">Use key</button>
  </form>`;
}

function App() {
  const [route, setRoute] = useState<Route>(readRoute());
  const [info, setInfo] = useState<AppInfo | undefined>();
  const [needKey, setNeedKey] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [confirmRequest, setConfirmRequest] = useState<ConfirmRequest | undefined>();
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const onHash = () => setRoute(readRoute());
    window.addEventListener('hashchange', onHash);
    onUnauthorized(() => setNeedKey(true));
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  useEffect(() => {
    call<AppInfo>('GET', `${ADMIN}/app`)
      .then((reply) => {
        setInfo(reply.body);
        setNeedKey(false);
        setError(undefined);
      })
      .catch((err: unknown) => {
        if ((err as { status?: number }).status !== 401)
          setError(err instanceof Error ? err.message : String(err));
      });
  }, [attempt]);

  if (needKey) {
    return html`<${KeyPrompt}
      onKey=${() => {
        setNeedKey(false);
        setAttempt(attempt + 1);
      }}
    />`;
  }

  const tab = (view: Route['view'], href: string, label: string) =>
    html`<a class=${route.view === view ? 'tab active' : 'tab'} href=${href}>${label}</a>`;
  // The list and an instance need nothing from `app` to fetch their rows, so they do not wait for it.
  const waiting = html`<p>Loading…</p>`;
  return html`<div class="app">
    <header>
      <h1>devhost</h1>
      ${info && html`<span class="hub">task hub <code>${info.taskHub}</code></span>`}
      <nav>
        ${tab('instances', '#/', 'Instances')} ${tab('inbox', '#/inbox', 'Waiting')}
        ${tab('entities', '#/entities', 'Entities')}
      </nav>
    </header>
    <main>
      ${error && html`<p class="error" role="alert">${error}</p>`}
      ${
        route.view === 'instances' &&
        html`<${InstancesView}
          filter=${route.filter}
          orchestrators=${info?.orchestrators ?? []}
          refreshMs=${REFRESH_MS}
          navigate=${(filter: ListFilter) => (location.hash = listHash(filter))}
          confirm=${setConfirmRequest}
        />`
      }
      ${route.view === 'instance' && html`<${InstanceView} key=${route.instanceId} instanceId=${route.instanceId} confirm=${setConfirmRequest} refreshMs=${REFRESH_MS} />`}
      ${route.view === 'inbox' && (info ? html`<${InboxView} fireTimers=${info.fireTimers} confirm=${setConfirmRequest} refreshMs=${REFRESH_MS} />` : waiting)}
      ${route.view === 'entities' && (info ? html`<${EntitiesView} entities=${info.entities} confirm=${setConfirmRequest} refreshMs=${REFRESH_MS} />` : waiting)}
    </main>
    <${ConfirmDialog} request=${confirmRequest} close=${() => setConfirmRequest(undefined)} />
  </div>`;
}

prefetch([`${ADMIN}/app`, ...firstCalls(readRoute())]);
render(html`<${App} />`, document.getElementById('app')!);
