/** @module @keyward/cli — the `keyward` command as a library, for tests. */
export { buildProgram, main } from './main.ts';
