/**
 * @module Key service
 *
 * Every operation on API keys, used by the HTTP routes and the CLI alike. Each change runs in
 * one transaction with its audit event, then announces an invalidation so caches drop the key.
 * The full key string leaves this module only in the result of `create` and `regenerate`.
 *
 * Rights (docs/authorization.md): a principal makes, changes, re-enables or regenerates only a
 * key it could have made itself — never wider than its own rights in any dimension, owned by a
 * user it may manage, with Keyward scopes its accountable user may use. Disabling and revoking
 * only narrow, so seeing the key is enough for them.
 */
import {
  type ApiKey,
  formatKey,
  generateKeyId,
  generateSecret,
  grantExcess,
  inheritedLimits,
  isValidCidr,
  type KeyGrant,
  type KeySecret,
  KeywardError,
  mayManageUser,
  newId,
  publicKeyId,
  type QuotaPolicy,
  type RateLimitPolicy,
  SECRET_SLOTS,
  type SecretHasher,
  type SecretSlot,
  scopeBeyondAccountable,
  userRights,
} from '@keyward/core';
import {
  type Database,
  findKey,
  findResource,
  findUser,
  insertKey,
  insertSecret,
  type KeyStatusFilter,
  listEnvironments,
  listKeys,
  listLiveSecrets,
  listScopes,
  type Page,
  retireSlot,
  type Store,
  updateKey,
} from '@keyward/storage';
import type { Kysely } from 'kysely';

import type { Principal, RequestContext } from '../auth/principal.ts';
import type { InvalidationBus } from '../verification/invalidation-bus.ts';
import { writeAudit } from './audit-writer.ts';

/** Fields a caller may set on a new key. */
export interface CreateKeyInput {
  name: string;
  environment?: string | undefined;
  scopes: string[];
  resources?: string[] | null | undefined;
  expiresAt?: number | null | undefined;
  ownerId?: string | null | undefined;
  metadata?: Record<string, unknown> | undefined;
  rateLimit?: RateLimitPolicy | null | undefined;
  quota?: QuotaPolicy | null | undefined;
  ipAllowlist?: string[] | null | undefined;
}

/** Fields a caller may change; absent fields stay as they are. */
export type UpdateKeyInput = Partial<Omit<CreateKeyInput, 'environment' | 'ownerId'>> & {
  enabled?: boolean | undefined;
};

/** A key with its live secrets (digests never leave the service: routes render hints only). */
export interface KeyWithSecrets {
  key: ApiKey;
  secrets: KeySecret[];
}

/** A key and its full key string, shown once. */
export interface IssuedKey extends KeyWithSecrets {
  token: string;
}

/** Dependencies of {@link createKeyService}. */
export interface KeyServiceDeps {
  store: Store;
  hasher: SecretHasher;
  keyPrefix: string;
  clock: () => number;
  bus: InvalidationBus;
}

/** The audit view of a key: every field but secrets (which the key object never holds). */
function auditView(key: ApiKey): Record<string, unknown> {
  return { ...key };
}

/** A key's grant: the dimensions in which it may be no wider than its maker. */
function grantOf(key: ApiKey): KeyGrant {
  return {
    scopes: key.scopes,
    resources: key.resources,
    environment: key.environment,
    ipAllowlist: key.ipAllowlist,
    expiresAt: key.expiresAt,
    rateLimit: key.rateLimit,
    quota: key.quota,
  };
}

