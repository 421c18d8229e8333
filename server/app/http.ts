/**
 * The HTTP server: one Fastify instance (ADR 0011) that mounts tRPC under /trpc, better-auth under /api/auth, each
 * domain's plain routes, health and metrics, and the PWA (built files, or Vite's middleware in development).
 *
 * Done here once for every route: security headers (HSTS over https), the Origin check for state-changing
 * requests, load shedding (503 when the event loop lags), one error answer (server/errors.ts → localized JSON),
 * a JSON log line and a duration sample per request, and the client address from a configured number of proxies.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import fastifyUnderPressure from '@fastify/under-pressure';
import { fastifyTRPCPlugin, type CreateFastifyContextOptions } from '@trpc/server/adapters/fastify';
import type { TRPCError } from '@trpc/server';
import helmet from 'helmet';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import { authRoutes } from '../auth/routes.ts';
import { createContextInner, type AppServices } from '../context.ts';
import type { TrustProxy } from '../env.ts';
import { AppError, isDatabaseUnavailable, toAppError } from '../errors.ts';
import { ingestRoutes } from '../ingest/routes.ts';
import { rosterRoutes } from '../roster/routes.ts';
import { appRouter } from '../routers/_app.ts';
import { signalRoutes } from '../signal/routes.ts';
import { healthRoutes, metricsRoute } from './health.ts';
import { crossSiteRefusal, requestMeta, sendError, sessionOf } from './hooks.ts';
import { log as rootLog, type Logger } from './logger.ts';
import { httpDuration, observePool } from './metrics.ts';
import type { StreamRegistry } from './streams.ts';

export const distDir = fileURLToPath(new URL('../../dist', import.meta.url));

/** tRPC bodies are small JSON; the plain routes that take more (ingest, roster upload) set their own limit. */
const DEFAULT_BODY_LIMIT = 256 * 1024;

const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  styleSrc: ["'self'", "'unsafe-inline'"],
  scriptSrc: ["'self'"],
  connectSrc: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  objectSrc: ["'none'"],
};

export type AppOptions = {
  services: AppServices;
  /** production: the built PWA from dist/; development: Vite's middleware with hot reload. */
  mode: 'production' | 'development';
  trustProxy?: TrustProxy;
  now?: () => Date;
  logger?: Logger;
  /** Bearer token that opens GET /metrics on this server; without it the route does not exist here. */
  metricsToken?: string;
  /** Open Signal streams, so shutdown can end them cleanly. */
  streams: StreamRegistry;
  /** Mean event-loop delay over a second above which requests are shed with 503 (default 2,000 ms). */
  maxEventLoopDelayMs?: number;
};

const trpcPaths = new Set(Object.keys(appRouter._def.procedures));

/** A bounded route label: the route pattern, and for tRPC the procedure (or "batch", or "unknown"). */
function routeLabel(request: FastifyRequest, status: number): string {
  const pattern = request.routeOptions.url;
  // No route: the app shell for a client-side path, or a 404.
  if (!pattern) return status < 400 ? 'app-shell' : 'unmatched';
  if (pattern === '/trpc/:path') {
    const path = (request.params as { path?: string }).path ?? '';
    return `/trpc/${path.includes(',') ? 'batch' : trpcPaths.has(path) ? path : 'unknown'}`;
  }
  return pattern;
}

/**
 * Fastify's trustProxy from TRUST_PROXY: a hop count becomes "the nearest N addresses are proxies" (proxy-addr
 * then returns the right-most address that is not one of them); a list trusts those addresses and ranges.
 */
function proxyTrust(trust: TrustProxy) {
  if (typeof trust === 'number') return (_address: string, hop: number) => hop < trust;
  return trust;
}

