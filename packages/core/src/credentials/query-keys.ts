/**
 * @module Keys in the query string
 *
 * `?auth-key=<key>` is the one credential a URL may carry (off by default; SPEC §4 form 6). What
 * counts as that parameter is decided here once, on the *decoded* name, for everything that
 * reads or hides it: the credential readers, and the logger that redacts URLs. So a spelling a
 * reader accepts — `auth%2Dkey`, `AUTH-KEY`, `auth-key[]`, `auth-key[0]` — is a spelling the
 * logger removes, and a key cannot reach a log by being encoded.
 */

const QUERY_KEY_NAME = /^auth-key(?:\[[^\]]*\])*$/i;

/** Decodes one query-string component as a form does (`+` is a space); undecodable text stays as it is. */
export function decodeQueryComponent(text: string): string {
  if (!text.includes('%') && !text.includes('+')) return text;
  const spaced = text.replaceAll('+', ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

/** Whether a decoded query parameter name is the key parameter, in any of its spellings. */
export function isQueryKeyName(name: string): boolean {
  return QUERY_KEY_NAME.test(name.trim());
}

/** The values of every key parameter in a raw query string (the part after `?`), in order. */
export function queryKeysIn(query: string): string[] {
  const keys: string[] = [];
  if (!/auth|%/i.test(query)) return keys;
  for (const pair of query.split('&')) {
    const eq = pair.indexOf('=');
    const name = decodeQueryComponent(eq === -1 ? pair : pair.slice(0, eq));
    if (isQueryKeyName(name)) keys.push(eq === -1 ? '' : decodeQueryComponent(pair.slice(eq + 1)));
  }
  return keys;
}
