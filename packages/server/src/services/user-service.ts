/**
 * @module User service
 *
 * Users of an organization: people and service accounts. Rules:
 * - emails are unique across the deployment (plus-addressing allowed) and stored lower-cased;
 * - a principal manages only users it may manage and gives only roles it holds (core's
 *   `mayManageUser` and `mayAssignRole`: owners everyone, admins admins and members, an operator
 *   only an operator; docs/authorization.md);
 * - the last enabled owner of an organization can be neither disabled, demoted nor deleted,
 *   also when owners change each other at once (their rows are locked on PostgreSQL);
 * - disabling or deleting a user ends its sessions and drops its keys from every cache at once
 *   (deleting also revokes its keys).
 * Every change is audited in its transaction; password hashes never reach the audit trail.
 */
import {
  KeywardError,
  mayAssignRole,
  mayManageUser,
  mayOpenSignIn,
  newId,
  type Role,
  raisesRole,
  type User,
  type UserKind,
} from '@keyward/core';
import {
  type Database,
  deleteUserSessions,
  emailTaken,
  findUser,
  insertUser,
  isUniqueViolation,
  listUsers,
  lockActiveOwners,
  markUserDeleted,
  type Page,
  revokeKeysOfOwner,
  type Store,
  updateUser,
} from '@keyward/storage';
import type { Kysely } from 'kysely';
import { assertStrongPassword, hashPassword, normaliseEmail } from '../auth/passwords.ts';
import type { Principal, RequestContext } from '../auth/principal.ts';
import type { InvalidationBus } from '../verification/invalidation-bus.ts';
import { writeAudit } from './audit-writer.ts';

export interface CreateUserInput {
  email: string;
  name: string;
  kind: UserKind;
  role: Role;
  password?: string | undefined;
}

export interface UpdateUserInput {
  name?: string | undefined;
  role?: Role | undefined;
  enabled?: boolean | undefined;
  password?: string | undefined;
}

