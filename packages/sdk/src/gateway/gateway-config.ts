/**
 * @module Gateway configuration
 *
 * ```yaml
 * keyward:
 *   url: http://127.0.0.1:8080      # the Keyward server
 *   key: ${KEYWARD_API_KEY}         # a key with keys:verify (or set KEYWARD_API_KEY)
 * routes:                           # first match wins; anything unmatched is refused (404)
 *   - match: { method: POST, path: /flows/* }
 *     scopes: [process:start]
 *     resource: "{1}"               # optional; {n} is the n-th * of the path
 *   - match: { path: /exports/** }
 *     scopes: [export]
 * ```
 * `*` matches one path segment, `**` the rest of the path.
 */

import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { ScopeQuery } from '../types.ts';

export interface GatewayRoute {
  method?: string;
  pattern: RegExp;
  scopes: ScopeQuery;
  resource?: string;
}

export interface GatewayConfig {
  keyward: { url: string; key: string };
  routes: GatewayRoute[];
}

function compile(path: string): RegExp {
  const body = path
    .split('/')
    .map((segment) =>
      segment === '**' ? '(.*)' : segment === '*' ? '([^/]+)' : segment.replace(/[.+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('/');
  return new RegExp(`^${body}$`);
}

/** Reads and validates a routes file; throws one clear line on a mistake. */
export function loadGatewayConfig(
  file: string,
  env: Record<string, string | undefined> = process.env,
): GatewayConfig {
  const raw = parse(
    readFileSync(file, 'utf8').replace(/\$\{(\w+)\}/g, (_, name: string) => env[name] ?? ''),
  ) as {
    keyward?: { url?: string; key?: string };
    routes?: { match?: { method?: string; path?: string }; scopes?: ScopeQuery; resource?: string }[];
  } | null;
  const url = raw?.keyward?.url ?? env.KEYWARD_URL;
  const key = raw?.keyward?.key || env.KEYWARD_API_KEY;
  if (!url) throw new Error(`${file}: keyward.url is missing`);
  if (!key) throw new Error(`${file}: keyward.key is missing (or set KEYWARD_API_KEY)`);
  if (!Array.isArray(raw?.routes) || raw.routes.length === 0)
    throw new Error(`${file}: routes must list at least one route`);
  const routes = raw.routes.map((route, i) => {
    if (!route.match?.path?.startsWith('/'))
      throw new Error(`${file}: routes[${i}].match.path must start with /`);
    return {
      ...(route.match.method ? { method: route.match.method.toUpperCase() } : {}),
      pattern: compile(route.match.path),
      scopes: route.scopes ?? [],
      ...(route.resource ? { resource: route.resource } : {}),
    };
  });
  return { keyward: { url, key }, routes };
}