export async function createApp(opts: AppOptions): Promise<FastifyInstance> {
  const { services } = opts;
  const publicUrl = new URL(services.publicUrl);
  const app = Fastify({
    loggerInstance: (opts.logger ?? rootLog) as FastifyBaseLogger,
    // One line per request, written in onResponse below with the route pattern (never the URL, which can carry an
    // enrollment token) instead of Fastify's two lines with the raw URL.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    genReqId: () => randomUUID(),
    trustProxy: proxyTrust(opts.trustProxy ?? false),
    bodyLimit: DEFAULT_BODY_LIMIT,
    // A closing server answers new requests 503 while in-flight ones finish; idle keep-alive sockets close at once.
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    routerOptions: { maxParamLength: 500 },
  });
  app.decorate('databaseUnavailable', () => services.db.connectionLost());
  const stopObservingPool = observePool(() => services.db.poolStats());
  app.addHook('onClose', async () => stopObservingPool());

  // Security headers from helmet, built once (its Fastify wrapper rebuilds the middleware on every request).
  const securityHeaders = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    // Enrollment and manage secrets travel in URLs; never leak them to another origin.
    referrerPolicy: { policy: 'no-referrer' },
    frameguard: { action: 'deny' },
    // Only where the app is served over TLS: HSTS over plain http is ignored by browsers and wrong for a laptop.
    strictTransportSecurity: publicUrl.protocol === 'https:' ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    crossOriginEmbedderPolicy: false,
  });
  app.addHook('onRequest', (request, reply, done) => securityHeaders(request.raw, reply.raw, (err) => done(err as Error | undefined)));

  // Shed load rather than queue it when the event loop is saturated; health and metrics stay reachable. Not on the
  // embedded PGlite, which runs its queries on this very event loop: there a long query is the work itself, and
  // shedding the requests that wait behind it would only fail them.
  await app.register(fastifyUnderPressure, {
    maxEventLoopDelay: services.db.kind === 'pglite' && opts.maxEventLoopDelayMs === undefined ? 0 : (opts.maxEventLoopDelayMs ?? 2_000),
    pressureHandler: async (request) => {
      if (request.url.startsWith('/healthz') || request.url.startsWith('/readyz') || request.url.startsWith('/metrics')) return;
      throw new AppError('UNAVAILABLE');
    },
  });

  app.addHook('onRequest', async (request) => {
    const refusal = crossSiteRefusal(request, publicUrl.origin);
    if (refusal) throw refusal;
  });

  app.addHook('onResponse', async (request, reply) => {
    const status = reply.statusCode;
    const route = routeLabel(request, status);
    httpDuration.observe({ route, method: request.method, status }, reply.elapsedTime / 1000);
    request.log.info({ route, method: request.method, status, ms: Math.round(reply.elapsedTime * 10) / 10 }, 'request');
  });

  app.setErrorHandler((error, request, reply) => sendError(request, reply, error));

  await app.register(async (trpc) => {
    // tRPC answers with a fetch Response, which Fastify would stream in chunks (a write for the headers and first
    // chunk, another for the end). tRPC's answers here are small JSON documents (no streaming link): send each as
    // one buffer with its length, in one write.
    trpc.addHook('onSend', async (_request, reply, payload) => {
      if (!(payload instanceof Response)) return payload;
      reply.code(payload.status);
      payload.headers.forEach((value, name) => void reply.header(name, value));
      return Buffer.from(await payload.arrayBuffer());
    });
    await trpc.register(fastifyTRPCPlugin, {
      prefix: '/trpc',
      trpcOptions: {
        router: appRouter,
        // The employee app sends its queries as POST so a token never sits in a URL (logs, proxies, history).
        allowMethodOverride: true,
        createContext: async ({ req: request }: CreateFastifyContextOptions) => {
          const req = request as FastifyRequest;
          let user = null;
          try {
            user = await sessionOf(services, req);
          } catch (error) {
            throw toAppError(error);
          }
          return createContextInner({ db: services.db, services, user, meta: requestMeta(req), now: opts.now });
        },
        onError: ({ error, path, req: request }: { error: TRPCError; path: string | undefined; req: unknown }) => {
          const req = request as FastifyRequest;
          const appError = toAppError(error);
          if (appError.appCode === 'UNAVAILABLE' && isDatabaseUnavailable(error)) services.db.connectionLost();
          if (appError.code === 'INTERNAL_SERVER_ERROR' || appError.code === 'SERVICE_UNAVAILABLE') {
            req.log[appError.appCode === 'INTERNAL' ? 'error' : 'warn']({ err: error.cause ?? error, code: appError.appCode, procedure: path }, 'procedure failed');
          }
        },
      },
    });
  });

  await app.register(healthRoutes, { db: services.db });
  await app.register(metricsRoute, { token: opts.metricsToken });
  await app.register(authRoutes, { services });
  await app.register(ingestRoutes, { services, now: opts.now });
  await app.register(rosterRoutes, { services });
  await app.register(signalRoutes, { services, streams: opts.streams });

  await registerWeb(app, opts.mode);
  return app;
}

/** The PWA: hashed assets cached for a year, everything else revalidated; unknown paths get the app shell. */
async function registerWeb(app: FastifyInstance, mode: 'production' | 'development') {
  // API paths and missing hashed assets are real 404s; any other path is a client-side route of the app shell.
  const notFound = (request: FastifyRequest) =>
    request.url.startsWith('/api/') || request.url.startsWith('/trpc/') || request.url.startsWith('/assets/');
  if (mode === 'development') {
    const { createServer: createVite } = await import('vite');
    const vite = await createVite({ server: { middlewareMode: true }, appType: 'spa' });
    app.addHook('onClose', () => vite.close());
    app.setNotFoundHandler((request, reply) => {
      if (notFound(request)) return sendError(request, reply, new AppError('NOT_FOUND'));
      reply.hijack();
      vite.middlewares(request.raw, reply.raw, () => {
        reply.raw.statusCode = 404;
        reply.raw.end();
      });
    });
    return;
  }
  if (!existsSync(`${distDir}/index.html`)) {
    throw new Error(`No built app in ${distDir}: run \`npm run build\` first (npm start does this).`);
  }
  await app.register(fastifyStatic, {
    root: distDir,
    wildcard: true,
    cacheControl: false,
    // Only hashed assets may be cached for long; the shell, sw.js and the manifest must be revalidated so that an
    // update is noticed.
    setHeaders: (res, path) => {
      res.header('Cache-Control', path.startsWith(`${distDir}/assets/`) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  app.setNotFoundHandler((request, reply) => {
    if (notFound(request) || (request.method !== 'GET' && request.method !== 'HEAD')) {
      return sendError(request, reply, new AppError('NOT_FOUND'));
    }
    return reply.header('Cache-Control', 'no-cache').sendFile('index.html');
  });
}