export function createUserService(deps: { store: Store; clock: () => number; bus: InvalidationBus }) {
  const { store, clock, bus } = deps;
  const db = store.db;

  async function loadVisibleUser(
    executor: Kysely<Database>,
    principal: Principal,
    id: string,
  ): Promise<User> {
    const user = await findUser(executor, id);
    if (!user || user.orgId !== principal.orgId)
      throw new KeywardError('NOT_FOUND', { message: `No user with id ${id}.` });
    return user;
  }

  function assertMayAssign(principal: Principal, role: Role) {
    if (!mayAssignRole(principal, role)) {
      throw new KeywardError('FORBIDDEN', {
        message: `You cannot make anyone ${role === 'admin' ? 'an admin' : `a ${role}`}.`,
        details: { field: 'role' },
      });
    }
  }

  /** A password, or a disabled user's sign-ins back: only for who holds all a sign-in holds. */
  function assertMayOpenSignIn(principal: Principal, role: Role) {
    if (!mayOpenSignIn(principal, { role })) {
      throw new KeywardError('FORBIDDEN', {
        message:
          principal.platformScopes !== null
            ? 'A key cannot set passwords or enable users: someone who signs in holds every platform scope. Do it signed in.'
            : `You cannot give sign-ins to ${role === 'admin' ? 'an admin' : `a ${role}`}.`,
      });
    }
  }

  function assertMayManage(principal: Principal, user: User) {
    if (!mayManageUser(principal, user)) {
      throw new KeywardError('FORBIDDEN', {
        message: user.isOperator
          ? 'Only an operator may manage an operator.'
          : `You cannot manage this ${user.role}.`,
      });
    }
  }

  /** Refuses a change that would leave `user`'s organization without an enabled owner. */
  async function assertNotLastOwner(executor: Kysely<Database>, user: User) {
    if (user.role !== 'owner' || !user.enabled) return;
    const owners = await lockActiveOwners(executor, user.orgId, {
      lock: store.capabilities.supportsMultipleConnections,
    });
    if (owners.filter((id) => id !== user.id).length === 0) throw new KeywardError('LAST_OWNER');
  }

  return {
    async create(principal: Principal, input: CreateUserInput, context: RequestContext): Promise<User> {
      const email = normaliseEmail(input.email);
      assertMayAssign(principal, input.role);
      if (input.password !== undefined) {
        assertMayOpenSignIn(principal, input.role);
        assertStrongPassword(input.password, { email });
      }
      const now = clock();
      const user: User = {
        id: newId('user'),
        orgId: principal.orgId,
        email,
        name: input.name.trim() || email,
        kind: input.kind,
        role: input.role,
        isOperator: false,
        enabled: true,
        createdAt: now,
        updatedAt: now,
      };
      const passwordHash = input.password === undefined ? null : await hashPassword(input.password);
      try {
        await db.transaction().execute(async (trx) => {
          if (await emailTaken(trx, email))
            throw new KeywardError('EMAIL_TAKEN', { details: { field: 'email' } });
          await insertUser(trx, user, passwordHash);
          await writeAudit(trx, {
            orgId: user.orgId,
            actor: principal.actor,
            at: now,
            context,
            action: 'user.create',
            targetType: 'user',
            targetId: user.id,
            after: user,
          });
        });
      } catch (error) {
        if (isUniqueViolation(error))
          throw new KeywardError('EMAIL_TAKEN', { details: { field: 'email' }, cause: error });
        throw error;
      }
      return user;
    },

    async get(principal: Principal, id: string): Promise<User> {
      return loadVisibleUser(db, principal, id);
    },

    async list(
      principal: Principal,
      filter: {
        kind?: UserKind | undefined;
        search?: string | undefined;
        limit: number;
        cursor?: string | undefined;
      },
    ): Promise<Page<User>> {
      const page = await listUsers(db, { ...filter, orgId: principal.orgId });
      if (page === 'bad-cursor') throw new KeywardError('INVALID_CURSOR');
      return page;
    },

    async update(
      principal: Principal,
      id: string,
      patch: UpdateUserInput,
      context: RequestContext,
    ): Promise<User> {
      /** Who may make this change (docs/authorization.md › "Invariants" 4): checked before and in the transaction. */
      const assertMayChange = (user: User) => {
        assertMayManage(principal, user);
        const role = patch.role ?? user.role;
        if (raisesRole(user.role, role)) assertMayAssign(principal, role);
        if (patch.password !== undefined || (patch.enabled === true && !user.enabled))
          assertMayOpenSignIn(principal, role);
      };
      let passwordHash: string | undefined;
      if (patch.password !== undefined) {
        // The same rules as at creation, the email's name included; checked before the slow hash.
        const target = await loadVisibleUser(db, principal, id);
        assertMayChange(target);
        assertStrongPassword(patch.password, { email: target.email });
        passwordHash = await hashPassword(patch.password);
      }
      const now = clock();
      const result = await db.transaction().execute(async (trx) => {
        const user = await loadVisibleUser(trx, principal, id);
        assertMayChange(user);
        const next: User = {
          ...user,
          name: patch.name?.trim() || user.name,
          role: patch.role ?? user.role,
          enabled: patch.enabled ?? user.enabled,
          updatedAt: now,
        };
        if ((next.role !== 'owner' || !next.enabled) && user.role === 'owner')
          await assertNotLastOwner(trx, user);
        await updateUser(trx, next, passwordHash);
        const action =
          patch.enabled === false && user.enabled
            ? 'user.disable'
            : patch.enabled === true && !user.enabled
              ? 'user.enable'
              : patch.role && patch.role !== user.role
                ? 'user.role_change'
                : 'user.update';
        await writeAudit(trx, {
          orgId: user.orgId,
          actor: principal.actor,
          at: now,
          context,
          action,
          targetType: 'user',
          targetId: user.id,
          before: user,
          after: passwordHash === undefined ? next : { ...next, signInChanged: true },
        });
        // A disabled user, a changed role or a new password ends the user's sessions.
        if (!next.enabled || next.role !== user.role || passwordHash !== undefined)
          await deleteUserSessions(trx, user.id);
        return next;
      });
      await bus.publish({ type: 'owner', userId: id, orgId: result.orgId });
      return result;
    },

    async remove(principal: Principal, id: string, context: RequestContext): Promise<User> {
      const now = clock();
      const { user, revoked } = await db.transaction().execute(async (trx) => {
        const user = await loadVisibleUser(trx, principal, id);
        assertMayManage(principal, user);
        await assertNotLastOwner(trx, user);
        await markUserDeleted(trx, user.id, now);
        await deleteUserSessions(trx, user.id);
        const revoked = await revokeKeysOfOwner(trx, user.id, now);
        await writeAudit(trx, {
          orgId: user.orgId,
          actor: principal.actor,
          at: now,
          context,
          action: 'user.delete',
          targetType: 'user',
          targetId: user.id,
          before: user,
          after: { deleted: true, revokedKeys: revoked },
        });
        for (const keyId of revoked) {
          await writeAudit(trx, {
            orgId: user.orgId,
            actor: principal.actor,
            at: now,
            context,
            action: 'key.revoke',
            targetType: 'key',
            targetId: keyId,
            after: { reason: 'owner deleted' },
          });
        }
        return { user, revoked };
      });
      await bus.publish({ type: 'owner', userId: id, orgId: user.orgId });
      for (const keyId of revoked) await bus.publish({ type: 'key', keyId, orgId: user.orgId });
      return { ...user, enabled: false };
    },
  };
}

export type UserService = ReturnType<typeof createUserService>;
