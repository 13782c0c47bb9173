/**
 * @module App
 *
 * The root component: providers, the session gate (setup → login → app) and the route table.
 */
import { useEffect } from 'react';
import { AppShell } from './app-shell.tsx';
import { AuditPage } from './audit/index.ts';
import { LoginPage, SessionProvider, SetupPage, useSessionApi } from './auth/index.ts';
import { KeyPage, KeysPage } from './keys/index.ts';
import { Logo } from './shared/logo.tsx';
import { matchPath, navigate, usePath } from './shared/router.tsx';
import { ToastProvider } from './shared/toast-provider.tsx';
import { UserPage, UsersPage } from './users/index.ts';

/** The admin UI. */
export function App() {
  return (
    <ToastProvider>
      <SessionProvider>
        <SessionGate />
      </SessionProvider>
    </ToastProvider>
  );
}

function SessionGate() {
  const { state, retry } = useSessionApi();
  switch (state.status) {
    case 'loading':
      return (
        <main className="splash" aria-busy="true">
          <Logo />
          <p>Loading Keyward…</p>
        </main>
      );
    case 'unavailable':
      return (
        <main className="splash">
          <h1>Keyward is not reachable</h1>
          <p role="alert">{state.message}</p>
          <button type="button" className="button button--primary" onClick={retry}>
            Try again
          </button>
        </main>
      );
    case 'setup':
      return <SetupPage />;
    case 'signed-out':
      return <LoginPage reason={state.reason} />;
    case 'signed-in':
      return (
        <AppShell>
          <Routes />
        </AppShell>
      );
  }
}

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

function Routes() {
  const path = usePath();
  if (path === '/' || path === '/login' || path === '/setup') return <Redirect to="/keys" />;
  if (path === '/keys') return <KeysPage />;
  const key = matchPath('/keys/:id', path);
  if (key?.id) return <KeyPage key={key.id} id={key.id} />;
  if (path === '/users') return <UsersPage />;
  const user = matchPath('/users/:id', path);
  if (user?.id) return <UserPage key={user.id} id={user.id} />;
  if (path === '/audit') return <AuditPage />;
  return <NotFound />;
}

function NotFound() {
  return (
    <section className="empty">
      <h1>Page not found</h1>
      <p>There is nothing at this address.</p>
      <button type="button" className="button button--primary" onClick={() => navigate('/keys')}>
        Go to API keys
      </button>
    </section>
  );
}
