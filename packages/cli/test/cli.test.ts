import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TEST_PEPPER } from '@keyward/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../bin/keyward.js', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('keyward CLI on the local database', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;

  const run = (args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<Run> =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, [BIN, ...args], { env: { ...env, ...extraEnv } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  const json = async (args: string[]) => {
    const result = await run([...args, '--json']);
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout);
  };

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'keyward-cli-'));
    env = {
      ...process.env,
      KEYWARD_DATA_DIR: dataDir,
      KEYWARD_PEPPER: TEST_PEPPER,
      KEYWARD_LOG_LEVEL: 'warn',
      KEYWARD_DATABASE_URL: '',
    };
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('bootstraps once, prints an admin key as JSON, and refuses a second time', async () => {
    const first = await json([
      'bootstrap',
      '--org',
      'Acme',
      '--email',
      'admin@acme.test',
      '--password',
      'correct horse battery',
    ]);
    expect(first.apiKey).toMatch(/^kw_live_[0-9a-z]{12}_/);
    expect(first.org.name).toBe('Acme');
    const again = await run([
      'bootstrap',
      '--org',
      'Acme',
      '--email',
      'x@acme.test',
      '--password',
      'correct horse battery',
    ]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('ALREADY_BOOTSTRAPPED');
    expect(again.stdout).toBe('');
  });

  it('creates, lists, disables and revokes keys, and manages users', async () => {
    const created = await json([
      'keys',
      'create',
      '--name',
      'CI deploy',
      '--scopes',
      'deployment,export',
      '--environment',
      'test',
    ]);
    expect(created.key).toMatch(/^kw_test_/);
    const list = await json(['keys', 'list', '--environment', 'test']);
    expect(list.items.map((k: { id: string }) => k.id)).toContain(created.id);
    expect((await json(['keys', 'disable', created.id])).status).toBe('disabled');
    expect((await json(['keys', 'enable', created.id])).status).toBe('active');
    const rotated = await json(['keys', 'regenerate', created.id, '--slot', 'secondary', '--grace', '60']);
    expect(rotated.key).not.toBe(created.key);
    expect((await json(['keys', 'revoke', created.id])).status).toBe('revoked');
    const human = await run(['keys', 'show', created.id]);
    expect(human.stdout).toMatch(/status\s+revoked/);
    expect(human.stdout).not.toContain(created.key.split('_')[3]);

    const user = await json([
      'users',
      'create',
      '--email',
      'svc+ci@acme.test',
      '--name',
      'CI',
      '--kind',
      'service',
      '--password',
      'a fine long password',
    ]);
    expect(user).toMatchObject({ kind: 'service', role: 'member' });
    expect((await json(['users', 'disable', user.id])).enabled).toBe(false);
  }, 120_000);

  it('exports the audit trail to a file, never leaving a partial one', async () => {
    const out = join(dataDir, 'audit.ndjson');
    const result = await run(['audit', 'export', '--from', '2020-01-01', '--to', '2100-01-01', '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    const lines = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['org.create', 'key.create', 'key.revoke', 'user.create']),
    );
    expect(existsSync(`${out}.partial`)).toBe(false);
    expect(result.stderr).toMatch(/Exported \d+ events/);
  });

  it('answers bad flags and bad values with exit code 2 or a stable error code', async () => {
    const unknown = await run(['keys', 'list', '--colour', 'red']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown option '--colour'");
    const badDate = await run(['keys', 'create', '--name', 'x', '--expires', 'someday']);
    expect(badDate.code).toBe(2);
    const badScope = await run(['keys', 'create', '--name', 'x', '--scopes', 'nope:nope']);
    expect(badScope.code).toBe(1);
    expect(badScope.stderr).toContain('UNKNOWN_SCOPE');
    const missing = await run(['keys', 'show', 'key_000000000000']);
    expect(missing.stderr).toContain('NOT_FOUND');
    const badConfig = await run(['keys', 'list'], { KEYWARD_LOG_LEVEL: 'chatty' });
    expect(badConfig.code).toBe(1);
    expect(badConfig.stderr.trim().split('\n')).toHaveLength(1);
    expect(badConfig.stderr).toContain('KEYWARD_LOG_LEVEL');
  }, 120_000);

  it('serves, answers a remote CLI, keeps keys across a restart and stops gracefully on SIGTERM', async () => {
    const port = await freePort();
    const start = () => {
      const child = spawn(process.execPath, [BIN, 'serve'], { env: { ...env, KEYWARD_PORT: String(port) } });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      return new Promise<{ child: ChildProcess; out: () => string }>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 20_000);
        child.stdout.on('data', () => {
          if (out.includes('listening')) {
            clearTimeout(timer);
            resolve({ child, out: () => out });
          }
        });
      });
    };
    const stop = (child: ChildProcess) =>
      new Promise<number | null>((resolve) => {
        child.on('close', resolve);
        child.kill('SIGTERM');
      });
    const url = `http://127.0.0.1:${port}`;
    const admin = (
      await json([
        'keys',
        'create',
        '--name',
        'remote admin',
        '--scopes',
        'keys:read,keys:write,keys:verify',
        '--owner',
        'admin@acme.test',
      ])
    ).key;

    const first = await start();
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const remote = await run([
      '--url',
      url,
      '--key',
      admin,
      'keys',
      'create',
      '--name',
      'made remotely',
      '--json',
    ]);
    expect(remote.code, remote.stderr).toBe(0);
    const made = JSON.parse(remote.stdout);
    expect(await stop(first.child)).toBe(0);

    const second = await start();
    const verify = await fetch(`${url}/v1/verify`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ key: made.key }),
    });
    expect(((await verify.json()) as { code: string }).code).toBe('VALID');
    expect(await stop(second.child)).toBe(0);
  }, 60_000);
});
