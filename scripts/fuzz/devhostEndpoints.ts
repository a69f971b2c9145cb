/**
 * devhost's own HTTP surface as fuzz endpoints: the Durable webhooks (instances, events,
 * entities), the admin API, the dashboard API and files, and the outbox viewer. Where the
 * extension answers with its own shapes (`{"Message"}`, empty 404s) the webhooks keep them.
 */
import fc from 'fast-check';
import { JSON_READER_MAX_DEPTH, nestingPastLimit } from '../../devhost/src/durable/client/requestBody';
import { encodedSegment, fuzzCase, headersFor, type Endpoint, type FuzzEnv } from './cases';
import {
  contentTypes,
  hostileIds,
  hostileJsonText,
  hostileQueries,
  percentEncode,
  rawBytes,
  type BodyCase,
} from './hostile';

const WEBHOOK = '/runtime/webhooks/durabletask';

// eslint-disable-next-line no-control-regex
const FORBIDDEN_ID = /[/\\#?\u0000-\u001f\u007f-\u009f]/;

function instanceIdOk(id: string): boolean {
  return id.length > 0 && id.length <= 256 && !id.startsWith('@') && !FORBIDDEN_ID.test(id);
}

/** What the extension makes of a body: `empty`, a JSON token it reads, or `bad` (400). */
function webhookBody(bytes: Buffer | undefined): 'empty' | 'json' | 'bad' {
  if (bytes === undefined || bytes.length === 0) return 'empty';
  const text = bytes.toString('utf8');
  if (text.trim() === '') return 'empty';
  try {
    JSON.parse(text);
  } catch {
    return 'bad';
  }
  return nestingPastLimit(text, JSON_READER_MAX_DEPTH) ? 'bad' : 'json';
}

/** Bodies for the webhooks: small JSON, hostile JSON text (deep, tokens), raw bytes. */
const webhookBodies: fc.Arbitrary<BodyCase> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc
      .jsonValue({ maxDepth: 3 })
      .map((v) => ({ kind: 'json', bytes: Buffer.from(JSON.stringify(v) ?? 'null') })),
  },
  {
    weight: 3,
    arbitrary: hostileJsonText
      .filter((h) => !h.kind.startsWith('huge'))
      .map((h) => ({ kind: h.kind, bytes: Buffer.from(h.text) })),
  },
  { weight: 2, arbitrary: rawBytes(fc.jsonValue({ maxDepth: 2 })) },
);

/**
 * A path segment as the webhooks read it: split on raw `/`, then percent-decoded, or kept as is
 * when it does not decode.
 */
function webhookSegment(ids: fc.Arbitrary<string>) {
  return ids
    .filter((id) => id !== '')
    .chain(encodedSegment)
    .map(({ raw, value }) => ({ raw, value: value ?? raw }));
}

/**
 * An instance id in the path that names no instance: a fresh one, or one the extension refuses.
 * (Hostile strings that are valid ids are started by the start endpoint, so they may exist.)
 * Never a fixture's: purges would remove it.
 */
function instanceSegment(env: FuzzEnv) {
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant(null).map(() => ({ raw: env.unique('fz-none'), ok: true })) },
    {
      weight: 4,
      arbitrary: webhookSegment(hostileIds)
        .filter(({ value }) => !instanceIdOk(value))
        .map(({ raw }) => ({ raw, ok: false })),
    },
  );
}

const ORCHESTRATORS = [
  'processOrder',
  'processBatch',
  'processBatchChunk',
  'approvalWorkflow',
  'resilientOrchestrator',
];

