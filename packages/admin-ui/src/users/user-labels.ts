import type { Role, User } from '../shared/api-types.ts';

/** Roles in the order they are offered, with what each may do. */
export const ROLES: { value: Role; label: string; description: string }[] = [
  { value: 'member', label: 'Member', description: 'Manages only their own keys.' },
  { value: 'admin', label: 'Admin', description: 'Manages all keys, users and the audit log.' },
  { value: 'owner', label: 'Owner', description: 'Like admin; an organization keeps at least one owner.' },
];

/** `Service user` or `Person`. */
export function kindLabel(kind: User['kind']): string {
  return kind === 'service' ? 'Service user' : 'Person';
}

/** `Admin`, `Member`, … */
export function roleLabel(role: Role): string {
  return ROLES.find((r) => r.value === role)?.label ?? role;
}
