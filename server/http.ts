/**
 * One node:http server for everything: tRPC under /trpc/, plain routes (/healthz; later OAuth callbacks, webhooks,
 * SSE under /api/), and the PWA (built files in production, Vite middleware in development).
 */
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { fromNodeHeaders, toNodeHandler } from 'better-auth/node';
import { sql } from 'drizzle-orm';
import sirv from 'sirv';
import { INGEST_PATH } from '../shared/schemas/ingest.ts';
import { CLIENT_IP_HEADER, sessionFromHeaders } from './auth/auth.ts';
import { createContextInner, requestMeta, type AppServices } from './context.ts';
import { ingestHandler } from './ingest/route.ts';
import { appRouter } from './routers/_app.ts';
import { ROSTER_UPLOAD_PATH, rosterUploadHandler } from './roster/upload-route.ts';
import { signalQueryHandler } from './signal/route.ts';
import { SIGNAL_QUERY_PATH } from '../shared/schemas/signal.ts';

type Next = () => void;
type Middleware = (req: IncomingMessage, res: ServerResponse, next: Next) => void;

export const distDir = fileURLToPath(new URL('../dist', import.meta.url));

const SECURITY_HEADERS: Record<string, string> = {
  // Enrollment and manage secrets travel in URLs; never leak them to another origin.
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy':
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
};

function sendJson(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}

async function webMiddleware(mode: 'production' | 'development'): Promise<Middleware> {
  if (mode === 'development') {
    const { createServer: createVite } = await import('vite');
    const vite = await createVite({ server: { middlewareMode: true }, appType: 'spa' });
    return vite.middlewares;
  }
  if (!existsSync(`${distDir}/index.html`)) {
    throw new Error(`No built app in ${distDir}: run \`npm run build\` first (npm start does this).`);
  }
  const assets = sirv(`${distDir}/assets`, { immutable: true, maxAge: 31_536_000 });
  const spa = sirv(distDir, { single: true });
  return (req, res, next) => {
    if (req.url?.startsWith('/assets/')) {
      req.url = req.url.slice('/assets'.length);
      return assets(req, res, next);
    }
    // Only hashed assets may be cached for long; the shell, sw.js and the manifest must be revalidated so an
    // update is noticed. (sirv's setHeaders sees the requested path, not the SPA fallback file, so set it here.)
    res.setHeader('Cache-Control', 'no-cache');
    return spa(req, res, next);
  };
}

export async function createAppServer(opts: {
  services: AppServices;
  mode: 'production' | 'development';
  trustProxy?: boolean;
  now?: () => Date;
}): Promise<Server> {
  const { db, auth } = opts.services;
  const authHandler = toNodeHandler(auth);
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    maxBodySize: 256 * 1024,
    createContext: async ({ req }) =>
      createContextInner({
        db,
        services: opts.services,
        // Employee (token) calls carry no cookie: skip the session lookup for them.
        user: req.headers.cookie ? await sessionFromHeaders(auth, fromNodeHeaders(req.headers)) : null,
        meta: requestMeta(req, opts.trustProxy ?? false),
        now: opts.now,
      }),
    onError: ({ error, path }) => {
      if (error.code === 'INTERNAL_SERVER_ERROR' || error.code === 'SERVICE_UNAVAILABLE') {
        console.error(`[trpc] ${path ?? '?'}: ${error.message}`, error.cause ?? '');
      }
    },
  });
  const web = await webMiddleware(opts.mode);
  const rosterUpload = rosterUploadHandler(opts.services, { trustProxy: opts.trustProxy ?? false });
  const signalQuery = signalQueryHandler(opts.services);
  const ingest = ingestHandler(opts.services, { trustProxy: opts.trustProxy ?? false, now: opts.now });

  return createServer((req, res) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    const url = req.url ?? '/';
    if (url.startsWith('/trpc/')) return void trpc(req, res);
    if (url === '/healthz' || url.startsWith('/healthz?')) {
      db.db
        .execute(sql`select 1`)
        .then(() => sendJson(res, 200, { status: 'ok', database: db.kind, migration: db.migrationVersion }))
        .catch(() => sendJson(res, 503, { status: 'unavailable', database: db.kind }));
      return;
    }
    if (url.startsWith('/api/auth/')) {
      req.headers[CLIENT_IP_HEADER] = requestMeta(req, opts.trustProxy ?? false).ipAddress ?? '';
      return void authHandler(req, res);
    }
    if (url === ROSTER_UPLOAD_PATH || url.startsWith(`${ROSTER_UPLOAD_PATH}?`)) return void rosterUpload(req, res);
    if (url === SIGNAL_QUERY_PATH) return void signalQuery(req, res);
    if (url === INGEST_PATH || url.startsWith(`${INGEST_PATH}?`)) return void ingest(req, res);
    if (url.startsWith('/api/')) return sendJson(res, 404, { error: 'not_found' });
    web(req, res, () => sendJson(res, 404, { error: 'not_found' }));
  });
}