const startOrchestration: Endpoint = {
  name: 'webhook:startOrchestration',
  surface: 'webhook',
  route: `POST ${WEBHOOK}/orchestrators/{functionName}/{instanceId?}`,
  cases: (env) => {
    const name = fc.oneof(
      {
        weight: 1,
        arbitrary: fc.constantFrom(...ORCHESTRATORS, 'PROCESSORDER').map((n) => ({ raw: n, ok: true })),
      },
      {
        weight: 2,
        arbitrary: webhookSegment(
          fc.oneof(hostileIds, fc.constantFrom('StartOrder', 'ReserveInventory', 'customerStats', 'nope')),
        ).map(({ raw }) => ({ raw, ok: false })),
      },
    );
    const id = fc.oneof(
      fc.constant({ raw: '', ok: true }),
      instanceSegment(env),
      webhookSegment(hostileIds).map(({ raw, value }) => ({ raw, ok: instanceIdOk(value) })),
    );
    return fc.tuple(name, id, webhookBodies, contentTypes).map(([n, i, body, contentType]) => {
      const bodyState = webhookBody(body.bytes);
      const hostile = !n.ok || !i.ok || bodyState === 'bad';
      return fuzzCase({
        kind: body.kind,
        hostile,
        ...(hostile ? {} : { expected: [202] }),
        method: 'POST',
        path: `${WEBHOOK}/orchestrators/${n.raw}${i.raw ? `/${i.raw}` : ''}`,
        headers: headersFor(env, contentType),
        ...(body.bytes ? { body: body.bytes } : {}),
      });
    });
  },
};

const getInstance: Endpoint = {
  name: 'webhook:getInstance',
  surface: 'webhook',
  route: `GET ${WEBHOOK}/instances/{instanceId}`,
  cases: (env) =>
    fc.tuple(instanceSegment(env), hostileQueries).map(([id, query]) =>
      fuzzCase({
        kind: `id:${id.ok ? 'unknown' : 'hostile'}`,
        // No instance has a hostile id: the extension answers an empty 404, as for any unknown id.
        hostile: true,
        method: 'GET',
        path: `${WEBHOOK}/instances/${id.raw}${query}`,
        headers: headersFor(env, undefined),
      }),
    ),
};

const listInstances: Endpoint = {
  name: 'webhook:listInstances',
  surface: 'webhook',
  route: `GET ${WEBHOOK}/instances`,
  // Query values that do not parse count as absent (.NET TryParse), except taskHub, which must name this hub.
  cases: (env) =>
    hostileQueries.map((query) =>
      fuzzCase({
        kind: 'query',
        hostile: false,
        expected: /[?&]taskhub=[^&]/i.test(query) ? [200, 400] : [200],
        method: 'GET',
        path: `${WEBHOOK}/instances${query}`,
        headers: headersFor(env, undefined),
      }),
    ),
};

const purgeInstance: Endpoint = {
  name: 'webhook:purgeInstance',
  surface: 'webhook',
  route: `DELETE ${WEBHOOK}/instances/{instanceId}`,
  cases: (env) =>
    instanceSegment(env).map((id) =>
      fuzzCase({
        kind: `id:${id.ok ? 'unknown' : 'hostile'}`,
        hostile: true,
        method: 'DELETE',
        path: `${WEBHOOK}/instances/${id.raw}`,
        headers: headersFor(env, undefined),
      }),
    ),
};

const purgeInstances: Endpoint = {
  name: 'webhook:purgeInstances',
  surface: 'webhook',
  route: `DELETE ${WEBHOOK}/instances?createdTimeFrom=…`,
  // Only windows in the far future (nothing to purge) or no usable date: the fixtures must stay.
  cases: (env) =>
    fc
      .tuple(
        fc.constantFrom(
          '',
          'createdTimeFrom=9999-01-01',
          'createdTimeFrom=9000-01-01T00:00:00Z&runtimeStatus=Completed',
          'createdTimeFrom=NaN',
          'createdTimeFrom=%00',
          'createdTimeFrom=1e308',
          'createdTimeFrom=2024-13-45',
          'createdTimeTo=2024-01-01',
        ),
        hostileQueries,
      )
      .map(([window, query]) => {
        const future = window.includes('createdTimeFrom=9');
        return fuzzCase({
          kind: future ? 'window:future' : 'window:none',
          hostile: true,
          method: 'DELETE',
          path: `${WEBHOOK}/instances?${window}${query.replace(/^\?/, '&').replace(/createdTimeFrom=[^&]*/gi, 'x=1')}`,
          headers: headersFor(env, undefined),
        });
      }),
};

