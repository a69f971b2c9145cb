/**
 * `GET /_devhost/outbox`: the outbox documents, newest first, as JSON (or a small HTML page for a
 * browser). Local development only: answers loopback clients only, and is never part of the app.
 *
 * Query: `limit` (1-1000, default 100), `since` (epoch seconds, compared with `_ts`).
 */
import type * as http from 'node:http';
import { httpErrors, sendError } from '../../http/errors';
import { ensureError } from '../../worker/errors';
import { findLinks, withoutSystemProperties, type OutboxDocument } from './format';
import { connectOutbox, listOutbox, type OutboxTarget } from './outboxWatcher';

export const OUTBOX_PATH = '/_devhost/outbox';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body, null, 2));
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function renderHtml(target: OutboxTarget, docs: OutboxDocument[]): string {
  const rows = docs
    .map((doc) => {
      const links = findLinks(doc)
        .map((link) => `<a href="${escapeHtml(link)}">${escapeHtml(link)}</a>`)
        .join('<br>');
      const when = doc._ts ? new Date(doc._ts * 1000).toISOString() : '';
      return `<tr><td>${escapeHtml(when)}</td><td>${escapeHtml(doc.id)}</td><td>${links}</td><td><pre>${escapeHtml(
        JSON.stringify(withoutSystemProperties(doc), null, 2),
      )}</pre></td></tr>`;
    })
    .join('\n');
  return `<!doctype html><meta charset="utf-8"><title>devhost outbox</title>
<h1>Outbox: ${escapeHtml(target.database)}/${escapeHtml(target.container)}</h1>
<p>${docs.length} document(s), newest first. Local development only.</p>
<table border="1" cellpadding="4"><tr><th>written</th><th>id</th><th>links</th><th>document</th></tr>
${rows}
</table>`;
}

function parseLimit(raw: string | null): number | undefined | Error {
  if (raw === null) return undefined;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 1 && n <= 1000
    ? n
    : new Error("Query parameter 'limit' must be an integer from 1 to 1000.");
}

export interface OutboxHandler {
  /** Answers `GET /_devhost/outbox`; returns false for any other path. */
  handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean>;
  /** Disposes the handler's Cosmos client. */
  close(): void;
}

/** A handler with its own Cosmos client for `target`, kept until `close()`. */
export function createOutboxHandler(target: OutboxTarget): OutboxHandler {
  const connection = connectOutbox(target);
  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== OUTBOX_PATH && url.pathname !== `${OUTBOX_PATH}/`) return false;
    if (!LOOPBACK.has(req.socket.remoteAddress ?? '')) {
      sendError(res, httpErrors.localClientsOnly);
      return true;
    }
    if (req.method !== 'GET') {
      res.setHeader('allow', 'GET');
      sendError(res, httpErrors.methodNotAllowed, 'The outbox viewer answers GET only.');
      return true;
    }
    const limit = parseLimit(url.searchParams.get('limit'));
    const sinceRaw = url.searchParams.get('since');
    const since = sinceRaw === null ? undefined : Number(sinceRaw);
    if (limit instanceof Error) {
      sendError(res, httpErrors.badRequest, limit.message);
      return true;
    }
    if (since !== undefined && !Number.isFinite(since)) {
      sendError(res, httpErrors.badRequest, "Query parameter 'since' must be epoch seconds.");
      return true;
    }
    let docs: OutboxDocument[];
    try {
      docs = await listOutbox(connection.container, { limit, sinceTs: since });
    } catch (err) {
      sendError(res, httpErrors.cosmosUnavailable, ensureError(err).message);
      return true;
    }
    if ((req.headers.accept ?? '').includes('text/html')) {
      res.statusCode = 200;
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(renderHtml(target, docs));
      return true;
    }
    sendJson(res, 200, {
      database: target.database,
      container: target.container,
      count: docs.length,
      documents: docs.map((doc) => ({
        id: doc.id,
        writtenAt: doc._ts ? new Date(doc._ts * 1000).toISOString() : null,
        links: findLinks(doc),
        document: doc,
      })),
    });
    return true;
  };
  return { handle, close: () => connection.dispose() };
}
