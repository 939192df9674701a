// Operator commands: `ambassador env` (the environment variables every setting can come
// from), `backup` / `restore` of the embedded database, `retention` and `alerts`.
import type { Command } from 'commander';
import { environmentTable, PROCESS_VARIABLES } from '../../config/environment.js';
import { configVariables, loadConfig } from '../../config/load-config.js';
import { parseOperationsSettings } from '../../ops/settings.js';
import { databaseSettings, withContext, type GlobalOptions } from '../context.js';
import { printJson, printLines } from '../output.js';

// The commands' own modules load when one of them runs, so every other command starts as quickly as before.
const backups = () => import('../../ops/backup.js');

const mebibytes = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MiB`;

export function registerOperationsCommands(program: Command, globals: () => GlobalOptions): void {
  program
    .command('env')
    .description('list the environment variables: every setting of the config file can come from one')
    .option('--json', 'print JSON')
    .action((options: { json?: boolean }) => {
      const variables = configVariables();
      if (options.json) {
        printJson({ process: PROCESS_VARIABLES, settings: variables.map((v) => ({ name: v.name, setting: v.path.join('.'), kind: v.kind, choices: v.choices ?? null })) });
        return;
      }
      // The defaults shown are the shipped ones, not this machine's environment.
      const defaults = loadConfig({ env: {}, file: undefined, cwd: '/nonexistent' }).config;
      printLines(environmentTable(variables, defaults));
    });

  program
    .command('backup <file>')
    .description('write a backup of the embedded database to FILE (stop serve first; for PostgreSQL use pg_dump)')
    .option('--json', 'print JSON')
    .action(async (file: string, options: { json?: boolean }) => {
      const { backupDataDir } = await backups();
      const outcome = await backupDataDir({ ...databaseSettings(), file });
      if (options.json) printJson(outcome);
      else printLines([`backed up the embedded database (${outcome.members} members) to ${outcome.file} (${mebibytes(outcome.bytes)})`]);
    });

  program
    .command('restore <file>')
    .description('start the embedded database from a backup FILE (into an empty AMBASSADOR_DATA_DIR; --force moves the present one aside)')
    .option('--force', 'move a database already in the data folder aside (kept, renamed) and restore')
    .option('--json', 'print JSON')
    .action(async (file: string, options: { force?: boolean; json?: boolean }) => {
      const { restoreDataDir } = await backups();
      const outcome = await restoreDataDir({ ...databaseSettings(), file, force: Boolean(options.force) });
      if (options.json) printJson(outcome);
      else {
        printLines([
          `restored ${outcome.file} into ${outcome.dataDir} (${outcome.members} members); the next start applies any newer migrations`,
          ...(outcome.previous ? [`the database that was there is kept in ${outcome.previous}`] : []),
        ]);
      }
    });

  program
    .command('retention')
    .description('delete what has served its purpose: expired sign-in state, old notifications, run records, validators (operations.retention)')
    .option('--dry-run', 'count what would be deleted, delete nothing')
    .option('--json', 'print JSON')
    .action(async (options: { dryRun?: boolean; json?: boolean }) =>
      withContext(globals(), async ({ store, config }) => {
        const { runRetention } = await import('../../ops/retention.js');
        const settings = parseOperationsSettings(config.operations).retention;
        const outcome = await runRetention(store.db, settings, new Date(), { dryRun: Boolean(options.dryRun) });
        if (options.json) {
          printJson(outcome);
          return;
        }
        const verb = outcome.dryRun ? 'would delete' : 'deleted';
        printLines([
          `${verb}: ${outcome.sessions} expired sessions, ${outcome.loginTokens} sign-in links, ${outcome.oauthStates} OAuth states, ${outcome.rateLimitWindows} rate-limit windows`,
          `${verb}: ${outcome.notifications} notifications sent over ${settings.notificationsDays} days ago, ${outcome.syncRuns} sync runs over ${settings.syncRunsDays} days old, ${outcome.validators} unused validators`,
          outcome.auditLog === null ? 'audit log kept (operations.retention.auditLogDays is not set)' : `${verb}: ${outcome.auditLog} audit entries over ${settings.auditLogDays} days old`,
        ]);
      }),
    );

  program
    .command('alerts')
    .description('check now for a failing source or a stuck job queue and alert the admins once per incident (the worker checks on its schedule)')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) =>
      withContext(globals(), async ({ store, config }) => {
        const [{ checkAlerts }, { commandNotifier }, { queueSchema }] = await Promise.all([import('../../ops/alerts.js'), import('../notifier.js'), import('../../jobs/queue.js')]);
        const outcome = await checkAlerts(
          store.db,
          { notifier: commandNotifier(config, store), settings: parseOperationsSettings(config.operations).alerts, programName: config.program.name, queueSchema: queueSchema(store) },
          new Date(),
        );
        if (options.json) {
          printJson(outcome);
          return;
        }
        printLines([
          outcome.open.length === 0 ? 'no alert open' : `open: ${outcome.open.join(', ')}`,
          ...(outcome.opened.length ? [`opened now: ${outcome.opened.join(', ')} (${outcome.emails} emails, ${outcome.webhooks} webhooks sent)`] : []),
          ...(outcome.resolved.length ? [`resolved: ${outcome.resolved.join(', ')}`] : []),
        ]);
      }),
    );
}
