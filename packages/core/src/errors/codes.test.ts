import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ALL_ERROR_CODES, ERROR_CODES } from './codes.ts';

const doc = readFileSync(new URL('../../../../docs/errors.md', import.meta.url), 'utf8');
const documented = [...doc.matchAll(/^## ([A-Z_]+)$/gm)].map((m) => m[1]);

describe('error catalogue', () => {
  it('documents every code in docs/errors.md with its status', () => {
    for (const code of ALL_ERROR_CODES) {
      expect(documented, `${code} is missing from docs/errors.md`).toContain(code);
      const section = doc.slice(doc.indexOf(`## ${code}\n`));
      expect(section).toMatch(new RegExp(`^## ${code}\\n\\n\\*\\*${ERROR_CODES[code].status}\\*\\*`));
    }
  });

  it('documents no code that does not exist', () => {
    for (const code of documented) expect(ALL_ERROR_CODES).toContain(code);
  });

  it('uses UPPER_SNAKE codes and 4xx/5xx statuses', () => {
    for (const code of ALL_ERROR_CODES) {
      expect(code).toMatch(/^[A-Z]+(_[A-Z]+)*$/);
      expect(ERROR_CODES[code].status).toBeGreaterThanOrEqual(400);
    }
  });
});
