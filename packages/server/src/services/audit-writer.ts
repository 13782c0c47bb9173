import { type Actor, maskKeys, newSortableId } from '@keyward/core';
import { type Database, insertAuditEvent } from '@keyward/storage';
import type { Kysely } from 'kysely';
import type { RequestContext } from '../auth/principal.ts';

/** What changed, for one audit event. `before`/`after` must already be free of secrets. */
export interface AuditChange {
  orgId: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  before?: unknown;
  after?: unknown;
}

const SECRET_FIELD = /pass(word)?|secret|digest|token|hash|cookie|pepper/i;

/**
 * Defence in depth: whatever a caller passes as before/after, fields that could hold a
 * credential are replaced, and the secret of any key found in any text (a name or a metadata
 * note a key was pasted into) is masked, so the trail can be shared freely.
 */
export function redactForAudit(value: unknown): unknown {
  if (typeof value === 'string') return maskKeys(value);
  if (Array.isArray(value)) return value.map(redactForAudit);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([field, child]) => [
        field,
        SECRET_FIELD.test(field) ? '[REDACTED]' : redactForAudit(child),
      ]),
    );
  }
  return value;
}

/**
 * Appends an audit event inside the caller's transaction, so the change and its event are
 * stored together or not at all.
 */
export async function writeAudit(
  trx: Kysely<Database>,
  event: AuditChange & { actor: Actor; at: number; context: RequestContext },
): Promise<void> {
  await insertAuditEvent(trx, {
    id: newSortableId('audit', event.at),
    orgId: event.orgId,
    at: event.at,
    actor: event.actor,
    action: event.action,
    targetType: event.targetType,
    targetId: event.targetId,
    before: redactForAudit(event.before ?? null),
    after: redactForAudit(event.after ?? null),
    ip: event.context.ip,
    userAgent: event.context.userAgent,
    requestId: event.context.requestId,
  });
}
