/**
 * @module @keyward/server
 *
 * The HTTP application (`createApp`), the process entry (`startServer`), configuration and the
 * services shared with the CLI.
 */
export { type AppDeps, createApp, type KeywardApp } from './app/create-app.ts';
export { createLogger, redactUrl } from './app/logger.ts';
export { type Principal, type RequestContext, systemPrincipal } from './auth/principal.ts';
export type { KeywardConfig } from './config/keyward-config.ts';
export { ConfigError, loadConfig } from './config/load-config.ts';
export { loadPeppers, parsePepperSpec } from './config/load-peppers.ts';
export { DEFAULT_UI_DIR, type RunningServer, startServer } from './main.ts';
export { type BootstrapInput, type BootstrapResult, bootstrap } from './services/bootstrap-service.ts';
export { createKeyService, type KeyService } from './services/key-service.ts';
export {
  createLocalInvalidationBus,
  type InvalidationBus,
  type InvalidationEvent,
} from './verification/invalidation-bus.ts';
