import { type ReactNode, useEffect } from 'react';
import { Logo } from '../shared/logo.tsx';

/** The centred card around the login and setup screens. */
export function AuthLayout({
  title,
  intro,
  children,
}: {
  title: string;
  intro?: ReactNode;
  children: ReactNode;
}) {
  useEffect(() => {
    document.title = `${title} · Keyward`;
  }, [title]);
  return (
    <main className="auth">
      <div className="auth__card">
        <div className="auth__brand">
          <Logo />
          <span>Keyward</span>
        </div>
        <h1 className="auth__title">{title}</h1>
        {intro && <div className="auth__intro">{intro}</div>}
        {children}
      </div>
    </main>
  );
}
