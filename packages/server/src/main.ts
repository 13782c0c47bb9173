/**
 * @module Server process
 *
 * Opens the store, migrates, builds the app and listens. SIGTERM and SIGINT close the server
 * gracefully: stop accepting, finish in-flight requests, flush usage, close the database. Every
 * one of those waits is bounded by the database's timeouts, and the whole by
 * `shutdownTimeoutMs`: past it, the usage not yet written is spooled and the process exits.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { countUsers, openStore } from '@keyward/storage';
import { createApp } from './app/create-app.ts';
import { createLogger } from './app/logger.ts';
import type { KeywardConfig } from './config/keyward-config.ts';
import { loadPeppers } from './config/load-peppers.ts';

/** Where the built admin UI lives in this repository. */
export const DEFAULT_UI_DIR = fileURLToPath(new URL('../../admin-ui/dist', import.meta.url));

/** A running server. */
export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Starts a Keyward node with `config`. Prints, on first start, how to create the first admin.
 */
export async function startServer(
  config: KeywardConfig,
  options: { uiDir?: string; installSignalHandlers?: boolean } = {},
): Promise<RunningServer> {
  const logger = createLogger(config.logLevel);
  mkdirSync(config.dataDir, { recursive: true });
  const peppers = loadPeppers({ pepper: config.pepper, dataDir: config.dataDir });
  const store = openStore(config.storage, {
    onConnectionError: (error) => logger.warn({ err: error }, 'database connection lost'),
  });
  const migrations = await store.migrate();
  if (migrations.error) {
    await store.close();
    throw migrations.error;
  }
  for (const result of migrations.results ?? [])
    logger.info({ migration: result.migrationName, status: result.status }, 'migration');

  const setupToken = randomBytes(18).toString('base64url');
  const { app, context } = await createApp({
    config,
    store,
    peppers,
    logger,
    uiDir: options.uiDir ?? DEFAULT_UI_DIR,
    setupToken,
  });
  const address = await app.listen({ host: config.host, port: config.port });
  const url = address.replace('[::1]', 'localhost');

  const needsSetup = (await countUsers(store.db)) === 0;
  const lines = [`Keyward is listening on ${url}  (storage: ${config.storage.driver})`];
  if (needsSetup) {
    lines.push(
      'No admin exists yet. Either:',
      `  • open ${url}/ and use this one-time setup token: ${setupToken}`,
      '  • or run: npx keyward bootstrap --org "My Org" --email you@example.com --password "<a strong password>"',
    );
  } else {
    lines.push(`Admin UI: ${url}/   API docs: ${url}/docs`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);

  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      await app.close();
      await store.close();
    })();
    return closing;
  };
  if (options.installSignalHandlers ?? true) {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        logger.info({ signal }, 'shutting down');
        const deadline = setTimeout(() => {
          logger.error({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown timed out; usage spooled');
          context.verification.usage.spoolNow();
          process.exit(1);
        }, config.shutdownTimeoutMs);
        deadline.unref();
        close().then(
          () => process.exit(0),
          (error) => {
            logger.error({ err: error }, 'shutdown failed');
            process.exit(1);
          },
        );
      });
    }
  }
  return { url, close };
}
