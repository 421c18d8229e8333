/**
 * The employee app talks to the server through the plain typed tRPC client: no query cache and no background
 * replay. A consent is recorded only while the person is on the page, and the UI shows success only after the
 * server's answer. In-flight submissions are counted so an app update is never applied in the middle of one.
 */
import { createTRPCClient, httpLink } from '@trpc/client';
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { AppRouter } from '../../server/routers/_app.ts';

/** Queries are sent as POST too: their input carries the employee's token, which must never sit in a URL. */
export const api = createTRPCClient<AppRouter>({ links: [httpLink({ url: '/trpc', methodOverride: 'POST' })] });

let inFlight = 0;
const listeners = new Set<() => void>();
const notify = () => listeners.forEach((l) => l());
export function useSubmissionInFlight(): boolean {
  return useSyncExternalStore(
    (l) => (listeners.add(l), () => listeners.delete(l)),
    () => inFlight > 0,
  );
}

export type Loadable<T> = { data: T | undefined; error: unknown; loading: boolean; reload: () => void };

/** Loads data for the current inputs; keeps the previous data while new inputs load (e.g. a language switch). */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[], enabled = true): Loadable<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({
    data: undefined,
    error: null,
    loading: enabled,
  });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (!enabled) return;
    let current = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => current && setState({ data, error: null, loading: false }),
      (error: unknown) => current && setState((s) => ({ ...s, error, loading: false })),
    );
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- reload when the caller's inputs change
  }, [...deps, attempt, enabled]);
  return { ...state, reload: useCallback(() => setAttempt((a) => a + 1), []) };
}

export type Action<I, O> = {
  run: (input: I) => Promise<O | undefined>;
  pending: boolean;
  error: unknown;
  reset: () => void;
};

/** A submission: one at a time, errors kept for display, nothing retried automatically. */
export function useAction<I, O>(send: (input: I) => Promise<O>): Action<I, O> {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const busy = useRef(false);
  const run = useCallback(
    async (input: I) => {
      if (busy.current) return undefined;
      busy.current = true;
      inFlight++;
      notify();
      setPending(true);
      setError(null);
      try {
        return await send(input);
      } catch (e) {
        setError(e);
        return undefined;
      } finally {
        busy.current = false;
        inFlight--;
        notify();
        setPending(false);
      }
    },
    [send],
  );
  return { run, pending, error, reset: useCallback(() => setError(null), []) };
}
