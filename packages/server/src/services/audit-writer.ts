import { type Actor, newSortableId } from '@keyward/core';
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
const KEY_STRING = /^[a-z][a-z0-9]{0,15}_[a-z][a-z0-9-]{0,31}_[0-9a-z]{12}_[0-9A-Za-z]{39}$/;

/**
 * Defence in depth: whatever a caller passes as before/after, fields that could hold a
 * credential are replaced and full key strings are masked, so the trail can be shared freely.
 */
export function redactForAudit(value: unknown): unknown {
  if (typeof value === 'string') return KEY_STRING.test(value) ? '[REDACTED]' : value;
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