const instanceOperation: Endpoint = {
  name: 'webhook:instanceOperation',
  surface: 'webhook',
  route: `POST ${WEBHOOK}/instances/{instanceId}/{terminate|suspend|resume|rewind|restart}`,
  cases: (env) =>
    fc
      .tuple(
        instanceSegment(env),
        fc.constantFrom('terminate', 'suspend', 'resume', 'rewind', 'restart', 'TERMINATE'),
        hostileQueries,
        webhookBodies,
      )
      .map(([id, operation, query, body]) =>
        fuzzCase({
          kind: `${operation.toLowerCase()}/id:${id.ok ? 'unknown' : 'hostile'}`,
          hostile: true,
          method: 'POST',
          path: `${WEBHOOK}/instances/${id.raw}/${operation}${query}`,
          headers: headersFor(env, 'application/json'),
          ...(body.bytes ? { body: body.bytes } : {}),
        }),
      ),
};

const raiseEvent: Endpoint = {
  name: 'webhook:raiseEvent',
  surface: 'webhook',
  route: `POST ${WEBHOOK}/instances/{instanceId}/raiseEvent/{eventName}`,
  cases: (env) => {
    const target = fc.oneof(
      { weight: 2, arbitrary: fc.constant({ raw: env.known.eventTargetInstanceId, known: true }) },
      { weight: 1, arbitrary: instanceSegment(env).map((id) => ({ raw: id.raw, known: false })) },
    );
    // Any event name goes; none at all is no route.
    const eventName = fc.oneof(fc.constantFrom('Ping', 'fuzz.event'), hostileIds.map(percentEncode));
    return fc.tuple(target, eventName, webhookBodies, contentTypes).map(([t, name, body, contentType]) => {
      const json = (contentType ?? '').split(';')[0]!.trim().toLowerCase() === 'application/json';
      const hostile = !t.known || name === '' || webhookBody(body.bytes) !== 'json' || !json;
      return fuzzCase({
        kind: `${t.known ? 'running' : 'unknown'}/${body.kind}`,
        hostile,
        ...(hostile ? {} : { expected: [202] }),
        method: 'POST',
        path: `${WEBHOOK}/instances/${t.raw}/raiseEvent/${name}`,
        headers: headersFor(env, contentType),
        ...(body.bytes ? { body: body.bytes } : {}),
      });
    });
  },
};

const ENTITY = 'customerStats';

function entityKey(env: FuzzEnv) {
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant(null).map(() => ({ raw: env.unique('fz-key'), ok: true })) },
    { weight: 1, arbitrary: fc.constant({ raw: '', ok: true }) },
    {
      weight: 3,
      arbitrary: webhookSegment(hostileIds).map(({ raw, value }) => ({ raw, ok: !FORBIDDEN_ID.test(value) })),
    },
  );
}

function entityName() {
  return fc.oneof(
    fc.constantFrom({ raw: ENTITY, ok: true }, { raw: 'CUSTOMERSTATS', ok: true }),
    webhookSegment(fc.oneof(hostileIds, fc.constantFrom('processOrder', 'nope'))).map(({ raw }) => ({
      raw,
      ok: false,
    })),
  );
}

const getEntity: Endpoint = {
  name: 'webhook:getEntity',
  surface: 'webhook',
  route: `GET ${WEBHOOK}/entities/{entityName}/{entityKey}`,
  cases: (env) =>
    fc.tuple(entityName(), entityKey(env)).map(([name, key]) =>
      fuzzCase({
        kind: `name:${name.ok ? 'known' : 'hostile'}/key:${key.ok ? 'fresh' : 'hostile'}`,
        // No entity has these keys: 404, or 400 for an id the extension refuses. No key at all lists.
        hostile: key.raw !== '',
        ...(key.raw === '' ? { expected: [200] } : {}),
        method: 'GET',
        path: `${WEBHOOK}/entities/${name.raw}/${key.raw}`,
        headers: headersFor(env, undefined),
      }),
    ),
};

const listEntities: Endpoint = {
  name: 'webhook:listEntities',
  surface: 'webhook',
  route: `GET ${WEBHOOK}/entities/{entityName?}`,
  cases: (env) =>
    fc
      .tuple(
        fc.oneof(
          fc.constant(''),
          entityName().map((n) => `/${n.raw}`),
        ),
        hostileQueries,
      )
      .map(([name, query]) =>
        fuzzCase({
          kind: 'query',
          hostile: false,
          expected: /[?&]taskhub=[^&]/i.test(query) ? [200, 400] : [200],
          method: 'GET',
          path: `${WEBHOOK}/entities${name}${query}`,
          headers: headersFor(env, undefined),
        }),
      ),
};

