/**
 * @module Toasts
 *
 * Short confirmations ("Key disabled") announced through one polite live region. Errors are
 * not toasts: they stay next to what failed (see `ErrorBanner`).
 */
import { type ReactNode, useCallback, useMemo, useRef, useState } from 'react';
import { ToastContext } from './use-toast.ts';

interface Toast {
  id: number;
  text: string;
}

const TOAST_MS = 5000;

/** Holds the toasts of the whole app and renders them in a live region. */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextId = useRef(1);

  const dismiss = useCallback((id: number) => setToasts((list) => list.filter((t) => t.id !== id)), []);
  const show = useCallback(
    (text: string) => {
      const id = nextId.current++;
      setToasts((list) => [...list.slice(-2), { id, text }]);
      setTimeout(() => dismiss(id), TOAST_MS);
    },
    [dismiss],
  );
  const value = useMemo(() => ({ show }), [show]);

  return (
    <ToastContext.Provider value={value}>
      {children}
      <div className="toasts" role="status" aria-live="polite">
        {toasts.map((toast) => (
          <div key={toast.id} className="toast">
            <span>{toast.text}</span>
            <button
              type="button"
              className="toast__close"
              aria-label="Dismiss"
              onClick={() => dismiss(toast.id)}
            >
              ×
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}
