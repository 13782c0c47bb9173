import { api } from '../shared/api-client.ts';
import type { User } from '../shared/api-types.ts';
import { useAsync } from '../shared/use-async.ts';

/**
 * The organization's enabled users, offered as key owners and as an owner filter; undefined
 * when the signed-in user may not list users (then those controls are left out).
 */
export function useOwners(canListUsers: boolean): User[] | undefined {
  const { data } = useAsync(canListUsers ? 'owners' : null, async (signal) => {
    const page = await api.users.list({ limit: 100 }, signal);
    return page.items.filter((user) => user.enabled);
  });
  return data;
}
