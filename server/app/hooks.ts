/**
 * What every route shares, written once: who is asking (session, role, tenant; or an API key), whether a browser
 * request comes from our own pages (Origin), the client's language for error texts, the one error answer, and how to
 * refuse a body that is still arriving.
 */
import { isIP } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { fromNodeHeaders } from 'better-auth/node';
import { pickUiLanguage, type UiLanguage } from '../../shared/languages.ts';
import type { AppErrorCode } from '../../shared/errors.ts';
import { sessionFromHeaders, type SessionUser } from '../auth/auth.ts';
import type { AppServices, RequestMeta } from '../context.ts';
import { apiAuthFailures, type UserRole } from '../db/schema.ts';
import { AppError, httpStatusOf, isDatabaseUnavailable, toAppError } from '../errors.ts';
import { errorMessage } from '../mail/templates.ts';
import { apiKeyPrefixOf, resolveApiKey } from '../services/api-keys.ts';
import { tenantOf } from '../trpc.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Called when a request failed because the database was out of reach (the pools start over). */
    databaseUnavailable(): void;
  }
  interface FastifyRequest {
    /** The signed-in user and tenant, set by the `signedIn` hook of routes that need one. */
    actor?: Actor;
    /** The API key's customer, set by the `withApiKey` hook of server-to-server routes. */
    apiKey?: { customerId: string; apiKeyId: string; secret: string };
  }
  interface FastifyContextConfig {
    /** Server-to-server routes authenticated by a bearer secret (no cookies): exempt from the Origin check. */
    crossSite?: 'allowed';
  }
}

/**
 * The client's address as Fastify resolved it from the trusted proxy hops (TRUST_PROXY), if it is an IP address;
 * otherwise (a malformed X-Forwarded-For entry a misconfigured proxy let through) the socket's peer.
 */
export function clientAddress(request: FastifyRequest): string | null {
  return isIP(request.ip) ? request.ip : (request.socket.remoteAddress ?? null);
}

/** Who made the request, for the audit log: address and user agent (truncated to what the columns hold). */
export function requestMeta(request: FastifyRequest): RequestMeta {
  const userAgent = request.headers['user-agent'];
  return { ipAddress: clientAddress(request), userAgent: typeof userAgent === 'string' ? userAgent.slice(0, 512) : null };
}

/** The first UI language the client asks for in Accept-Language, else English. */
export function requestLanguage(request: FastifyRequest): UiLanguage {
  const header = request.headers['accept-language'];
  if (typeof header !== 'string') return pickUiLanguage([]);
  return pickUiLanguage(header.split(',').map((part) => part.split(';')[0]!.trim()).slice(0, 10));
}

export type ErrorBody = { code: AppErrorCode; message: string } & Record<string, unknown>;

/** The JSON body of an error answer: the code clients switch on and its text in the client's language. */
export function errorBody(request: FastifyRequest, error: AppError, extra: Record<string, unknown> = {}): ErrorBody {
  return { code: error.appCode, message: errorMessage(error.appCode, requestLanguage(request)), ...extra };
}

/**
 * Logs what needs an operator's attention (5xx: a bug at error level, the database being away at warn level)
 * and returns the answer's status. 4xx are the client's problem and are counted by the request log only.
 */
export function noteFailure(request: FastifyRequest, thrown: unknown, error: AppError): number {
  const status = httpStatusOf(error);
  if (error.appCode === 'UNAVAILABLE' && isDatabaseUnavailable(thrown)) request.server.databaseUnavailable();
  if (status >= 500) {
    request.log[status === 503 ? 'warn' : 'error']({ err: thrown, code: error.appCode }, 'request failed');
  }
  return status;
}

/** Answers `thrown` as the one error shape (used by the framework's error handler and by streaming routes). */
export function sendError(request: FastifyRequest, reply: FastifyReply, thrown: unknown, extra: Record<string, unknown> = {}) {
  const error = toAppError(thrown);
  const status = noteFailure(request, thrown, error);
  if (status === 503) reply.header('Retry-After', '5');
  return reply.code(status).header('Cache-Control', 'no-store').send(errorBody(request, error, extra));
}

/** The signed-in user behind the request's session cookie, or null. A database failure is thrown (→ 503). */
export async function sessionOf(services: AppServices, request: FastifyRequest): Promise<SessionUser | null> {
  if (!request.headers.cookie) return null;
  return sessionFromHeaders(services.auth, fromNodeHeaders(request.headers));
}

export type Actor = { user: SessionUser; tenantId: string };

