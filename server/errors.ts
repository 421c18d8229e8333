/** Domain errors and their one mapping to tRPC codes. Database faults become NOT_SAVED, never a stack trace. */
import { TRPCError } from '@trpc/server';
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
  NOT_SAVED: 'SERVICE_UNAVAILABLE',
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

export function appCodeOf(error: TRPCError): AppErrorCode {
  if (error instanceof AppError) return error.appCode;
  if (error.code === 'BAD_REQUEST' || error.code === 'PARSE_ERROR') return 'INVALID_INPUT';
  if (error.code === 'INTERNAL_SERVER_ERROR' && sqlStateOf(error.cause)) return 'NOT_SAVED';
  return 'INTERNAL';
}

/** The constraint a failed statement violated: `constraint_name` from postgres.js, `constraint` from PGlite. */
export function violatedConstraint(error: unknown): string | undefined {
  const e = error as { constraint_name?: unknown; constraint?: unknown } | null;
  const name = e?.constraint_name ?? e?.constraint;
  return typeof name === 'string' ? name : undefined;
}
