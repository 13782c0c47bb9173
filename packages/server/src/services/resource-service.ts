import { KeywardError, type Resource } from '@keyward/core';
import { findResource, type Store, upsertResource } from '@keyward/storage';
import type { Principal, RequestContext } from '../auth/principal.ts';
import { writeAudit } from './audit-writer.ts';

/**
 * Registers or changes a resource of the caller's organization, with its audit event. A
 * principal limited to some resources (a key) changes only those, and registers no others.
 */
export async function putResource(
  deps: { store: Store; clock: () => number },
  principal: Principal,
  input: { id: string; name: string; exposed: boolean },
  context: RequestContext,
): Promise<Resource> {
  if (principal.resources !== null && !principal.resources.has(input.id)) {
    throw new KeywardError('FORBIDDEN', {
      message: `You are limited to resources, and "${input.id}" is not one of them.`,
      details: { field: 'id' },
    });
  }
  const now = deps.clock();
  return deps.store.db.transaction().execute(async (trx) => {
    const before = await findResource(trx, principal.orgId, input.id);
    const resource: Resource = {
      orgId: principal.orgId,
      id: input.id,
      name: input.name,
      exposed: input.exposed,
      createdAt: before?.createdAt ?? now,
      updatedAt: now,
    };
    await upsertResource(trx, resource);
    await writeAudit(trx, {
      orgId: principal.orgId,
      actor: principal.actor,
      at: now,
      context,
      action: before ? 'resource.update' : 'resource.create',
      targetType: 'resource',
      targetId: input.id,
      before: before ?? null,
      after: resource,
    });
    return resource;
  });
}