/** The signed-in user with one of `roles`, in their tenant; UNAUTHENTICATED, FORBIDDEN or NO_CUSTOMER_SELECTED else. */
export async function requireActor(services: AppServices, request: FastifyRequest, roles: readonly UserRole[]): Promise<Actor> {
  const user = await sessionOf(services, request);
  if (!user) throw new AppError('UNAUTHENTICATED');
  if (!roles.includes(user.role)) throw new AppError('FORBIDDEN');
  return { user, tenantId: tenantOf(user) };
}

/**
 * A route's onRequest hook: the request must come from a signed-in user with one of `roles`; `request.actor` holds
 * them and their tenant. Runs before the body is read, so a refused request costs nothing more.
 */
export const signedIn = (services: AppServices, roles: readonly UserRole[]) => async (request: FastifyRequest) => {
  request.actor = await requireActor(services, request, roles);
};

const bearer = (header: string | undefined) => /^Bearer[ ]+(\S+)\s*$/i.exec(header ?? '')?.[1];

/**
 * Refuses a request's API key: 401 with `WWW-Authenticate: Bearer`, and a row in api_auth_failures with the key's
 * prefix only (best effort: failing to record it must not change the answer).
 */
export async function refuseApiKey(services: AppServices, request: FastifyRequest, reply: FastifyReply, secret: string | undefined, reason: string) {
  try {
    await services.db.db.insert(apiAuthFailures).values({ ...requestMeta(request), keyPrefix: secret ? apiKeyPrefixOf(secret) : null, reason });
  } catch (error) {
    request.log.warn({ err: error }, 'could not record an API key refusal');
  }
  return reply.code(401).header('WWW-Authenticate', 'Bearer').header('Cache-Control', 'no-store').send(errorBody(request, new AppError('UNAUTHENTICATED')));
}

/**
 * A route's onRequest hook for server-to-server calls: `Authorization: Bearer <API key>` must name an active key;
 * `request.apiKey` holds its customer. Checked before the body is read, so a wrong key costs nothing more.
 */
export const withApiKey = (services: AppServices) => async (request: FastifyRequest, reply: FastifyReply) => {
  const secret = bearer(request.headers.authorization);
  if (!secret) return refuseApiKey(services, request, reply, undefined, 'missing');
  const key = apiKeyPrefixOf(secret) ? await resolveApiKey(services.db, secret) : null;
  if (!key) return refuseApiKey(services, request, reply, secret, apiKeyPrefixOf(secret) ? 'unknown_or_revoked' : 'malformed');
  request.apiKey = { ...key, secret };
};

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Cross-site request refusal (CSRF) for every state-changing request a browser could send with our cookies:
 * tRPC mutations, better-auth, the plain routes. A browser tells where a request comes from in Sec-Fetch-Site
 * (all current browsers) or Origin (every POST); a request whose origin is not ours is refused with FORBIDDEN.
 * A request with neither header is not from a browser page; it is let through only when it carries no cookie,
 * since then it has no ambient credentials to abuse. Server-to-server routes (bearer secrets) opt out per route.
 */
export function crossSiteRefusal(request: FastifyRequest, publicOrigin: string): AppError | null {
  if (!STATE_CHANGING.has(request.method) || request.routeOptions.config.crossSite === 'allowed') return null;
  const site = request.headers['sec-fetch-site'];
  if (typeof site === 'string') return site === 'same-origin' || site === 'none' ? null : new AppError('FORBIDDEN');
  const origin = request.headers.origin;
  if (typeof origin === 'string') {
    const own = origin === publicOrigin || origin === `${request.protocol}://${request.host}`;
    return own ? null : new AppError('FORBIDDEN');
  }
  return request.headers.cookie ? new AppError('FORBIDDEN') : null;
}

/**
 * Answers a request whose body was not (fully) read. A client still sending would have its writes reset and might
 * never see the answer, so what keeps arriving is read and dropped — for at most `graceMs` and `maxBytes` — and then
 * the connection is cut. (Node discards an unread body itself only on a connection it keeps alive, and a reset
 * before the client reads the answer loses it; see roster-upload.test.ts.)
 */
export function refuseUnreadBody(
  request: FastifyRequest,
  send: () => void,
  opts: { graceMs: number; maxBytes: number; body?: AsyncIterator<Buffer> },
) {
  send();
  const raw = request.raw;
  if (raw.readableEnded) return;
  const body = opts.body ?? (raw[Symbol.asyncIterator]() as AsyncIterator<Buffer>);
  const cut = setTimeout(() => raw.destroy(), opts.graceMs);
  cut.unref();
  void (async () => {
    try {
      let dropped = 0;
      for (let chunk = await body.next(); !chunk.done; chunk = await body.next()) {
        dropped += chunk.value.length;
        if (dropped > opts.maxBytes) {
          raw.destroy();
          break;
        }
      }
    } catch {
      // the client went away
    }
    clearTimeout(cut);
  })();
}
