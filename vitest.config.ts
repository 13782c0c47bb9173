import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` (pure, fast, no services) and `integration` (real SQLite files,
 * PostgreSQL, Redis, child processes and the browser). `npm test` runs both.
 */
export default defineConfig({
  test: {
    allowOnly: false,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts'],
          environment: 'node',
          // Property tests run a hundred thousand cases or more; a busy shared CPU can take
          // several times the 5 s default over them.
          testTimeout: 60_000,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'integration',
          include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: true,
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
