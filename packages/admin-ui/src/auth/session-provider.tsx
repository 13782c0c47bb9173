/**
 * @module Session
 *
 * Decides what the admin UI shows before anything else: the first-run setup while no user
 * exists, the login while no session is open, otherwise the app. It registers the API
 * client's "session ended" handler, so a 401 from any call (an expired or revoked session)
 * brings back the login with an explanation, and the user returns to the same page after
 * signing in again.
 */
import { type ReactNode, useCallback, useEffect, useMemo, useState } from 'react';
import { ApiError, api, onSessionEnded, setCsrfToken } from '../shared/api-client.ts';
import type { SessionInfo } from '../shared/api-types.ts';
import { SessionContext, type SessionState } from './use-session.ts';

/** A server that leaves out `scopes` grants nothing in the UI, rather than crashing it. */
function withScopes(info: SessionInfo): SessionInfo {
  return Array.isArray(info.scopes) ? info : { ...info, scopes: [] };
}

async function startUp(signal: AbortSignal): Promise<SessionState> {
  let needsSetup = false;
  try {
    needsSetup = (await api.setup.status(signal)).needsSetup;
  } catch (error) {
    // An older server without the setup route still has a login.
    if (!(error instanceof ApiError) || error.status === 0) throw error;
  }
  if (needsSetup) return { status: 'setup' };
  try {
    const info = await api.auth.me(signal);
    setCsrfToken(info.csrfToken);
    return { status: 'signed-in', info: withScopes(info) };
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return { status: 'signed-out', reason: null };
    throw error;
  }
}

/** Provides {@link SessionContext} to the app. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    setState({ status: 'loading' });
    startUp(controller.signal).then(
      (next) => {
        if (!controller.signal.aborted) setState(next);
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        const message = error instanceof Error ? error.message : 'The server could not be reached.';
        setState({ status: 'unavailable', message: `${attempt > 0 ? 'Still failing: ' : ''}${message}` });
      },
    );
    return () => controller.abort();
  }, [attempt]);

  useEffect(() => {
    onSessionEnded(() => {
      setCsrfToken(null);
      setState((current) =>
        current.status === 'signed-in' ? { status: 'signed-out', reason: 'expired' } : current,
      );
    });
    return () => onSessionEnded(null);
  }, []);

  const signedIn = useCallback((info: SessionInfo) => {
    setCsrfToken(info.csrfToken);
    setState({ status: 'signed-in', info: withScopes(info) });
  }, []);

  const signOut = useCallback(async () => {
    try {
      await api.auth.logout();
    } finally {
      // Even if the server did not answer, forget the session here: the cookie is HttpOnly
      // and expires on its own.
      setCsrfToken(null);
      setState({ status: 'signed-out', reason: 'logged-out' });
    }
  }, []);

  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  const value = useMemo(() => ({ state, signedIn, signOut, retry }), [state, signedIn, signOut, retry]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}
