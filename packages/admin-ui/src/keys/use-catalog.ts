import { type ApiError, api, toApiError } from '../shared/api-client.ts';
import type { Environment, Resource, Scope } from '../shared/api-types.ts';
import { useAsync } from '../shared/use-async.ts';

/** What a key can be made of: environments, the scope catalogue and the exposed resources. */
export interface Catalog {
  environments: Environment[];
  scopes: Scope[];
  /** Only exposed resources: the others cannot be granted to a key. */
  resources: Resource[];
  /** Why resources could not be listed (e.g. missing `resources:read`); the rest still works. */
  resourcesError: ApiError | undefined;
}

async function loadCatalog(signal: AbortSignal): Promise<Catalog> {
  const [environments, scopes, resources] = await Promise.all([
    api.catalog.environments(signal),
    api.catalog.scopes(signal),
    api.catalog.resources(signal).then(
      (page) => ({ items: page.items, error: undefined }),
      (error: unknown) => ({ items: [] as Resource[], error: toApiError(error) }),
    ),
  ]);
  return {
    environments: environments.items,
    scopes: scopes.items,
    resources: resources.items.filter((resource) => resource.exposed),
    resourcesError: resources.error,
  };
}

/** Loads the {@link Catalog} for the key forms and filters. */
export function useCatalog() {
  return useAsync('catalog', loadCatalog);
}

/** Scopes grouped by module, in catalogue order: `[{ module, title, scopes }]`. */
export function groupByModule(
  scopes: readonly Scope[],
): { module: string; title: string; scopes: Scope[] }[] {
  const groups = new Map<string, { module: string; title: string; scopes: Scope[] }>();
  for (const scope of scopes) {
    const group = groups.get(scope.module) ?? { module: scope.module, title: scope.moduleTitle, scopes: [] };
    group.scopes.push(scope);
    groups.set(scope.module, group);
  }
  return [...groups.values()];
}
