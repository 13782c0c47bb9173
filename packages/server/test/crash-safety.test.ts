/**
 * Crash safety: create and revoke keys under concurrent load, SIGKILL the server mid-run,
 * restart it, and check that every acknowledged change survived with its audit event.
 */
import {
  bootstrapWithCli,
  createTestDatabase,
  startKeyward,
  TEST_PEPPER,
  testDialects,
} from '@keyward/test-utils';
import { describe, expect, it } from 'vitest';

describe.each(testDialects())('%s: crash safety', (dialect) => {
  it('keeps every acknowledged creation, revocation and audit event across a SIGKILL', async () => {
    const database = await createTestDatabase(dialect);
    const env = {
      ...process.env,
      KEYWARD_DATA_DIR: database.dataDir,
      KEYWARD_DATABASE_URL:
        database.storage.driver === 'postgres' ? database.storage.url : `sqlite:${database.storage.path}`,
      KEYWARD_PEPPER: TEST_PEPPER,
      KEYWARD_LOG_LEVEL: 'error',
    };
    try {
      const { apiKey: admin } = await bootstrapWithCli(env);
      const first = await startKeyward(env);
      const call = (url: string, path: string, method = 'GET', body?: unknown) =>
        fetch(url + path, {
          method,
          headers: {
            authorization: `Api-Key ${admin}`,
            ...(body ? { 'content-type': 'application/json' } : {}),
          },
          body: body ? JSON.stringify(body) : undefined,
        });

      const created: { id: string; key: string }[] = [];
      const revoked = new Set<string>();
      // A revocation sent but not acknowledged before the kill may or may not have committed.
      const revokeInFlight = new Set<string>();
      let stop = false;
      const worker = async (n: number) => {
        for (let i = 0; !stop; i++) {
          try {
            const response = await call(first.url, '/v1/keys', 'POST', {
              name: `w${n}-${i}`,
              scopes: ['export'],
            });
            if (response.status !== 201) continue;
            const body = (await response.json()) as { id: string; key: string };
            created.push(body);
            if (i % 2 === 0) {
              revokeInFlight.add(body.id);
              const revoke = await call(first.url, `/v1/keys/${body.id}`, 'DELETE');
              if (revoke.status === 200) revoked.add(body.id);
              revokeInFlight.delete(body.id);
            }
          } catch {
            return; // the server died under us
          }
        }
      };
      const workers = Array.from({ length: 8 }, (_, n) => worker(n));
      await new Promise((resolve) => setTimeout(resolve, 2500));
      const killed = first.stop('SIGKILL');
      stop = true;
      await Promise.all(workers);
      await killed;
      expect(created.length).toBeGreaterThan(10);

      const second = await startKeyward(env);
      try {
        for (const { id, key } of created) {
          const verify = (await (await call(second.url, '/v1/verify', 'POST', { key })).json()) as {
            code: string;
          };
          if (revokeInFlight.has(id)) expect(['VALID', 'NOT_FOUND'], id).toContain(verify.code);
          else expect(verify.code, id).toBe(revoked.has(id) ? 'NOT_FOUND' : 'VALID');
          const trail = (await (await call(second.url, `/v1/audit?target=${id}`)).json()) as {
            items: { action: string }[];
          };
          const actions = trail.items.map((e) => e.action);
          expect(actions, id).toContain('key.create');
          if (revoked.has(id)) expect(actions, id).toContain('key.revoke');
        }
      } finally {
        await second.stop();
      }
    } finally {
      await database.drop();
    }
  }, 90_000);
});
