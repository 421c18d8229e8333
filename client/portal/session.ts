/**
 * The signed-in user (tRPC `session.me`) and the better-auth endpoints the portal calls directly: sign in, sign out,
 * request a reset link, set a new password, and the unlock link of a throttled sign-in (ADR 0012). Cookies are
 * httpOnly; the browser carries them.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from './trpc.ts';

export function useMe() {
  const trpc = useTRPC();
  return useQuery(trpc.session.me.queryOptions(undefined, { staleTime: 60_000 }));
}

export function useRefreshMe() {
  const client = useQueryClient();
  const trpc = useTRPC();
  return () => client.invalidateQueries({ queryKey: trpc.session.me.queryKey() });
}

export type AuthFailure =
  | 'INVALID_CREDENTIALS'
  | 'SIGN_IN_DELAYED'
  | 'UNLOCK_DELAYED'
  | 'RATE_LIMITED'
  | 'INVALID_TOKEN'
  | 'WEAK_PASSWORD'
  | 'UNAVAILABLE'
  | 'NETWORK';

export type AuthError = {
  failure: AuthFailure;
  /** How long to wait (from Retry-After), for the delays. */
  retryAfterSeconds?: number;
  /** Which counter waits: this browser's own, or the account's for every browser it does not trust. */
  scope?: 'browser' | 'account';
};

export type AuthResult<T = Record<string, unknown>> = ({ ok: true; data: T }) | ({ ok: false } & AuthError);

function retryAfterOf(res: Response, payload: { retryAfter?: unknown }): number | undefined {
  const seconds = Number(res.headers.get('Retry-After') ?? res.headers.get('X-Retry-After') ?? payload.retryAfter);
  return Number.isFinite(seconds) && seconds > 0 ? seconds : undefined;
}

async function post<T = Record<string, unknown>>(path: string, body: unknown): Promise<AuthResult<T>> {
  let res: Response;
  try {
    res = await fetch(`/api/auth${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      credentials: 'same-origin',
      body: JSON.stringify(body),
    });
  } catch {
    return { ok: false, failure: 'NETWORK' };
  }
  const payload = (await res.json().catch(() => ({}))) as { code?: string; retryAfter?: unknown; scope?: unknown };
  if (res.ok) return { ok: true, data: payload as T };
  const retryAfterSeconds = retryAfterOf(res, payload);
  const delayed = (failure: AuthFailure): AuthResult<T> => ({
    ok: false,
    failure,
    ...(retryAfterSeconds ? { retryAfterSeconds } : {}),
    ...(payload.scope === 'account' || payload.scope === 'browser' ? { scope: payload.scope } : {}),
  });
  if (payload.code === 'SIGN_IN_DELAYED') return delayed('SIGN_IN_DELAYED');
  if (payload.code === 'UNLOCK_DELAYED') return delayed('UNLOCK_DELAYED');
  if (res.status === 429) return delayed('RATE_LIMITED');
  // The server or the database is down (503), or broke: never "wrong password".
  if (res.status >= 500) return { ok: false, failure: 'UNAVAILABLE' };
  if (payload.code === 'PASSWORD_TOO_SHORT' || payload.code === 'PASSWORD_TOO_LONG') return { ok: false, failure: 'WEAK_PASSWORD' };
  if (payload.code === 'INVALID_TOKEN') return { ok: false, failure: 'INVALID_TOKEN' };
  return { ok: false, failure: 'INVALID_CREDENTIALS' };
}

export const signIn = (email: string, password: string) => post('/sign-in/email', { email, password });
export const signOut = () => post('/sign-out', {});
export const requestPasswordReset = (email: string) =>
  post('/request-password-reset', { email, redirectTo: `${window.location.origin}/reset-password` });
export const resetPassword = (token: string, newPassword: string) => post('/reset-password', { token, newPassword });
/** Emails the account a link that makes this browser trusted for it; the same answer whether or not it exists. */
export const requestUnlock = (email: string) => post('/sign-in-unlock/request', { email });
export const confirmUnlock = (token: string) => post<{ email: string }>('/sign-in-unlock/confirm', { token });
