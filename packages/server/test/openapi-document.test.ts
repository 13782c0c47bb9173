/**
 * The OpenAPI document as the tools that read it see it, each from its npm package: Redocly's
 * and Spectral's linters find no error; openapi-typescript turns it into types that a client
 * written with openapi-fetch uses without a cast (the recursive scope expression included);
 * Portman turns it into a Postman collection whose verify request newman runs against a live
 * server, its contract tests passing.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { createTestWorld, type TestWorld } from '@keyward/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const BIN = resolve(import.meta.dirname, '../../../node_modules/.bin');
const tool = (name: string, args: string[], cwd: string) =>
  run(join(BIN, name), args, { cwd, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 }).then(
    (out) => ({ code: 0, ...out }),
    (error: { code?: number; stdout?: string; stderr?: string }) => ({
      code: error.code ?? 1,
      stdout: error.stdout ?? '',
      stderr: error.stderr ?? '',
    }),
  );

describe('sqlite: the OpenAPI document, read by the tools that read it', () => {
  let world: TestWorld;
  let dir: string;
  let base: string;

  beforeAll(async () => {
    world = await createTestWorld({ dialect: 'sqlite' });
    base = await world.listen();
    dir = mkdtempSync(join(tmpdir(), 'keyward-openapi-'));
    const doc = await (await fetch(`${base}/openapi.json`)).text();
    writeFileSync(join(dir, 'openapi.json'), doc);
  });
  afterAll(async () => {
    await world?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes redocly lint with no error', async () => {
    const result = await tool('redocly', ['lint', 'openapi.json', '--format=stylish'], dir);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout + result.stderr).not.toMatch(/\berror\b.*\n/);
  });

  it("passes Spectral's spectral:oas ruleset with no error", async () => {
    writeFileSync(join(dir, '.spectral.yaml'), 'extends: spectral:oas\n');
    const result = await tool('spectral', ['lint', 'openapi.json', '--fail-severity', 'error'], dir);
    expect(result.code, result.stdout + result.stderr).toBe(0);
  });

  it('gives openapi-fetch typed calls, the scope expression included, without a cast', async () => {
    const types = await tool('openapi-typescript', ['openapi.json', '-o', 'keyward-api.d.ts'], dir);
    expect(types.code, types.stderr).toBe(0);
    writeFileSync(
      join(dir, 'client.ts'),
      `import createClient from 'openapi-fetch';
import type { paths } from './keyward-api.js';

const client = createClient<paths>({ baseUrl: 'http://127.0.0.1' });
export async function check(key: string): Promise<boolean> {
  const { data, error } = await client.POST('/v1/verify', {
    body: { key, scopes: { anyOf: ['process:start', ['export', { allOf: ['dedupe:check'] }]] }, resource: 'wf-1' },
  });
  if (error) return error.error.code === 'RATE_LIMITED';
  const code: 'VALID' | 'NOT_FOUND' | string = data.code;
  return data.valid && code === 'VALID' && (data.key?.scopes ?? []).length >= 0;
}
// @ts-expect-error a number is no scope expression
client.POST('/v1/verify', { body: { key: 'k', scopes: 7 } });
`,
    );
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          skipLibCheck: true,
          types: [],
          typeRoots: [],
          baseUrl: '.',
          paths: { 'openapi-fetch': [resolve(import.meta.dirname, '../../../node_modules/openapi-fetch')] },
        },
        files: ['client.ts'],
      }),
    );
    const checked = await tool('tsc', ['-p', 'tsconfig.json'], dir);
    expect(checked.code, checked.stdout + checked.stderr).toBe(0);
  });

  it('converts to a Postman collection whose verify request newman runs, its contract tests passing', async () => {
    const converted = await tool(
      'portman',
      ['-l', 'openapi.json', '-o', 'collection.json', '--syncPostman', 'false', '--includeTests', 'true'],
      dir,
    );
    expect(converted.code, converted.stdout + converted.stderr).toBe(0);
    const collection = JSON.parse(readFileSync(join(dir, 'collection.json'), 'utf8'));
    const environment = {
      values: [
        { key: 'baseUrl', value: base },
        { key: 'apiKey', value: `Api-Key ${world.admin.apiKey}` },
      ],
    };
    writeFileSync(join(dir, 'environment.json'), JSON.stringify(environment));
    const verify = await tool(
      'newman',
      [
        'run',
        'collection.json',
        '-e',
        'environment.json',
        '--folder',
        'Verify a key',
        '--reporters',
        'json',
        '--reporter-json-export',
        'report.json',
      ],
      dir,
    );
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    expect(
      report.run.stats.requests.total,
      JSON.stringify(collection.item?.map((i: { name: string }) => i.name)),
    ).toBe(1);
    expect(report.run.failures.map((f: { error: { message: string } }) => f.error.message)).toEqual([]);
    expect(verify.code).toBe(0);
  }, 120_000);
});
