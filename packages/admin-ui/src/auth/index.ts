/**
 * @module Auth
 *
 * The session life cycle of the admin UI: first-run setup, login, logout and expiry.
 */
export { LoginPage } from './login-page.tsx';
export { SessionProvider } from './session-provider.tsx';
export { SetupPage } from './setup-page.tsx';
export { type SessionApi, type SessionState, useSession, useSessionApi } from './use-session.ts';
