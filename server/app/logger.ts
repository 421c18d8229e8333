/**
 * The one structured logger (pino, JSON lines). Every server module logs through `log` or a child of it; nothing
 * writes to the console except the demo's start banner.
 *
 * What may never reach a log: tokens (enrollment, manage, session, reset), passwords, API keys, cookies, the
 * Authorization header, SQL text and SQL parameters. Two layers keep them out:
 *   1. errors are logged through `serializeError`, which copies only named, safe fields (never postgres.js's
 *      `query`, `parameters` or `args`, never a database message's quoted values);
 *   2. `REDACTED_PATHS` censors the known secret-bearing keys wherever a caller passes an object.
 * A test greps the logs of the whole test run for every secret the tests handled (test/log-audit/).
 *
 * Environment: LOG_LEVEL (default `info`), LOG_DESTINATION (a file path; default standard output).
 */
import { mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import pino, { type Logger } from 'pino';

/** Keys that carry secrets, at the top level and one level down (pino's redaction does not recurse further). */
const SECRET_KEYS = [
  'password',
  'newPassword',
  'currentPassword',
  'token',
  'manageToken',
  'sessionToken',
  'apiKey',
  'secret',
  'cookie',
  'authorization',
  'parameters',
  'params',
  'args',
] as const;

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((key) => `*.${key}`),
];

/** SQLSTATE-bearing errors (PostgreSQL, postgres.js) quote the offending values in their messages: mask them. */
function maskQuoted(message: string): string {
  return message.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '"…"');
}

const IDENTIFIER_FIELDS = ['table_name', 'column_name', 'constraint_name', 'schema_name', 'routine'] as const;

/** Drizzle wraps a failed statement as "Failed query: <SQL>\nparams: <values>": keep the words, drop the rest. */
const DRIZZLE_FAILED_QUERY = /Failed query: [\s\S]*?(?=\n {4}at |$)/;
const withoutQuery = (text: string) => text.replace(DRIZZLE_FAILED_QUERY, 'Failed query (SQL and parameters not logged)');

/** An error as a log record: type, code, message and stack, with database identifiers but never values or SQL. */
export function serializeError(error: unknown, depth = 0): Record<string, unknown> | string {
  if (!(error instanceof Error)) return typeof error === 'string' ? error.slice(0, 500) : String(error).slice(0, 500);
  const e = error as Error & Record<string, unknown>;
  const code = typeof e.code === 'string' ? e.code : undefined;
  const fromDatabase = code !== undefined && (/^[0-9A-Z]{5}$/.test(code) || 'severity' in e || 'query' in e);
  const clean = (text: string) => (fromDatabase ? maskQuoted(text) : withoutQuery(text));
  const out: Record<string, unknown> = {
    type: e.constructor?.name ?? 'Error',
    message: clean(e.message),
  };
  if (code) out.code = code;
  if (fromDatabase) for (const field of IDENTIFIER_FIELDS) if (typeof e[field] === 'string') out[field] = e[field];
  if (typeof e.status === 'string' || typeof e.status === 'number') out.status = e.status;
  if (e.stack) out.stack = clean(e.stack);
  if (e.cause !== undefined && depth < 3) out.cause = serializeError(e.cause, depth + 1);
  return out;
}

/**
 * Lines are written in 4 KB batches rather than one system call each (one log line per request). Whoever ends the
 * process calls `flushLog()` first (boot refusal, shutdown); only a SIGKILL loses the last batch.
 */
function destination() {
  const file = process.env.LOG_DESTINATION;
  if (file) mkdirSync(dirname(file), { recursive: true });
  // Opened here, synchronously, so that a flush right after start (a refused boot) has somewhere to write.
  return pino.destination({ sync: false, minLength: 4096, dest: file ? openSync(file, 'a') : 1 });
}

const logDestination = destination();

/** Writes out what is buffered, synchronously: call before process.exit(). */
export function flushLog(): void {
  try {
    logDestination.flushSync();
  } catch {
    // nothing buffered, or the destination is gone
  }
}

export const log: Logger = pino(
  {
    level: process.env.LOG_LEVEL ?? 'info',
    base: { pid: process.pid },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: { err: serializeError, error: serializeError },
  },
  logDestination,
);

export type { Logger };
