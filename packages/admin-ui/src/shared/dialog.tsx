/**
 * @module Dialog
 *
 * A modal built on the native `<dialog>` element (`showModal()` makes the page behind it
 * inert). On top of that it keeps Tab and Shift+Tab inside the dialog, closes on Escape,
 * focuses the element marked `data-autofocus` (or the first field) when it opens, and gives
 * focus back to whatever had it before when it closes. Mount it to open it, unmount to close.
 */
import { type KeyboardEvent, type ReactNode, type SyntheticEvent, useEffect, useId, useRef } from 'react';

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** Props of {@link Dialog}. */
export interface DialogProps {
  title: string;
  /** Called on Escape, on the close button, and by the caller's own buttons. */
  onClose: () => void;
  children: ReactNode;
  /** Extra class, e.g. `dialog--wide`. */
  className?: string;
  /** Whether Escape and the × button may close it (false while a request runs). */
  isDismissable?: boolean;
}

function focusables(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
    (el) => el.offsetParent !== null || el === document.activeElement,
  );
}

/** A keyboard-operable modal dialog with a title and a close button. */
export function Dialog({ title, onClose, children, className, isDismissable = true }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    const first =
      dialog.querySelector<HTMLElement>('[data-autofocus]') ??
      focusables(dialog).find((el) => !el.classList.contains('dialog__close')) ??
      dialog;
    first.focus();
    return () => {
      if (dialog.open) dialog.close();
      // Give focus back to the control that opened the dialog, if it is still on the page.
      if (previous?.isConnected) previous.focus();
    };
  }, []);

  const handleCancel = (event: SyntheticEvent<HTMLDialogElement>) => {
    // Escape: the browser would close the element itself; let React state decide instead.
    event.preventDefault();
    if (isDismissable) onCloseRef.current();
  };

  const handleKeyDown = (event: KeyboardEvent<HTMLDialogElement>) => {
    if (event.key !== 'Tab' || !ref.current) return;
    const items = focusables(ref.current);
    const first = items[0];
    const last = items[items.length - 1];
    if (!first || !last) return;
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  };

  return (
    <dialog
      ref={ref}
      className={['dialog', className].filter(Boolean).join(' ')}
      aria-labelledby={titleId}
      onCancel={handleCancel}
      onKeyDown={handleKeyDown}
      tabIndex={-1}
    >
      <div className="dialog__header">
        <h2 id={titleId} className="dialog__title">
          {title}
        </h2>
        <button
          type="button"
          className="dialog__close"
          aria-label="Close"
          onClick={() => onCloseRef.current()}
          disabled={!isDismissable}
        >
          ×
        </button>
      </div>
      <div className="dialog__body">{children}</div>
    </dialog>
  );
}
