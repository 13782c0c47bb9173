import { useEffect, useState } from 'react';

/**
 * Copies `text` to the clipboard. The async Clipboard API needs a secure context (HTTPS or
 * localhost); elsewhere we fall back to selecting a hidden textarea and `execCommand('copy')`.
 */
async function copyText(text: string): Promise<void> {
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(text);
    return;
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.append(area);
  area.select();
  const isCopied = document.execCommand('copy');
  area.remove();
  if (!isCopied) throw new Error('copy refused');
}

/** Props of {@link CopyButton}. */
export interface CopyButtonProps {
  text: string;
  /** Accessible name, e.g. "Copy API key". */
  label: string;
  /** Visible text; defaults to "Copy". */
  children?: string;
  className?: string;
  /** Whether a surrounding dialog focuses this button when it opens. */
  isInitialFocus?: boolean;
}

/** A button that copies `text` and says so ("Copied") for a few seconds. */
export function CopyButton({
  text,
  label,
  children = 'Copy',
  className,
  isInitialFocus = false,
}: CopyButtonProps) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');

  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), 4000);
    return () => clearTimeout(timer);
  }, [state]);

  const copy = () => {
    copyText(text).then(
      () => setState('copied'),
      () => setState('failed'),
    );
  };

  return (
    <span className="copy">
      <button
        type="button"
        className={className ?? 'button'}
        aria-label={label}
        onClick={copy}
        data-autofocus={isInitialFocus || undefined}
      >
        <svg className="icon" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">
          <rect
            x="5"
            y="5"
            width="9"
            height="9"
            rx="1.5"
            fill="none"
            stroke="currentColor"
            strokeWidth="1.5"
          />
          <path
            d="M11 3.5V3a1 1 0 0 0-1-1H3a1 1 0 0 0-1 1v7a1 1 0 0 0 1 1h.5"
            fill="none"
            stroke="currentColor"
            strokeWidth="1.5"
          />
        </svg>
        {state === 'copied' ? 'Copied' : children}
      </button>
      <span className="copy__status" role="status" aria-live="polite">
        {state === 'copied' && 'Copied to the clipboard.'}
        {state === 'failed' && 'Could not copy: select the text and copy it by hand.'}
      </span>
    </span>
  );
}
