/**
 * @module App services
 *
 * The services and the verification machinery of one node, as route plugins receive them
 * ({@link AppContext}), built over the store and the adapters.
 */
import { join } from 'node:path';
import { createSecretHasher, KeywardError, type Pepper } from '@keyward/core';
import { findOrg, listOrgs, type Store } from '@keyward/storage';
import type { Logger } from 'pino';
import { createAuthenticator } from '../auth/authenticator.ts';
import { systemPrincipal } from '../auth/principal.ts';
import { createSessionResolver } from '../auth/sessions.ts';
import { userPrincipal } from '../auth/user-principal.ts';
import type { KeywardConfig } from '../config/keyward-config.ts';
import { createDatabaseQuotaLedger } from '../limits/database-quota-ledger.ts';
import { createFailureGuard } from '../limits/failure-guard.ts';
import { createKeyService } from '../services/key-service.ts';
import { createLoginService, type LoginService } from '../services/login-service.ts';
import { createUserService } from '../services/user-service.ts';
import { createVerifyService } from '../services/verify-service.ts';
import { createVerification } from '../verification/create-verification.ts';
import type { AppAdapters } from './app-adapters.ts';
import type { AppContext } from './app-context.ts';
import type { AppMetrics } from './metrics.ts';

/** Builds the node's services; `close()` of the verification stops its background work. */
export async function createServices(deps: {
  config: KeywardConfig;
  store: Store;
  peppers: readonly Pepper[];
  clock: () => number;
  logger: Logger;
  adapters: AppAdapters;
  metrics: AppMetrics;
  localToken: string | undefined;
}): Promise<{ context: AppContext; login: LoginService }> {
  const { config, store, clock, logger, adapters } = deps;
  const hasher = createSecretHasher({ peppers: deps.peppers });
  const verification = await createVerification({
    store,
    hasher,
    bus: adapters.bus,
    keyPrefix: config.keyPrefix,
    clock,
    observer: deps.metrics.verifications,
    rateLimiter: adapters.rateLimiter,
    quota: createDatabaseQuotaLedger(store),
    spoolDir: join(config.dataDir, 'usage-spool'),
    onBackgroundError: (error) => logger.error({ err: error }, 'usage flush failed'),
  });
  const failureGuard = createFailureGuard();
  const auth = createAuthenticator({
    verifier: verification.verifier,
    clock,
    allowQueryKey: config.allowQueryKey,
    localToken: deps.localToken,
    resolveLocal: async (orgHeader) => {
      const org = orgHeader ? await findOrg(store.db, orgHeader) : undefined;
      if (org) return systemPrincipal(org.id);
      const orgs = await listOrgs(store.db);
      if (!orgHeader && orgs.length === 1 && orgs[0]) return systemPrincipal(orgs[0].id);
      throw new KeywardError('NOT_FOUND', {
        message: orgHeader
          ? `No organization ${orgHeader}.`
          : 'Several organizations exist: name one with --org.',
      });
    },
  });
  const login = createLoginService({ store, clock });
  auth.useSessions(createSessionResolver({ store, clock }));
  auth.usePasswords(async (email, password, context) =>
    userPrincipal(await login.check(email, password, { ...context, via: 'basic' })),
  );
  const context: AppContext = {
    config,
    store,
    hasher,
    clock,
    bus: adapters.bus,
    auth,
    keys: createKeyService({ store, hasher, keyPrefix: config.keyPrefix, clock, bus: adapters.bus }),
    users: createUserService({ store, clock, bus: adapters.bus }),
    verification,
    verify: createVerifyService({ verifier: verification.verifier, failureGuard, clock }),
  };
  return { context, login };
}
