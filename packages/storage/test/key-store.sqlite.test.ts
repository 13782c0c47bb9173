import { openTestStore, runKeyStoreContract } from './key-store.contract.ts';

runKeyStoreContract({ dialect: 'sqlite', open: () => openTestStore('sqlite') });
