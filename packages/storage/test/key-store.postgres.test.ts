import { testDialects } from '@keyward/test-utils';
import { describe } from 'vitest';
import { openTestStore, runKeyStoreContract } from './key-store.contract.ts';

if (testDialects().includes('postgres')) {
  runKeyStoreContract({ dialect: 'postgres', open: () => openTestStore('postgres') });
} else {
  describe.skip('postgres: loading a key for verification (KEYWARD_TEST_DIALECTS leaves it out)', () => {});
}
