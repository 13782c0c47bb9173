/**
 * @module Default catalogue
 *
 * The environments and scopes every deployment starts with. The platform scopes mirror the
 * modules of the source products (Deployment API, Export Application API, Start New Process
 * API, Check Dedupe); Keyward's own scopes guard its admin API. Operators may add more.
 */
import type { Environment, Role, Scope } from './model.ts';

/** `live` is production and the default target; `test` is for integration work. */
export const DEFAULT_ENVIRONMENTS: readonly Omit<Environment, 'createdAt'>[] = [
  { slug: 'live', name: 'Live', isProduction: true },
  { slug: 'test', name: 'Test', isProduction: false },
];

const keyward = (name: string, description: string): Scope => ({
  name,
  module: 'keyward',
  moduleTitle: 'Keyward administration',
  description,
});

/** Keyward's own scopes, guarding its admin API. */
export const KEYWARD_SCOPES = {
  keysRead: 'keys:read',
  keysWrite: 'keys:write',
  keysVerify: 'keys:verify',
  usersRead: 'users:read',
  usersWrite: 'users:write',
  resourcesRead: 'resources:read',
  resourcesWrite: 'resources:write',
  auditRead: 'audit:read',
} as const;

const operator = (name: string, description: string): Scope => ({
  name,
  module: 'operator',
  moduleTitle: 'Deployment operation',
  description,
});

/**
 * The operator's scopes: powers over the whole deployment. Only an operator holds them, and a
 * key has them only when they were granted to it (docs/authorization.md › "Operator powers").
 */
export const OPERATOR_SCOPES = {
  orgsRead: 'orgs:read',
  orgsWrite: 'orgs:write',
  catalogWrite: 'catalog:write',
  keysVerifyAll: 'keys:verify-all',
} as const;

/** The scope catalogue a fresh deployment starts with. */
export const DEFAULT_SCOPES: readonly Scope[] = [
  {
    name: 'deployment',
    module: 'deployment',
    moduleTitle: 'Deployment API',
    description: 'Deploy applications into the runtime environment.',
  },
  {
    name: 'export',
    module: 'export',
    moduleTitle: 'Export Application API',
    description: "Export the application's data history for a period.",
  },
  {
    name: 'process:start',
    module: 'process',
    moduleTitle: 'Start New Process API',
    description: 'Start a new process instance remotely.',
  },
  {
    name: 'dedupe:check',
    module: 'dedupe',
    moduleTitle: 'Check Dedupe',
    description: 'Check records for duplicates.',
  },
  keyward(KEYWARD_SCOPES.keysRead, 'List and read API keys.'),
  keyward(KEYWARD_SCOPES.keysWrite, 'Create, change, rotate and revoke API keys.'),
  keyward(KEYWARD_SCOPES.keysVerify, 'Verify API keys.'),
  keyward(KEYWARD_SCOPES.usersRead, 'List and read users.'),
  keyward(KEYWARD_SCOPES.usersWrite, 'Create, change and remove users.'),
  keyward(KEYWARD_SCOPES.resourcesRead, 'List resources.'),
  keyward(KEYWARD_SCOPES.resourcesWrite, 'Register and change resources.'),
  keyward(KEYWARD_SCOPES.auditRead, 'Read and export the audit trail.'),
  operator(OPERATOR_SCOPES.orgsRead, 'List every organization of the deployment.'),
  operator(OPERATOR_SCOPES.orgsWrite, 'Create organizations and their first owners.'),
  operator(OPERATOR_SCOPES.catalogWrite, 'Add environments and scopes to the catalogue.'),
  operator(
    OPERATOR_SCOPES.keysVerifyAll,
    'Verify the keys, and follow the invalidations, of every organization.',
  ),
];

/** Every Keyward scope of an organization: what its owners and admins hold. */
export const ALL_KEYWARD_SCOPES: readonly string[] = Object.values(KEYWARD_SCOPES);

/** Every operator scope: what an operator holds beyond its role (and the bootstrap key). */
export const ALL_OPERATOR_SCOPES: readonly string[] = Object.values(OPERATOR_SCOPES);

const ADMIN_API_SCOPES: ReadonlySet<string> = new Set([...ALL_KEYWARD_SCOPES, ...ALL_OPERATOR_SCOPES]);

/**
 * Whether `scope` guards Keyward's own API (a Keyward or operator scope), which a key may use
 * only within its accountable user's rights; every other scope is the platform's.
 */
export function isAdminApiScope(scope: string): boolean {
  return ADMIN_API_SCOPES.has(scope);
}

/**
 * The Keyward scopes a role grants to a user acting in person (session or password). Members
 * act on their own keys only; the service layer enforces that ownership rule.
 */
export const ROLE_SCOPES: Record<Role, readonly string[]> = {
  owner: ALL_KEYWARD_SCOPES,
  admin: ALL_KEYWARD_SCOPES,
  member: [
    KEYWARD_SCOPES.keysRead,
    KEYWARD_SCOPES.keysWrite,
    KEYWARD_SCOPES.keysVerify,
    KEYWARD_SCOPES.resourcesRead,
  ],
};
