import { TRPCClientError } from '@trpc/client';
import type { AppErrorCode } from '../../shared/errors.ts';

export type ClientErrorCode = AppErrorCode | 'NETWORK' | 'OFFLINE';

/** The localized message key for any failure: a domain code from the server, or a transport problem. */
export function errorCodeOf(error: unknown): ClientErrorCode {
  if (error instanceof TRPCClientError) {
    const code: unknown = (error.data as { appCode?: unknown } | undefined)?.appCode;
    // The server only sends codes from shared/errors.ts; the message lookup falls back to INTERNAL for anything else,
    // so the client need not ship the list of codes.
    if (typeof code === 'string' && /^[A-Z_]+$/.test(code)) return code as AppErrorCode;
    if (!error.data) return navigator.onLine ? 'NETWORK' : 'OFFLINE';
  }
  return 'INTERNAL';
}

/** Field → i18n keys of validation problems, from a BAD_REQUEST response. */
export function fieldErrorsOf(error: unknown): Record<string, string> {
  if (!(error instanceof TRPCClientError)) return {};
  const issues = (error.data as { issues?: { path: string[]; message: string }[] } | undefined)?.issues ?? [];
  return Object.fromEntries(issues.map((i) => [i.path.join('.'), i.message]));
}
