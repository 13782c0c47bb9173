/**
 * @module App shell
 *
 * The frame around every signed-in page: a skip link, the header with the organization and
 * the user menu, and the navigation (a sidebar on wide screens, a row of tabs on phones).
 */
import { type ReactNode, useState } from 'react';
import { useSession } from './auth/index.ts';
import { Logo } from './shared/logo.tsx';
import { Link, usePath } from './shared/router.tsx';

interface NavItem {
  to: string;
  label: string;
  section: string;
  /** The Keyward scope needed to see the page. */
  scope: string;
}

const NAV: NavItem[] = [
  { to: '/keys', label: 'API Keys', section: 'Security', scope: 'keys:read' },
  { to: '/users', label: 'Users', section: 'People', scope: 'users:read' },
  { to: '/audit', label: 'Audit log', section: 'Compliance', scope: 'audit:read' },
];

/** Wraps a signed-in page. */
export function AppShell({ children }: { children: ReactNode }) {
  const session = useSession();
  const path = usePath();
  const [isSigningOut, setIsSigningOut] = useState(false);
  const items = NAV.filter((item) => session.can(item.scope));
  const sections = [...new Set(items.map((item) => item.section))];

  const signOut = () => {
    setIsSigningOut(true);
    session.signOut().catch(() => setIsSigningOut(false));
  };

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/keys" className="topbar__brand">
          <Logo />
          <span>Keyward</span>
        </Link>
        <span className="topbar__org" title="Organization">
          {session.org.name}
        </span>
        <div className="topbar__user">
          <span className="topbar__who">
            <span className="topbar__name">{session.user.name || session.user.email}</span>
            <span className="topbar__role">{session.user.role}</span>
          </span>
          <button type="button" className="button button--small" onClick={signOut} disabled={isSigningOut}>
            Sign out
          </button>
        </div>
      </header>
      <nav className="sidenav" aria-label="Administration">
        <p className="sidenav__title">Administration</p>
        {sections.map((section) => (
          <div key={section} className="sidenav__section">
            <p className="sidenav__heading" id={`nav-${section}`}>
              {section}
            </p>
            <ul aria-labelledby={`nav-${section}`}>
              {items
                .filter((item) => item.section === section)
                .map((item) => {
                  const isCurrent = path === item.to || path.startsWith(`${item.to}/`);
                  return (
                    <li key={item.to}>
                      <Link
                        to={item.to}
                        className={`sidenav__link${isCurrent ? ' sidenav__link--current' : ''}`}
                        aria-current={isCurrent ? 'page' : undefined}
                      >
                        {item.label}
                      </Link>
                    </li>
                  );
                })}
            </ul>
          </div>
        ))}
      </nav>
      <main id="main" className="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
