import { type KeywardConfig, loadConfig } from '@keyward/server';
import type { Command } from 'commander';
import { type ApiTransport, localTransport, remoteTransport } from './api-transport.ts';

/** Options every command accepts. */
export interface GlobalOptions {
  json?: boolean;
  url?: string;
  key?: string;
  orgId?: string;
  dataDir?: string;
  databaseUrl?: string;
}

/** Configuration from the environment with the CLI's flags on top. */
export function configFrom(options: GlobalOptions, env: NodeJS.ProcessEnv = process.env): KeywardConfig {
  return loadConfig({
    ...env,
    ...(options.dataDir ? { KEYWARD_DATA_DIR: options.dataDir } : {}),
    ...(options.databaseUrl ? { KEYWARD_DATABASE_URL: options.databaseUrl } : {}),
  });
}

/** The options of the whole command line, wherever they were written. */
export function globalOptions(command: Command): GlobalOptions {
  return command.optsWithGlobals<GlobalOptions>();
}

/** Remote when `--url` (or `KEYWARD_URL`) is given, local otherwise. */
export async function openTransport(options: GlobalOptions): Promise<ApiTransport> {
  const url = options.url ?? process.env.KEYWARD_URL;
  if (url) {
    const key = options.key ?? process.env.KEYWARD_API_KEY;
    if (!key) throw new Error('--url needs --key (or KEYWARD_API_KEY)');
    return remoteTransport(url, key);
  }
  return localTransport(configFrom(options), { org: options.orgId });
}

/** Runs `fn` with a transport and closes it afterwards. */
export async function withTransport<T>(
  options: GlobalOptions,
  fn: (api: ApiTransport) => Promise<T>,
): Promise<T> {
  const api = await openTransport(options);
  try {
    return await fn(api);
  } finally {
    await api.close();
  }
}
