import type { EnvironmentRegistry } from '@keyward/core';
import { listEnvironments, type Store } from '@keyward/storage';

/** The environments known to the verifier, held in memory and refreshed on change. */
export interface RefreshableEnvironmentRegistry extends EnvironmentRegistry {
  refresh(): Promise<void>;
  has(slug: string): boolean;
}

/** Loads the environments once; call `refresh()` after an operator changes them. */
export async function loadEnvironmentRegistry(store: Store): Promise<RefreshableEnvironmentRegistry> {
  let slugs: string[] = [];
  let production = 'live';
  const refresh = async () => {
    const environments = await listEnvironments(store.db);
    slugs = environments.map((e) => e.slug);
    production = environments.find((e) => e.isProduction)?.slug ?? slugs[0] ?? 'live';
  };
  await refresh();
  return {
    productionSlug: () => production,
    slugs: () => slugs,
    has: (slug) => slugs.includes(slug),
    refresh,
  };
}
