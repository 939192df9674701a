// `ambassador migrate`, `serve` and `demo`.
import type { Command } from 'commander';
import { portArgument } from '../arguments.js';
import { openContext, withContext, type GlobalOptions } from '../context.js';
import { printJson, printLines } from '../output.js';
import { isEmpty, loadDemo, loadDemoShowcase } from '../../demo/community.js';
import { migrate } from '../../store/migrate.js';
import { terminalMailer } from '../../notify/mailer.js';
import { createScheduler, type Scheduler } from '../../sync/scheduler.js';
import { parseSourcesSettings } from '../../sync/settings.js';

function smtpConfigured(config: { notifications: Record<string, unknown> }): boolean {
  const email = config.notifications.email as { smtpUrl?: string } | undefined;
  return Boolean(email?.smtpUrl);
}

async function startSchedule(scheduler: Scheduler, cliAllows: boolean, configAllows: boolean, log: { info(details: object, message: string): void }) {
  if (!cliAllows || !configAllows) {
    log.info({ reason: cliAllows ? 'sources.schedule.enabled is false' : '--no-sync' }, 'sync schedule off; syncs run only from the console or `ambassador sync`');
    return;
  }
  await scheduler.start();
}

export function registerServerCommands(program: Command, globals: () => GlobalOptions): void {
  program
    .command('migrate')
    .description('apply database migrations (also done on every start)')
    .action(async () =>
      withContext(globals(), async ({ store }) => {
        // openContext has migrated already; a second call reports that nothing is left.
        const applied = await migrate(store.db);
        printLines([applied.length ? `applied ${applied.join(', ')}` : `database is up to date (${store.engine})`]);
      }),
    );

  program
    .command('demo')
    .description('load the demo community (idempotent)')
    .option('--json', 'print JSON')
    .action(async (options) =>
      withContext(globals(), async ({ store, config }) => {
        const outcome = await loadDemo(store.db, config);
        if (outcome.created) await loadDemoShowcase(store.db, config);
        if (options.json) printJson(outcome);
        else printLines([`demo community: ${outcome.members} members, ${outcome.contributions} contributions${outcome.created ? '' : ' (already loaded)'}`]);
      }),
    );

  program
    .command('serve')
    .description('run the web server')
    .option('--port <port>', 'port to listen on (default: PORT or 3000)', portArgument)
    .option('--host <host>', 'address to listen on (default: HOST or localhost)')
    .option('--demo-if-empty', 'load the demo community into an empty database first')
    .option('--print-emails', 'print emails (and so sign-in links) to this terminal when no SMTP server is configured; for a local trial only')
    .option('--no-sync', 'do not run the sources on their schedules (as sources.schedule.enabled: false)')
    .action(async (options) => {
      const context = await openContext(globals());
      if (options.demoIfEmpty && (await isEmpty(context.store.db))) {
        const outcome = await loadDemo(context.store.db, context.config);
        const showcase = await loadDemoShowcase(context.store.db, context.config);
        process.stderr.write(`loaded the demo community: ${outcome.members} members, ${outcome.contributions} contributions; ${showcase.submissions} submissions waiting${showcase.changeRequested ? ` (one sent back to @${showcase.changeRequested} with a change request)` : ''}; 2025 awards ${showcase.published ? 'published' : 'not published'}, a 2026 draft\n`);
        const staff = await context.store.db.selectFrom('members').select(['email', 'role']).where('role', '!=', 'ambassador').orderBy('role').execute();
        if (options.printEmails && staff.length > 0) {
          process.stderr.write(
            `sign in as ${staff.map((m) => `${m.role === 'admin' ? 'the demo administrator' : 'a demo program manager'} with ${m.email}`).join(', or ')}; the sign-in link is printed here\n`,
          );
        }
      }
      // The web stack loads only for `serve`, which keeps every other command quick to start.
      const { buildApp } = await import('../../web/app.js');
      const app = await buildApp({
        store: context.store,
        config: context.config,
        logger: { level: process.env.LOG_LEVEL ?? 'info' },
        scheduleLapseChecks: true,
        // "Run now" goes through the scheduler, so it never overlaps a scheduled run of a source.
        runSync: async (source?: string) => {
          await scheduler.runNow(source);
        },
        ...(options.printEmails && !smtpConfigured(context.config) ? { mailer: terminalMailer() } : {}),
      });
      const scheduler = createScheduler({ store: context.store, config: context.config, log: app.log.child({ component: 'sync' }) });
      app.addHook('onClose', async () => scheduler.stop());
      const port = options.port ?? (process.env.PORT ? portArgument(process.env.PORT) : 3000);
      const host = options.host ?? process.env.HOST ?? 'localhost';
      const shutdown = async () => {
        await app.close();
        await context.store.close();
        process.exit(0);
      };
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
      await app.listen({ port, host });
      process.stderr.write(`${context.config.program.name} is serving on http://${host}:${port} (${context.store.engine})\n`);
      await startSchedule(scheduler, Boolean(options.sync), parseSourcesSettings(context.config.sources).schedule.enabled, app.log);
    });
}
