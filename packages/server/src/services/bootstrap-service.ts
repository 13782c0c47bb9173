/**
 * @module Bootstrap
 *
 * First run: creates the first organization, its owner (an operator of the deployment) and an
 * admin key holding every scope of the catalogue — the platform's, Keyward's and the operator's —
 * all in one transaction. Refuses once any user exists. A key makes keys only within its own
 * scopes and environment (docs/authorization.md), so the first key holds every scope there is;
 * keys for another environment are made by a signed-in admin, or by an admin key of that
 * environment.
 */
import { KeywardError, newId, type Org, type User } from '@keyward/core';
import {
  countUsers,
  insertOrg,
  insertUser,
  isUniqueViolation,
  listScopes,
  type Store,
} from '@keyward/storage';
import { assertStrongPassword, hashPassword, normaliseEmail } from '../auth/passwords.ts';
import type { RequestContext } from '../auth/principal.ts';
import { userPrincipal } from '../auth/user-principal.ts';
import { writeAudit } from './audit-writer.ts';
import type { KeyService } from './key-service.ts';

export interface BootstrapInput {
  orgName: string;
  email: string;
  name?: string | undefined;
  password: string;
}

export interface BootstrapResult {
  org: Org;
  user: User;
  /** The admin key, shown once; absent when set up through the UI (which signs in instead). */
  apiKey: string;
  keyId: string;
}

export async function bootstrap(
  deps: { store: Store; keys: KeyService; clock: () => number },
  input: BootstrapInput,
  context: RequestContext,
  options: { issueKey?: boolean } = {},
): Promise<BootstrapResult> {
  const email = normaliseEmail(input.email);
  const orgName = input.orgName.trim();
  if (orgName.length === 0 || orgName.length > 200) {
    throw new KeywardError('VALIDATION_FAILED', {
      message: 'The organization name must be 1-200 characters.',
      details: { field: 'orgName' },
    });
  }
  assertStrongPassword(input.password, { email });
  if ((await countUsers(deps.store.db)) > 0) throw new KeywardError('ALREADY_BOOTSTRAPPED');

  const now = deps.clock();
  const passwordHash = await hashPassword(input.password);
  const org: Org = { id: newId('org'), name: orgName, createdAt: now };
  const user: User = {
    id: newId('user'),
    orgId: org.id,
    email,
    name: input.name?.trim() || email.split('@')[0] || email,
    kind: 'person',
    role: 'owner',
    isOperator: true,
    enabled: true,
    createdAt: now,
    updatedAt: now,
  };
  const actor = { type: 'user' as const, id: user.id, name: user.email };
  try {
    return await deps.store.db.transaction().execute(async (trx) => {
      // Checked again inside the transaction: two concurrent bootstraps cannot both win.
      if ((await countUsers(trx)) > 0) throw new KeywardError('ALREADY_BOOTSTRAPPED');
      await insertOrg(trx, org);
      await insertUser(trx, user, passwordHash);
      await writeAudit(trx, {
        orgId: org.id,
        actor,
        at: now,
        context,
        action: 'org.create',
        targetType: 'org',
        targetId: org.id,
        after: org,
      });
      await writeAudit(trx, {
        orgId: org.id,
        actor,
        at: now,
        context,
        action: 'user.create',
        targetType: 'user',
        targetId: user.id,
        after: user,
      });
      // The UI signs its owner in instead: a key nobody was shown would only be a liability.
      if (options.issueKey === false) return { org, user, apiKey: '', keyId: '' };
      const issued = await deps.keys.create(
        userPrincipal(user),
        { name: 'Bootstrap admin key', scopes: (await listScopes(trx)).map((scope) => scope.name) },
        context,
        { trx },
      );
      return { org, user, apiKey: issued.token, keyId: issued.key.id };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new KeywardError('ALREADY_BOOTSTRAPPED', { cause: error });
    throw error;
  }
}
