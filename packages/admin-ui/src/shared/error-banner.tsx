import type { ApiError } from './api-client.ts';

/** Props of {@link ErrorBanner}. */
export interface ErrorBannerProps {
  error: ApiError | undefined | null;
  /** Offered as a "Try again" button, e.g. to reload a list. */
  onRetry?: () => void;
  /** Text before the server's message, e.g. "Could not load the keys." */
  title?: string;
}

/**
 * Shows an API error where it happened: the message, the stable code and the request id
 * (which the operator can find in the server log). Announced to screen readers.
 */
export function ErrorBanner({ error, onRetry, title }: ErrorBannerProps) {
  if (!error) return null;
  return (
    <div className="banner banner--error" role="alert">
      <p className="banner__message">
        {title && <strong>{title} </strong>}
        {error.message}
      </p>
      <p className="banner__meta">
        <code>{error.code}</code>
        {error.requestId && <> · request {error.requestId}</>}
        {error.docs && /^https?:\/\//.test(error.docs) && (
          <>
            {' · '}
            <a href={error.docs} target="_blank" rel="noreferrer">
              about this error
            </a>
          </>
        )}
      </p>
      {onRetry && (
        <button type="button" className="button button--small" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
