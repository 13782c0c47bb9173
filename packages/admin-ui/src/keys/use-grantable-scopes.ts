import { useMemo } from 'react';
import { api } from '../shared/api-client.ts';
import type { Scope } from '../shared/api-types.ts';
import { useAsync } from '../shared/use-async.ts';
import { OWNER_NONE, OWNER_SELF } from './key-form.ts';

/**
 * The scopes the signed-in user may put on a key for `owner` (a user id, {@link OWNER_SELF} or
 * {@link OWNER_NONE}), as the server decides them: the picker offers only these, so no key is
 * shown holding a scope its owner could never use. Until the answer comes, the catalogue's own
 * answer for the signed-in user stands in.
 */
export function useGrantableScopes(owner: string, catalogue: readonly Scope[]): readonly Scope[] {
  const param = owner === OWNER_SELF ? undefined : owner === OWNER_NONE ? 'none' : owner;
  const loaded = useAsync(`scopes?owner=${param ?? ''}`, (signal) => api.catalog.scopes(signal, param));
  const items = loaded.data?.items ?? catalogue;
  return useMemo(() => items.filter((scope) => scope.grantable), [items]);
}