const signalEntity: Endpoint = {
  name: 'webhook:signalEntity',
  surface: 'webhook',
  route: `POST|DELETE ${WEBHOOK}/entities/{entityName}/{entityKey}?op=`,
  cases: (env) =>
    fc
      .tuple(entityName(), entityKey(env), fc.constantFrom('POST', 'DELETE'), webhookBodies, contentTypes)
      .map(([name, key, method, body, contentType]) => {
        const json = (contentType ?? '').split(';')[0]!.trim().toLowerCase() === 'application/json';
        // Any other content type is the operation's input as a string.
        const badBody = json && webhookBody(body.bytes) === 'bad';
        const hostile = !name.ok || !key.ok || badBody;
        return fuzzCase({
          kind: `name:${name.ok ? 'known' : 'hostile'}/key:${key.ok ? 'fresh' : 'hostile'}/${body.kind}`,
          hostile,
          ...(hostile ? {} : { expected: [202] }),
          method,
          path: `${WEBHOOK}/entities/${name.raw}/${key.raw}?op=fuzzOperation`,
          headers: headersFor(env, contentType),
          ...(body.bytes ? { body: body.bytes } : {}),
        });
      }),
};

const adminHostStatus: Endpoint = {
  name: 'devhost:adminHostStatus',
  surface: 'devhost',
  route: 'GET /admin/host/status',
  cases: (env) =>
    fc.tuple(hostileQueries, fc.boolean()).map(([query, withKey]) =>
      fuzzCase({
        kind: withKey ? 'query' : 'query/noKey',
        hostile: !withKey,
        ...(withKey ? { expected: [200] } : {}),
        method: 'GET',
        path: `/admin/host/status${query}`,
        headers: withKey ? headersFor(env, undefined) : {},
      }),
    ),
};

const adminRunFunction: Endpoint = {
  name: 'devhost:adminRunFunction',
  surface: 'devhost',
  route: 'POST /admin/functions/{name}',
  cases: (env) => {
    // PurgeHistory is the app's one function the admin API runs (a timer); it purges nothing this new.
    const name = fc.oneof(
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          { raw: 'PurgeHistory', runnable: true },
          { raw: 'purgehistory', runnable: true },
        ),
      },
      {
        weight: 3,
        arbitrary: fc
          .oneof(
            hostileIds,
            fc.constantFrom('StartOrder', 'processOrder', 'ReserveInventory', 'customerStats'),
          )
          .chain(encodedSegment)
          .map(({ raw }) => ({ raw, runnable: false })),
      },
    );
    const body = fc.oneof(
      fc.constantFrom(
        { kind: 'input', bytes: Buffer.from('{"input":""}') },
        { kind: 'none', bytes: undefined },
      ),
      webhookBodies,
    );
    return fc.tuple(name, body, contentTypes).map(([n, b, contentType]) => {
      const text = b.bytes?.toString('utf8') ?? '';
      let inputOk = text.length === 0;
      try {
        const input = (JSON.parse(text) as { input?: unknown } | null)?.input;
        inputOk = input === undefined || input === null || typeof input === 'string';
      } catch {
        // Not JSON: refused.
      }
      const hostile = !n.runnable || !inputOk;
      return fuzzCase({
        kind: `${n.runnable ? 'runnable' : 'other'}/${b.kind}`,
        hostile,
        ...(hostile ? {} : { expected: [202] }),
        method: 'POST',
        path: `/admin/functions/${n.raw}`,
        headers: headersFor(env, contentType),
        ...(b.bytes ? { body: b.bytes } : {}),
      });
    });
  },
};

const DASHBOARD_API = '/_devhost/api';

