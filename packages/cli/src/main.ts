/**
 * @module keyward CLI
 *
 * `keyward <command>`; every command acts on the local database by default, or on a remote
 * server with `--url` and `--key`. Exit codes: 0 success, 1 a failed operation (the API's error
 * code is printed), 2 a usage error.
 */
import { isKeywardError } from '@keyward/core';
import { Command, CommanderError } from 'commander';
import { registerAudit } from './commands/audit.ts';
import { registerBootstrap } from './commands/bootstrap.ts';
import { registerGateway } from './commands/gateway.ts';
import { registerKeys } from './commands/keys.ts';
import { registerMigrate } from './commands/migrate.ts';
import { registerServe } from './commands/serve.ts';
import { registerUsers } from './commands/users.ts';
import { CliError } from './output.ts';

/** Builds the command tree. */
export function buildProgram(): Command {
  const program = new Command('keyward')
    .description('Keyward: self-hostable API keys')
    .option('--json', 'print JSON for scripts')
    .option('--url <url>', 'act on a remote server (KEYWARD_URL)')
    .option('--key <key>', 'API key for --url (KEYWARD_API_KEY)')
    .option('--org-id <orgId>', 'organization, when the local database holds several')
    .option('--data-dir <dir>', 'data directory of the local database (KEYWARD_DATA_DIR)')
    .option('--database-url <url>', 'database URL (KEYWARD_DATABASE_URL)')
    .showHelpAfterError()
    .exitOverride();
  registerServe(program);
  registerMigrate(program);
  registerBootstrap(program);
  registerKeys(program);
  registerUsers(program);
  registerAudit(program);
  registerGateway(program);
  for (const command of program.commands) {
    command.exitOverride();
    for (const sub of command.commands) sub.exitOverride();
  }
  return program;
}

/** Runs the CLI and returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv as string[]);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are not errors; commander already printed the usage message.
      return error.exitCode === 0 || error.code === 'commander.helpDisplayed' ? 0 : 2;
    }
    if (isKeywardError(error)) {
      process.stderr.write(`error ${error.code}: ${error.message}\n`);
      return 1;
    }
    if (error instanceof CliError) {
      process.stderr.write(`error ${error.code}: ${error.message}\n`);
      return error.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`error: ${message}\n`);
    return 1;
  }
}
