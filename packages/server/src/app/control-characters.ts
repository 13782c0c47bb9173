/**
 * @module Control characters
 *
 * One input rule for both dialects: no string Keyward accepts — in a body, a query string or a
 * path — may hold a control character (NUL and the rest of C0 but tab, line feed and carriage
 * return, and DEL). PostgreSQL cannot store NUL in text at all, SQLite would store it, and
 * neither belongs in a name, an id or a search; refusing them all at validation, before any
 * query runs, gives one answer (`400 INVALID_CHARACTERS`) on every dialect.
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/**
 * The path (`a.b.0`) of the first string in `value` that holds a control character, `''` for
 * the value itself, or undefined when there is none. Object keys count as strings too.
 */
export function controlCharacterAt(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return CONTROL.test(value) ? path : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = controlCharacterAt(value[i], path ? `${path}.${i}` : String(i));
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const [key, child] of Object.entries(value)) {
    const here = path ? `${path}.${key}` : key;
    if (CONTROL.test(key)) return here;
    const found = controlCharacterAt(child, here);
    if (found !== undefined) return found;
  }
  return undefined;
}
