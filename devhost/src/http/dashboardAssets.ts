/**
 * Serves the dashboard's files at `/_devhost/` (the page, its script and styles, bundled by
 * devhost's build into `dist/dashboard/`). They hold no data: every datum comes from the API, which
 * needs the master key when keys are enforced, so the shell is served without one (a browser
 * cannot send a key with a navigation without putting it in the URL). The Content-Security-Policy
 * allows no inline script and no other origin. Each file carries an ETag: a browser revalidates it
 * on every load (a rebuilt bundle is seen at once) and gets a 304 without the bytes while it is
 * unchanged; the bytes are read from disk once per version of the file.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ServerResponse } from 'node:http';
import type { HostRequestHandler } from '../plugins/types';
import { DASHBOARD_API_PATH } from './dashboardApi';
import { httpErrors, sendError } from './errors';

export const DASHBOARD_PATH = '/_devhost/';

export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** A Map, not an object literal: a path such as `__proto__` must not find the object's prototype. */
const FILES = new Map<string, string>([
  ['', 'index.html'],
  ['index.html', 'index.html'],
  ['app.js', 'app.js'],
  ['app.css', 'app.css'],
]);
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/**
 * `dist/dashboard/` of the devhost package: found from this module (in `src/http` or `dist/http`),
 * else through the installed package (when devhost's sources were compiled into another tree, as
 * the repository's own build does for the benchmark).
 */
function dashboardBundleDir(): string {
  let dir = __dirname;
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (
      fs.existsSync(manifest) &&
      (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name === 'devhost'
    ) {
      return path.join(dir, 'dist', 'dashboard');
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  try {
    return path.join(path.dirname(require.resolve('devhost/package.json')), 'dist', 'dashboard');
  } catch {
    return path.join(__dirname, '..', 'dashboard');
  }
}

export function createDashboardAssets(bundleDir: string = dashboardBundleDir()): HostRequestHandler {
  const files = new AssetCache();
  return (req, res, context) => {
    req.resume();
    const lower = context.url.pathname.toLowerCase();
    if (lower.startsWith(DASHBOARD_API_PATH)) {
      sendError(
        res,
        httpErrors.dashboardRouteNotFound,
        'The durable plugin is not running, so there is no dashboard API.',
      );
      return;
    }
    const file = FILES.get(context.url.pathname.slice(DASHBOARD_PATH.length));
    if (!file) {
      sendError(res, httpErrors.dashboardRouteNotFound);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      sendError(res, httpErrors.methodNotAllowed, 'The dashboard files answer GET only.');
      return;
    }
    let asset: Asset;
    try {
      asset = files.read(path.join(bundleDir, file));
    } catch {
      sendError(res, httpErrors.dashboardNotBuilt, `Looked in ${bundleDir}.`);
      return;
    }
    securityHeaders(res);
    res.setHeader('etag', asset.etag);
    if (ifNoneMatch(req.headers['if-none-match'], asset.etag)) {
      res.statusCode = 304;
      res.end();
      return;
    }
    res.statusCode = 200;
    res.setHeader('content-type', TYPES[path.extname(file)] ?? 'application/octet-stream');
    res.setHeader('content-length', String(asset.bytes.length));
    res.end(req.method === 'HEAD' ? undefined : asset.bytes);
  };
}

interface Asset {
  bytes: Buffer;
  etag: string;
}

/** The files' bytes and ETags, read again only when a file's size or modification time changed. */
class AssetCache {
  private readonly assets = new Map<string, Asset & { version: string }>();

  read(file: string): Asset {
    const stat = fs.statSync(file);
    const version = `${stat.size}:${stat.mtimeMs}`;
    const cached = this.assets.get(file);
    if (cached?.version === version) return cached;
    const bytes = fs.readFileSync(file);
    const etag = `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 27)}"`;
    const asset = { bytes, etag, version };
    this.assets.set(file, asset);
    return asset;
  }
}

/** RFC 9110 §13.1.2: a list of entity tags (weak ones compare weakly), or `*`. */
function ifNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === '*' || trimmed.replace(/^W\//, '') === etag;
  });
}

function securityHeaders(res: ServerResponse): void {
  res.setHeader('content-security-policy', DASHBOARD_CSP);
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'no-referrer');
  res.setHeader('x-frame-options', 'DENY');
  res.setHeader('cache-control', 'no-cache');
}