const dashboardReads: Endpoint = {
  name: 'devhost:dashboardReads',
  surface: 'devhost',
  route: `GET ${DASHBOARD_API}/{app|instances|counts|waiting}`,
  cases: (env) =>
    fc.tuple(fc.constantFrom('app', 'instances', 'counts', 'waiting'), hostileQueries).map(([what, query]) =>
      fuzzCase({
        kind: what,
        hostile: false,
        // A filter, page size or token the API cannot read is a 400 naming it.
        expected: [200, 400],
        method: 'GET',
        path: `${DASHBOARD_API}/${what}${query}`,
        headers: headersFor(env, undefined),
      }),
    ),
};

const dashboardBulk: Endpoint = {
  name: 'devhost:dashboardBulk',
  surface: 'devhost',
  route: `POST ${DASHBOARD_API}/instances/{terminate|purge}`,
  cases: (env) => {
    // A valid filter that matches nothing (the fixtures must stay).
    const nothing = fc
      .constant(null)
      .map(() => ({ filter: { instanceIdPrefix: env.unique('fz-nothing') }, reason: 'fuzz' }));
    const body = fc.oneof(
      {
        weight: 1,
        arbitrary: nothing.map((doc) => ({
          kind: 'valid',
          bytes: Buffer.from(JSON.stringify(doc)),
          valid: true,
        })),
      },
      {
        weight: 4,
        arbitrary: fc
          .oneof(
            webhookBodies,
            hostileJsonText.map((h) => ({ kind: h.kind, bytes: Buffer.from(h.text) })),
          )
          .filter((b) => !couldSelectInstances(b.bytes))
          .map((b) => ({ ...b, valid: false })),
      },
    );
    return fc
      .tuple(fc.constantFrom('terminate', 'purge'), body, contentTypes)
      .map(([action, b, contentType]) => {
        const hostile = !b.valid || !devhostTakesContentType(contentType);
        return fuzzCase({
          kind: `${action}/${b.kind}`,
          hostile,
          ...(hostile ? {} : { expected: [200] }),
          method: 'POST',
          path: `${DASHBOARD_API}/instances/${action}`,
          headers: headersFor(env, contentType),
          ...(b.bytes ? { body: b.bytes } : {}),
        });
      });
  },
};

const BULK_KEYS = new Set(['filter', 'reason']);
const FILTER_KEYS = new Set([
  'name',
  'runtimeStatus',
  'createdTimeFrom',
  'createdTimeTo',
  'instanceIdPrefix',
]);

/**
 * A bulk body that may be a filter the API accepts (no body at all is every instance): never sent,
 * as it would terminate or purge the fixtures, and it would not be hostile.
 */
function couldSelectInstances(bytes: Buffer | undefined): boolean {
  const text = bytes?.toString('utf8') ?? '';
  if (text.trim() === '') return true;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return false;
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return false;
  if (!Object.keys(doc).every((key) => BULK_KEYS.has(key))) return false;
  const filter = (doc as { filter?: unknown }).filter;
  if (filter === undefined) return true;
  return (
    filter !== null &&
    typeof filter === 'object' &&
    !Array.isArray(filter) &&
    Object.keys(filter).every((key) => FILTER_KEYS.has(key))
  );
}

const dashboardInstance: Endpoint = {
  name: 'devhost:dashboardInstance',
  surface: 'devhost',
  route: `GET ${DASHBOARD_API}/instances/{instanceId}/{history|savedTest}, POST …/timers/{timerId}/fire`,
  cases: (env) =>
    fc
      .tuple(
        fc.oneof(
          {
            weight: 1,
            arbitrary: fc.constantFrom(...env.known.finishedInstanceIds).map((raw) => ({ raw, known: true })),
          },
          { weight: 4, arbitrary: instanceSegment(env).map((id) => ({ raw: id.raw, known: false })) },
        ),
        fc.constantFrom(
          'history',
          'savedTest',
          'timers/0/fire',
          'timers/NaN/fire',
          'timers/-1/fire',
          'timers/1e308/fire',
        ),
      )
      .map(([id, what]) => {
        const fire = what.startsWith('timers/');
        return fuzzCase({
          kind: `${what.split('/')[0]}/${id.known ? 'known' : 'unknown'}`,
          hostile: !id.known || fire,
          ...(id.known && !fire ? { expected: [200] } : {}),
          method: fire ? 'POST' : 'GET',
          path: `${DASHBOARD_API}/instances/${id.raw}/${what}`,
          headers: headersFor(env, fire ? 'application/json' : undefined),
        });
      }),
};

