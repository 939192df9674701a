#!/usr/bin/env node
// The `ambassador` command. Each subcommand is a thin layer over the store and the domain;
// errors end the process with a non-zero code and one clear line on stderr.
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/load-config.js';
import { UserError } from '../store/errors.js';
import { registerAuditCommands } from './commands/audit.js';
import { registerAwardCommands } from './commands/awards.js';
import { registerBackfillCommands } from './commands/backfill.js';
import { registerDataCommands } from './commands/data.js';
import { registerDigestCommands } from './commands/digest.js';
import { registerIdentityCommands } from './commands/identities.js';
import { registerMemberCommands } from './commands/members.js';
import { registerOperationsCommands } from './commands/operations.js';
import { registerReportCommands } from './commands/reports.js';
import { registerReviewCommands } from './commands/reviews.js';
import { registerServerCommands } from './commands/server.js';
import { registerStandingsCommands } from './commands/standings.js';
import { registerSyncCommands } from './commands/sync.js';
import type { GlobalOptions } from './context.js';
import { exitQuietlyOnClosedPipe } from './output.js';

export function buildProgram(): Command {
  const program = new Command('ambassador')
    .description('The Magento Ambassador Program: members, contributions, status and awards')
    .option('--config <file>', 'rules and settings file (default: AMBASSADOR_CONFIG or ./ambassador.config.yaml)')
    .option('--actor <name>', 'who is acting, for the audit log (default: the OS user)')
    .showHelpAfterError()
    .exitOverride();
  const globals = () => program.opts<GlobalOptions>();
  registerServerCommands(program, globals);
  registerMemberCommands(program, globals);
  registerIdentityCommands(program, globals);
  registerReviewCommands(program, globals);
  registerReportCommands(program, globals);
  registerAwardCommands(program, globals);
  registerDataCommands(program, globals);
  registerAuditCommands(program, globals);
  registerSyncCommands(program, globals);
  registerBackfillCommands(program, globals);
  registerOperationsCommands(program, globals);
  registerDigestCommands(program, globals);
  registerStandingsCommands(program, globals);
  return program;
}

export function describeError(error: unknown): string {
  if (error instanceof ConfigError) return error.message;
  if (error instanceof UserError) return error.message;
  if (error instanceof Error) return error.message.split('\n')[0] ?? String(error);
  return String(error);
}

async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    process.stderr.write(`ambassador: ${describeError(error)}\n`);
    if (process.env.AMBASSADOR_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    process.exitCode = error instanceof UserError || error instanceof ConfigError ? 1 : 3;
  }
}

exitQuietlyOnClosedPipe();
await main(process.argv);
