/**
 * @module API keys
 *
 * Administration › Security › API Keys: the list, "Create API Key", the one-time reveal and the
 * key page. The create dialog and the table are reused on a user's page for their own keys.
 */
export { CreateKeyDialog } from './create-key-dialog.tsx';
export { KeyPage } from './key-page.tsx';
export { KeyRevealDialog } from './key-reveal-dialog.tsx';
export { KeysPage } from './keys-page.tsx';
export { KeysTable } from './keys-table.tsx';
export { RevokeKeyDialog } from './revoke-key-dialog.tsx';
export { useCatalog } from './use-catalog.ts';
