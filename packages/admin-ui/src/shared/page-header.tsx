import { type ReactNode, useEffect, useRef } from 'react';
import { Link } from './router.tsx';

/** One step of the breadcrumb trail; the last one is the current page. */
export interface Crumb {
  label: string;
  to?: string;
}

/** Props of {@link PageHeader}. */
export interface PageHeaderProps {
  title: ReactNode;
  /** The document title, when `title` is not plain text. */
  documentTitle?: string;
  crumbs: Crumb[];
  actions?: ReactNode;
  children?: ReactNode;
}

/**
 * The top of every page: breadcrumb ("Administration › Security › API Keys"), the heading and
 * the page's main actions. The heading takes focus when the page opens, so keyboard and
 * screen-reader users start at the new content after navigating.
 */
export function PageHeader({ title, documentTitle, crumbs, actions, children }: PageHeaderProps) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  const text = documentTitle ?? (typeof title === 'string' ? title : '');

  useEffect(() => {
    document.title = text ? `${text} · Keyward` : 'Keyward';
  }, [text]);
  useEffect(() => {
    // Only move focus after client-side navigation, not when the app first loads.
    if (document.activeElement && document.activeElement !== document.body) {
      headingRef.current?.focus({ preventScroll: true });
    }
  }, []);

  return (
    <header className="page-header">
      <nav aria-label="Breadcrumb">
        <ol className="breadcrumb">
          {crumbs.map((crumb, index) => (
            <li key={index === crumbs.length - 1 ? 'current' : crumb.label}>
              {crumb.to ? <Link to={crumb.to}>{crumb.label}</Link> : <span>{crumb.label}</span>}
            </li>
          ))}
        </ol>
      </nav>
      <div className="page-header__row">
        <h1 className="page-header__title" ref={headingRef} tabIndex={-1}>
          {title}
        </h1>
        {actions && <div className="page-header__actions">{actions}</div>}
      </div>
      {children}
    </header>
  );
}
