/**
 * Domain errors and the one mapping from any failure to what a client sees: `toAppError` turns whatever was thrown
 * (a domain error, a database that is down or refused a statement, a framework error about the request itself, a
 * bug) into an AppError; its tRPC code gives the HTTP status. tRPC procedures, the tRPC context, better-auth's
 * routes and the plain routes all answer through it, so a database outage is a 503 everywhere and never a 500 that
 * shows a host, a port, SQL or a stack.
 */
import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import type { AppErrorCode } from '../shared/errors.ts';

const TRPC_CODE_OF: Record<AppErrorCode, TRPC_ERROR_CODE_KEY> = {
  INVALID_INPUT: 'BAD_REQUEST',
  LINK_INVALID: 'NOT_FOUND',
  LINK_EXPIRED: 'FORBIDDEN',
  LINK_USED: 'CONFLICT',
  MANAGE_LINK_INVALID: 'NOT_FOUND',
  CHANNELS_MISMATCH: 'BAD_REQUEST',
  NOTICE_MISMATCH: 'BAD_REQUEST',
  IDEMPOTENCY_CONFLICT: 'CONFLICT',
  UNAUTHENTICATED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  NO_CUSTOMER_SELECTED: 'PRECONDITION_FAILED',
  NOT_FOUND: 'NOT_FOUND',
  ALREADY_EXISTS: 'CONFLICT',
  ALREADY_DECIDED: 'CONFLICT',
  EMAIL_TAKEN: 'CONFLICT',
  IMPORT_INVALID: 'BAD_REQUEST',
  IMPORT_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  IMPORT_NOT_READY: 'PRECONDITION_FAILED',
  EMAIL_FAILED: 'BAD_GATEWAY',
  NO_RECIPIENT: 'PRECONDITION_FAILED',
  SESSION_DATE_MISSING: 'PRECONDITION_FAILED',
  SESSION_NOT_STARTED: 'PRECONDITION_FAILED',
  SESSION_CLOSED: 'CONFLICT',
  CHECKLIST_NOT_READY: 'PRECONDITION_FAILED',
  NOT_SAVED: 'SERVICE_UNAVAILABLE',
  UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  METHOD_NOT_ALLOWED: 'METHOD_NOT_SUPPORTED',
  INTERNAL: 'INTERNAL_SERVER_ERROR',
};

export class AppError extends TRPCError {
  readonly appCode: AppErrorCode;
  constructor(appCode: AppErrorCode, message?: string, cause?: unknown) {
    super({ code: TRPC_CODE_OF[appCode], message: message ?? appCode, cause });
    this.appCode = appCode;
  }
}

/** Errors thrown by postgres.js and PGlite carry the SQLSTATE in `code`, sometimes on a wrapped cause. */
export function sqlStateOf(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

/**
 * Connection-level failures carry no SQLSTATE: postgres.js names them (CONNECTION_CLOSED, CONNECT_TIMEOUT, …), Node
 * names socket errors (ECONNREFUSED, ECONNRESET, …), and the pool wrapper names a wait that outlived its deadline.
 */
const UNAVAILABLE_CODES = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  'DB_ACQUIRE_TIMEOUT',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * The database cannot be reached or cannot serve right now (down, restarting, out of connections, statement timed
 * out): the request did nothing and may be retried. Searched along the `cause` chain, since better-auth and tRPC wrap.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code !== 'string') continue;
    if (UNAVAILABLE_CODES.has(code)) return true;
    // SQLSTATE classes 08 (connection exception) and 53 (insufficient resources), shutdown (57P01-57P03) and
    // statement timeout / cancel (57014).
    if (/^(08|53)[0-9A-Z]{3}$/.test(code) || /^57P0[1-3]$/.test(code) || code === '57014') return true;
  }
  return false;
}

/** Any failure of the database layer: a statement the server refused (SQLSTATE) or a database out of reach. */
export const isDatabaseError = (error: unknown) => sqlStateOf(error) !== undefined || isDatabaseUnavailable(error);

/** Errors about the request itself that the HTTP framework raises before any of our code runs (Fastify's codes). */
const FRAMEWORK_CODES: Record<number, AppErrorCode> = {
  400: 'INVALID_INPUT',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  503: 'UNAVAILABLE',
};

const TRPC_APP_CODE: Partial<Record<TRPCError['code'], AppErrorCode>> = {
  BAD_REQUEST: 'INVALID_INPUT',
  PARSE_ERROR: 'INVALID_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  METHOD_NOT_SUPPORTED: 'METHOD_NOT_ALLOWED',
  PAYLOAD_TOO_LARGE: 'TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  UNAUTHORIZED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
};

/** Any thrown value as the AppError a client is answered with. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  // Checked before the other wrappers: better-auth and tRPC wrap a database failure in their own 500s.
  if (isDatabaseUnavailable(error)) return new AppError('UNAVAILABLE', undefined, error);
  if (sqlStateOf(error)) return new AppError('NOT_SAVED', undefined, error);
  if (error instanceof TRPCError) {
    const code = TRPC_APP_CODE[error.code];
    return new AppError(code ?? 'INTERNAL', undefined, error);
  }
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new AppError(FRAMEWORK_CODES[status] ?? 'INVALID_INPUT', undefined, error);
  }
  if (status === 503) return new AppError('UNAVAILABLE', undefined, error);
  return new AppError('INTERNAL', undefined, error);
}

export const httpStatusOf = (error: AppError): number => getHTTPStatusCodeFromError(error);

/** The domain code of an error tRPC is about to send (its formatter). */
export function appCodeOf(error: TRPCError): AppErrorCode {
  return toAppError(error).appCode;
}

/** The constraint a failed statement violated: `constraint_name` from postgres.js, `constraint` from PGlite. */
export function violatedConstraint(error: unknown): string | undefined {
  const e = error as { constraint_name?: unknown; constraint?: unknown } | null;
  const name = e?.constraint_name ?? e?.constraint;
  return typeof name === 'string' ? name : undefined;
}
