import { createContext, useContext } from 'react';
import type { SessionInfo } from '../shared/api-types.ts';

/** Where the admin UI is in its sign-in life cycle. */
export type SessionState =
  | { status: 'loading' }
  | { status: 'unavailable'; message: string }
  | { status: 'setup' }
  | { status: 'signed-out'; reason: 'expired' | 'logged-out' | null }
  | { status: 'signed-in'; info: SessionInfo };

/** The session and what can be done with it. */
export interface SessionApi {
  state: SessionState;
  /** Called with the answer of login or setup. */
  signedIn: (info: SessionInfo) => void;
  signOut: () => Promise<void>;
  /** Re-runs the start-up checks (setup needed? signed in?). */
  retry: () => void;
}

/** Context filled by `SessionProvider`. */
export const SessionContext = createContext<SessionApi | null>(null);

/** The session context; only valid under `SessionProvider`. */
export function useSessionApi(): SessionApi {
  const api = useContext(SessionContext);
  if (!api) throw new Error('useSessionApi must be used under <SessionProvider>');
  return api;
}

/** The signed-in user, their org and scopes, plus `can(scope)`; only valid once signed in. */
export function useSession(): SessionInfo & {
  can: (scope: string) => boolean;
  signOut: () => Promise<void>;
} {
  const { state, signOut } = useSessionApi();
  if (state.status !== 'signed-in') throw new Error('useSession needs a signed-in session');
  const { info } = state;
  return { ...info, can: (scope) => info.scopes.includes(scope), signOut };
}
