/**
 * better-auth's HTTP endpoints under /api/auth, limited to the ones the portal uses (AUTH_PUBLIC_PATHS): every
 * other endpoint better-auth ships (session listing, account linking, user updates, …) answers 404, so none of them
 * can leak a session token or change an account behind our back.
 *
 * The request reaches better-auth as a fetch Request with the client address in CLIENT_IP_HEADER (from Fastify's
 * trusted-proxy resolution; whatever a client sent under that name is dropped). Answers pass through, except that
 * a session token is never put in a JSON body (the httpOnly cookie carries it) and a failure of ours — a database
 * out of reach included — is answered by the one error mapping (503, localized), never by better-auth's bare 500.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { AppServices } from '../context.ts';
import { AppError } from '../errors.ts';
import { hasOnlyAllowedCharacters } from '../../shared/schemas/common.ts';
import { clientAddress } from '../app/hooks.ts';
import { AUTH_PUBLIC_PATHS, CLIENT_IP_HEADER } from './auth.ts';

const HOP_BY_HOP = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', CLIENT_IP_HEADER]);

function toFetchRequest(request: FastifyRequest, origin: string): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || HOP_BY_HOP.has(name)) continue;
    headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  headers.set(CLIENT_IP_HEADER, clientAddress(request) ?? '');
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD' && request.body !== undefined;
  return new Request(new URL(request.url, origin), {
    method: request.method,
    headers,
    body: hasBody ? JSON.stringify(request.body) : null,
  });
}

/**
 * better-auth validates its bodies' shapes but not their characters, and a NUL byte in an email or a token would
 * reach PostgreSQL (which refuses it). Every string in a body must hold only characters allowed in a single line
 * (shared/schemas/common.ts), passwords included: no keyboard types a control character.
 */
function hasRefusedCharacters(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return !hasOnlyAllowedCharacters(value, 'line');
  if (depth > 4 || value === null || typeof value !== 'object') return false;
  return Object.values(value as Record<string, unknown>).some((v) => hasRefusedCharacters(v, depth + 1));
}

/** A session token in a JSON answer (sign-in returns one) is redundant with the httpOnly cookie: drop it. */
function withoutTokens(body: string): string {
  try {
    const parsed = JSON.parse(body) as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return body;
    const copy = { ...(parsed as Record<string, unknown>) };
    delete copy.token;
    const session = copy.session as Record<string, unknown> | undefined;
    if (session && typeof session === 'object') copy.session = { ...session, token: undefined };
    return JSON.stringify(copy);
  } catch {
    return body;
  }
}

const decodeURIComponentSafe = (text: string) => {
  try {
    return decodeURIComponent(text);
  } catch {
    return '\u0000';
  }
};

export const authRoutes: FastifyPluginAsync<{ services: AppServices }> = async (app, { services }) => {
  const origin = new URL(services.publicUrl).origin;
  // One Fastify route per endpoint the portal uses; any other /api/auth path is the API's JSON 404.
  for (const { method, path: url } of AUTH_PUBLIC_PATHS) {
    app.route({
      method,
      url,
      bodyLimit: 16 * 1024,
      handler: async (request, reply) => {
        const path = request.url.split('?')[0] ?? '';
        if (hasRefusedCharacters(request.body) || hasRefusedCharacters(request.query) || !hasOnlyAllowedCharacters(decodeURIComponentSafe(path), 'line')) {
          throw new AppError('INVALID_INPUT');
        }
        const response = await services.auth.handler(toFetchRequest(request, origin));
        if (response.status >= 500) {
          request.log.error({ status: response.status, path }, 'sign-in service answered with a server error');
          throw new AppError('INTERNAL');
        }
        reply.code(response.status);
        response.headers.forEach((value, name) => {
          if (name !== 'set-cookie' && name !== 'content-length') reply.header(name, value);
        });
        const cookies = response.headers.getSetCookie();
        if (cookies.length) reply.header('set-cookie', cookies);
        const retryAfter = response.headers.get('x-retry-after');
        if (retryAfter) reply.header('Retry-After', retryAfter);
        const body = await response.text();
        const json = (response.headers.get('content-type') ?? '').includes('json');
        return reply.send(json ? withoutTokens(body) : body);
      },
    });
  }
};
