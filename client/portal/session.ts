/**
 * The signed-in user (tRPC `session.me`) and the better-auth endpoints the portal calls directly: sign in, sign out,
 * request a reset link, set a new password. Cookies are httpOnly; the browser carries them.
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

export type AuthFailure = 'INVALID_CREDENTIALS' | 'ACCOUNT_LOCKED' | 'RATE_LIMITED' | 'INVALID_TOKEN' | 'WEAK_PASSWORD' | 'NETWORK';

async function post(path: string, body: unknown): Promise<{ ok: true } | { ok: false; failure: AuthFailure }> {
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
  if (res.ok) return { ok: true };
  const payload = (await res.json().catch(() => ({}))) as { code?: string };
  if (payload.code === 'ACCOUNT_LOCKED') return { ok: false, failure: 'ACCOUNT_LOCKED' };
  if (res.status === 429) return { ok: false, failure: 'RATE_LIMITED' };
  if (payload.code === 'PASSWORD_TOO_SHORT' || payload.code === 'PASSWORD_TOO_LONG') return { ok: false, failure: 'WEAK_PASSWORD' };
  if (payload.code === 'INVALID_TOKEN') return { ok: false, failure: 'INVALID_TOKEN' };
  return { ok: false, failure: 'INVALID_CREDENTIALS' };
}

export const signIn = (email: string, password: string) => post('/sign-in/email', { email, password });
export const signOut = () => post('/sign-out', {});
export const requestPasswordReset = (email: string) =>
  post('/request-password-reset', { email, redirectTo: `${window.location.origin}/reset-password` });
export const resetPassword = (token: string, newPassword: string) => post('/reset-password', { token, newPassword });