const dashboardFiles: Endpoint = {
  name: 'devhost:dashboardFiles',
  surface: 'devhost',
  route: 'GET /_devhost/{file}',
  cases: (env) =>
    fc
      .oneof(
        fc.constantFrom(
          { raw: '', known: true },
          { raw: 'index.html', known: true },
          { raw: 'app.js', known: true },
          { raw: 'app.css', known: true },
        ),
        fc
          .oneof(
            hostileIds,
            fc.constantFrom(
              '../package.json',
              '..%2F..%2Fpackage.json',
              '%2e%2e/%2e%2e/package.json',
              'app.js/..',
              'APP.JS',
              'app.js%00.css',
            ),
          )
          .map((raw) => ({ raw: raw.replace(/[^A-Za-z0-9._~%/-]/g, (c) => percentEncode(c)), known: false })),
      )
      .map((file) => {
        // What the host serves at the path once `..` and `.` are resolved: a file of the bundle or not.
        const served = DASHBOARD_FILES.has(new URL(`/_devhost/${file.raw}`, 'http://host').pathname);
        return fuzzCase({
          kind: file.known ? 'file' : 'path:hostile',
          hostile: !served,
          ...(served ? { expected: [200] } : {}),
          method: 'GET',
          path: `/_devhost/${file.raw}`,
          headers: headersFor(env, undefined),
        });
      }),
};

const DASHBOARD_FILES = new Set([
  '/_devhost/',
  '/_devhost/index.html',
  '/_devhost/app.js',
  '/_devhost/app.css',
]);

const outbox: Endpoint = {
  name: 'devhost:outbox',
  surface: 'devhost',
  route: 'GET /_devhost/outbox?limit&since',
  cases: (env) =>
    fc
      .tuple(
        fc.oneof(
          {
            weight: 1,
            arbitrary: fc
              .constantFrom('', '?limit=5', '?since=0', '?limit=1000&since=1700000000')
              .map((q) => ({ q, valid: true })),
          },
          {
            weight: 3,
            arbitrary: fc
              .tuple(
                fc.constantFrom('limit', 'since'),
                fc.constantFrom(
                  'NaN',
                  'Infinity',
                  '1e308',
                  '-1',
                  '0',
                  '1001',
                  '1.5',
                  '',
                  '%00',
                  '%E0%A4%A',
                  '<b>',
                  '0x10',
                ),
              )
              .map(([name, value]) => {
                const n = queryNumber(value);
                return {
                  q: `?${name}=${value}`,
                  valid: name === 'since' ? Number.isFinite(n) : Number.isInteger(n) && n >= 1 && n <= 1000,
                };
              }),
          },
        ),
        fc.constantFrom('GET', 'GET', 'GET', 'POST', 'DELETE'),
      )
      .map(([query, method]) => {
        const hostile = !query.valid || method !== 'GET';
        return fuzzCase({
          kind: `${method}/${query.valid ? 'query' : 'query:hostile'}`,
          hostile,
          ...(hostile ? {} : { expected: [200] }),
          method,
          path: `/_devhost/outbox${query.q}`,
          headers: headersFor(env, method === 'GET' ? undefined : 'application/json'),
        });
      }),
};

/** devhost's own routes take JSON or no declared type at all (see http/cors.ts). */
function devhostTakesContentType(contentType: string | undefined): boolean {
  if (contentType === undefined) return true;
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

/** The number a query value reads as, as the outbox viewer reads it. */
function queryNumber(raw: string): number {
  return Number(new URLSearchParams(`v=${raw}`).get('v'));
}

export const devhostEndpoints: Endpoint[] = [
  startOrchestration,
  getInstance,
  listInstances,
  purgeInstance,
  purgeInstances,
  instanceOperation,
  raiseEvent,
  getEntity,
  listEntities,
  signalEntity,
  adminHostStatus,
  adminRunFunction,
  dashboardReads,
  dashboardBulk,
  dashboardInstance,
  dashboardFiles,
  outbox,
];
