import type { KeyStatus } from '../shared/api-types.ts';
import { Badge, type BadgeTone } from '../shared/badge.tsx';

const LOOK: Record<KeyStatus, { tone: BadgeTone; label: string }> = {
  active: { tone: 'good', label: 'Active' },
  disabled: { tone: 'warn', label: 'Disabled' },
  expired: { tone: 'neutral', label: 'Expired' },
  revoked: { tone: 'bad', label: 'Revoked' },
  owner_disabled: { tone: 'warn', label: 'Owner disabled' },
};

/** A key's status as a coloured, labelled badge. */
export function KeyStatusBadge({ status }: { status: KeyStatus }) {
  const look = LOOK[status] ?? { tone: 'neutral', label: status };
  return <Badge tone={look.tone}>{look.label}</Badge>;
}

/** The statuses a key list can be filtered by, in display order (the API filters on these four). */
export const KEY_STATUSES: { value: KeyStatus; label: string }[] = (
  ['active', 'disabled', 'expired', 'revoked'] as const
).map((value) => ({ value, label: LOOK[value].label }));