/** Creates, reads, changes, rotates and revokes keys. */
export function createKeyService(deps: KeyServiceDeps) {
  const { store, hasher, keyPrefix, clock, bus } = deps;
  const db = store.db;

  /** Loads a key of the caller's org that the caller may see; 404 otherwise (no cross-org oracle). */
  async function loadVisibleKey(
    executor: Kysely<Database>,
    principal: Principal,
    id: string,
  ): Promise<ApiKey> {
    const key = await findKey(executor, id);
    if (
      !key ||
      key.orgId !== principal.orgId ||
      (principal.ownKeysOnly && key.ownerId !== principal.userId)
    ) {
      throw new KeywardError('NOT_FOUND', { message: `No key with id ${id}.` });
    }
    return key;
  }

  /**
   * A new secret for a slot: the full key string (returned to the caller once) and the row to
   * store. The row's hint is the key's last four characters (part of the checksum), enough to
   * tell keys apart without revealing any of the secret.
   */
  function issueSecret(key: ApiKey, slot: SecretSlot, now: number): { token: string; row: KeySecret } {
    const secret = generateSecret();
    const token = formatKey({
      prefix: keyPrefix,
      environment: key.environment,
      keyId: publicKeyId(key.id),
      secret,
    });
    const { digest, pepperVersion } = hasher.hash(secret);
    return {
      token,
      row: {
        id: newId('secret'),
        keyId: key.id,
        slot,
        digest,
        pepperVersion,
        hint: token.slice(-4),
        createdAt: now,
        expiresAt: null,
      },
    };
  }

  /** Checks that what a caller names exists: scopes in the catalogue, exposed resources, valid ranges. */
  async function validateInput(
    executor: Kysely<Database>,
    principal: Principal,
    input: {
      scopes?: readonly string[] | undefined;
      resources?: readonly string[] | null | undefined;
      expiresAt?: number | null | undefined;
      ipAllowlist?: readonly string[] | null | undefined;
    },
    now: number,
  ): Promise<void> {
    if (input.scopes) {
      const catalogue = new Set((await listScopes(executor)).map((s) => s.name));
      for (const scope of input.scopes) {
        if (!catalogue.has(scope)) {
          throw new KeywardError('UNKNOWN_SCOPE', {
            message: `Unknown scope "${scope}".`,
            details: { field: 'scopes', scope },
          });
        }
      }
    }
    if (input.resources) {
      for (const resourceId of input.resources) {
        const resource = await findResource(executor, principal.orgId, resourceId);
        if (!resource?.exposed) {
          throw new KeywardError('UNKNOWN_RESOURCE', {
            message: `Resource "${resourceId}" does not exist or is not exposed.`,
            details: { field: 'resources', resource: resourceId },
          });
        }
      }
    }
    if (input.expiresAt !== undefined && input.expiresAt !== null && input.expiresAt <= now) {
      throw new KeywardError('EXPIRY_IN_PAST', { details: { field: 'expiresAt' } });
    }
    for (const cidr of input.ipAllowlist ?? []) {
      if (!isValidCidr(cidr)) {
        throw new KeywardError('VALIDATION_FAILED', {
          message: `"${cidr}" is not an IP address or CIDR range.`,
          details: { field: 'ipAllowlist' },
        });
      }
    }
  }

  /**
   * The principal with its quota as it stands in the database: a cached key's quota is what it
   * had when it was loaded, and a key makes no key with more than it has left.
   */
  async function withCurrentQuota(executor: Kysely<Database>, principal: Principal): Promise<Principal> {
    if (principal.kind !== 'key' || principal.quota === null || principal.actor.id === null) return principal;
    const own = await findKey(executor, principal.actor.id);
    return own ? { ...principal, quota: own.quota } : principal;
  }

  /**
   * Refuses unless `principal` could make `key` itself: it may manage the user the key is
   * accountable to, and the key's grant lies within its own rights (docs/authorization.md ›
   * "Invariants" 2 and 4). With `scopesChanged`, the key's Keyward scopes must first fit what
   * that user may use now (invariant 5): a grant that would exist only on paper is a bad
   * request, whoever asks for it.
   */
  async function assertMayGrant(
    executor: Kysely<Database>,
    principal: Principal,
    key: ApiKey,
    options: { scopesChanged: boolean },
  ): Promise<void> {
    const maker = await withCurrentQuota(executor, principal);
    const accountable =
      key.accountableUserId === null ? null : await findUser(executor, key.accountableUserId);
    if (accountable && !mayManageUser(principal, accountable)) {
      throw new KeywardError('FORBIDDEN', {
        message: `You cannot manage the keys of this ${accountable.isOperator ? 'operator' : accountable.role}.`,
        details: { field: key.ownerId === null ? 'accountableUserId' : 'ownerId' },
      });
    }
    if (options.scopesChanged) {
      const beyond = scopeBeyondAccountable(accountable ? userRights(accountable) : null, key.scopes);
      if (beyond !== null) {
        throw new KeywardError('SCOPE_EXCEEDS_OWNER', {
          message: accountable
            ? `The key's ${key.ownerId === null ? 'accountable user' : 'owner'} (${accountable.role}${accountable.enabled ? '' : ', disabled'}) cannot use "${beyond}".`
            : `"${beyond}" guards Keyward's own API: a key holding it needs an owner.`,
          details: { field: 'scopes', scope: beyond },
        });
      }
    }
    const excess = grantExcess(maker, grantOf(key));
    if (excess) {
      throw new KeywardError('GRANT_EXCEEDS_CALLER', {
        message: excess.message,
        details: { field: excess.field, ...(excess.value === undefined ? {} : { value: excess.value }) },
      });
    }
  }

  async function withSecrets(executor: Kysely<Database>, key: ApiKey, now: number): Promise<KeyWithSecrets> {
    return { key, secrets: await listLiveSecrets(executor, key.id, now) };
  }

  return {
    /**
     * Creates a key and returns its full string once. With `options.trx` the key is written in
     * the caller's transaction (bootstrap creates an org, its owner and a key atomically).
     */
    async create(
      principal: Principal,
      input: CreateKeyInput,
      context: RequestContext,
      options: { trx?: Kysely<Database> } = {},
    ): Promise<IssuedKey> {
      const now = clock();
      const executor = options.trx ?? db;
      // A key that names no limit of its own takes its maker's: a key made by a key stays
      // within the maker's resources, environment, addresses, lifetime, rate and quota.
      const limits = inheritedLimits(await withCurrentQuota(executor, principal), input);
      const environments = await listEnvironments(executor);
      const environment = limits.environment ?? environments.find((e) => e.isProduction)?.slug ?? 'live';
      if (!environments.some((e) => e.slug === environment)) {
        throw new KeywardError('UNKNOWN_ENVIRONMENT', {
          message: `Unknown environment "${environment}".`,
          details: { field: 'environment' },
        });
      }
      const ownerId = input.ownerId === undefined ? principal.userId : input.ownerId;
      if (ownerId !== null) {
        const owner = await findUser(executor, ownerId);
        if (!owner || owner.orgId !== principal.orgId) {
          throw new KeywardError('VALIDATION_FAILED', {
            message: `No user with id ${ownerId} in this organization.`,
            details: { field: 'ownerId' },
          });
        }
      }
      await validateInput(executor, principal, { ...input, ...limits }, now);

      const publicId = generateKeyId();
      const key: ApiKey = {
        id: newId('key', publicId),
        orgId: principal.orgId,
        name: input.name,
        ownerId,
        // Accountable: the owner, else whoever is accountable for the maker.
        accountableUserId: ownerId ?? principal.userId,
        createdBy: principal.actor,
        environment,
        scopes: [...new Set(input.scopes)],
        resources: limits.resources ? [...new Set(limits.resources)] : null,
        enabled: true,
        revokedAt: null,
        expiresAt: limits.expiresAt ?? null,
        metadata: input.metadata ?? {},
        rateLimit: limits.rateLimit ?? null,
        quota: limits.quota ?? null,
        ipAllowlist: limits.ipAllowlist ? [...limits.ipAllowlist] : null,
        createdAt: now,
        updatedAt: now,
        lastUsedAt: null,
      };
      await assertMayGrant(executor, principal, key, { scopesChanged: true });
      const primary = issueSecret(key, 'primary', now);
      const secondary = issueSecret(key, 'secondary', now);
      const write = async (trx: Kysely<Database>) => {
        await insertKey(trx, key);
        await insertSecret(trx, primary.row);
        await insertSecret(trx, secondary.row);
        await writeAudit(trx, {
          orgId: key.orgId,
          actor: principal.actor,
          at: now,
          context,
          action: 'key.create',
          targetType: 'key',
          targetId: key.id,
          after: auditView(key),
        });
      };
      await (options.trx ? write(options.trx) : db.transaction().execute(write));
      // Every node forgets it had looked this id up and found nothing (the key caches remember
      // unknown ids). Within a caller's transaction (bootstrap) there is nothing to forget yet:
      // nobody can have asked for an id that did not exist a moment ago but by guessing 62 bits.
      if (!options.trx) await bus.publish({ type: 'key', keyId: key.id, orgId: key.orgId });
      return { key, secrets: [primary.row, secondary.row], token: primary.token };
    },

    async get(principal: Principal, id: string): Promise<KeyWithSecrets> {
      return withSecrets(db, await loadVisibleKey(db, principal, id), clock());
    },

    async list(
      principal: Principal,
      filter: {
        ownerId?: string | undefined;
        environment?: string | undefined;
        status?: KeyStatusFilter | undefined;
        search?: string | undefined;
        limit: number;
        cursor?: string | undefined;
      },
    ): Promise<Page<ApiKey>> {
      const page = await listKeys(db, {
        ...filter,
        orgId: principal.orgId,
        ownerId: principal.ownKeysOnly ? (principal.userId ?? '') : filter.ownerId,
        now: clock(),
      });
      if (page === 'bad-cursor') throw new KeywardError('INVALID_CURSOR');
      return page;
    },

    async update(
      principal: Principal,
      id: string,
      patch: UpdateKeyInput,
      context: RequestContext,
    ): Promise<KeyWithSecrets> {
      return change(principal, id, context, 'key.update', async (trx, key, now) => {
        await validateInput(trx, principal, patch, now);
        const next: ApiKey = {
          ...key,
          name: patch.name ?? key.name,
          scopes: patch.scopes ? [...new Set(patch.scopes)] : key.scopes,
          resources:
            patch.resources === undefined ? key.resources : patch.resources && [...new Set(patch.resources)],
          expiresAt: patch.expiresAt === undefined ? key.expiresAt : patch.expiresAt,
          metadata: patch.metadata ?? key.metadata,
          rateLimit: patch.rateLimit === undefined ? key.rateLimit : patch.rateLimit,
          quota: patch.quota === undefined ? key.quota : patch.quota,
          ipAllowlist: patch.ipAllowlist === undefined ? key.ipAllowlist : patch.ipAllowlist,
          enabled: patch.enabled ?? key.enabled,
          updatedAt: now,
        };
        // A change is a grant like any other: the key as it will be must be one the caller
        // could make. So no key widens itself, nor a wider key than the caller.
        await assertMayGrant(trx, principal, next, { scopesChanged: patch.scopes !== undefined });
        await updateKey(trx, next, { withQuota: patch.quota !== undefined });
        return next;
      });
    },

    async setEnabled(
      principal: Principal,
      id: string,
      enabled: boolean,
      context: RequestContext,
    ): Promise<KeyWithSecrets> {
      return change(principal, id, context, enabled ? 'key.enable' : 'key.disable', async (trx, key, now) => {
        // Re-enabling restores the key's grant; disabling only narrows.
        if (enabled && !key.enabled) await assertMayGrant(trx, principal, key, { scopesChanged: false });
        const next = { ...key, enabled, updatedAt: now };
        await updateKey(trx, next, { withQuota: false });
        return next;
      });
    },

    async revoke(principal: Principal, id: string, context: RequestContext): Promise<KeyWithSecrets> {
      return change(principal, id, context, 'key.revoke', async (trx, key, now) => {
        const next = { ...key, revokedAt: now, updatedAt: now };
        await updateKey(trx, next, { withQuota: false });
        return next;
      });
    },

    async regenerate(
      principal: Principal,
      id: string,
      options: { slot: SecretSlot; graceSeconds?: number | undefined },
      context: RequestContext,
    ): Promise<IssuedKey> {
      if (!SECRET_SLOTS.includes(options.slot))
        throw new KeywardError('VALIDATION_FAILED', { details: { field: 'slot' } });
      let token = '';
      const result = await change(
        principal,
        id,
        context,
        'key.regenerate',
        async (trx, key, now) => {
          // A new secret hands the caller the key itself.
          await assertMayGrant(trx, principal, key, { scopesChanged: false });
          const grace = options.graceSeconds ?? 0;
          await retireSlot(trx, {
            keyId: key.id,
            slot: options.slot,
            expiresAt: grace > 0 ? now + grace * 1000 : null,
            now,
          });
          const issued = issueSecret(key, options.slot, now);
          await insertSecret(trx, issued.row);
          token = issued.token;
          const next = { ...key, updatedAt: now };
          await updateKey(trx, next, { withQuota: false });
          return next;
        },
        { slot: options.slot, graceSeconds: options.graceSeconds ?? 0 },
      );
      return { ...result, token };
    },
  };

  /**
   * Runs one change of one key in a transaction with its audit event, then invalidates caches.
   * Revoked keys cannot be changed.
   */
  async function change(
    principal: Principal,
    id: string,
    context: RequestContext,
    action: string,
    apply: (trx: Kysely<Database>, key: ApiKey, now: number) => Promise<ApiKey>,
    extra?: Record<string, unknown>,
  ): Promise<KeyWithSecrets> {
    const now = clock();
    const result = await db.transaction().execute(async (trx) => {
      const key = await loadVisibleKey(trx, principal, id);
      if (key.revokedAt !== null) throw new KeywardError('KEY_REVOKED');
      const next = await apply(trx, key, now);
      await writeAudit(trx, {
        orgId: key.orgId,
        actor: principal.actor,
        at: now,
        context,
        action,
        targetType: 'key',
        targetId: key.id,
        before: auditView(key),
        after: extra ? { ...auditView(next), ...extra } : auditView(next),
      });
      return withSecrets(trx, next, now);
    });
    await bus.publish({ type: 'key', keyId: id, orgId: result.key.orgId });
    return result;
  }
}

/** The key service's interface. */
export type KeyService = ReturnType<typeof createKeyService>;
