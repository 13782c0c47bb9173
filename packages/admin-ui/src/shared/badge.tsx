import type { ReactNode } from 'react';

/** Colour of a {@link Badge}; each also differs in text, never in colour alone. */
export type BadgeTone = 'good' | 'warn' | 'bad' | 'neutral' | 'info';

/** A short status label. */
export function Badge({ tone, children }: { tone: BadgeTone; children: ReactNode }) {
  return <span className={`badge badge--${tone}`}>{children}</span>;
}
