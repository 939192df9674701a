// `ambassador migrate`, `serve` and `demo`.
import type { AddressInfo } from 'node:net';
import type { Command } from 'commander';
import { portArgument } from '../arguments.js';
import { openContext, withContext, type GlobalOptions } from '../context.js';
import { withServedBaseUrl } from '../../config/load-config.js';
import { printJson, printLines } from '../output.js';
import { isEmpty, loadDemo, loadDemoShowcase } from '../../demo/community.js';
import { migrate } from '../../store/migrate.js';
import { terminalMailer } from '../../notify/mailer.js';
import { startJobs, type Jobs, type JobsOptions } from '../../jobs/worker.js';
import type { ProgramConfig } from '../../domain/config-schema.js';
import { UserError } from '../../store/errors.js';
import { scheduleEnabled } from '../../sync/scheduler.js';

function smtpConfigured(config: { notifications: Record<string, unknown> }): boolean {
  const email = config.notifications.email as { smtpUrl?: string } | undefined;
  return Boolean(email?.smtpUrl);
}

/** http://host:port as bound (the real port when 0 was asked for). */
export function servedAddress(address: string | AddressInfo | null, host: string, port: number): string {
  const boundPort = address && typeof address === 'object' ? address.port : port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return `http://${shownHost}:${boundPort}`;
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
    .description('run the web server and, unless --no-worker, the recurring jobs')
    .option('--port <port>', 'port to listen on (default: PORT or 3000; 0 picks a free one and prints it)', portArgument)
    .option('--host <host>', 'address to listen on (default: HOST or localhost)')
    .option('--demo-if-empty', 'load the demo community into an empty database first')
    .option('--print-emails', 'print emails (and so sign-in links) to this terminal when no SMTP server is configured; for a local trial only')
    .option('--no-sync', 'do not run the sources on their schedules (as sources.schedule.enabled: false)')
    .option('--no-worker', 'web only: run no jobs here (run `ambassador worker` elsewhere)')
    .action(async (options) => {
      const opened = await openContext(globals());
      const port = options.port ?? (process.env.PORT ? portArgument(process.env.PORT) : 3000);
      const host = options.host ?? process.env.HOST ?? 'localhost';
      // Without a configured program.baseUrl, links in emails, feeds, badges and the API name the address served.
      const context = { ...opened, config: withServedBaseUrl(opened, host, port) };
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
      const mailer = options.printEmails && !smtpConfigured(context.config) ? terminalMailer() : undefined;
      // The web stack loads only for `serve`, which keeps every other command quick to start.
      const { buildApp } = await import('../../web/app.js');
      let jobs: Jobs | undefined;
      const app = await buildApp({
        store: context.store,
        config: context.config,
        logger: { level: process.env.LOG_LEVEL ?? 'info' },
        // "Run now" enqueues a sync job: whichever worker takes it, it never overlaps a
        // scheduled run of the source (the queue allows one running job per source).
        runSync: async (source?: string) => {
          await jobs?.runNow(source);
        },
        ...(mailer ? { mailer } : {}),
      });
      const work = Boolean(options.worker);
      jobs = await startJobs({
        ...jobSettings(process.env),
        store: context.store,
        config: context.config,
        log: app.log.child({ component: 'jobs' }),
        role: work ? 'web+worker' : 'web',
        work,
        scheduleSyncs: scheduleSyncs(Boolean(options.sync), context.config, app.log),
        ...(mailer ? { mailer } : {}),
      });
      onShutdown(async () => {
        await app.close();
        await jobs?.stop();
        await context.store.close();
      });
      await app.listen({ port, host });
      // With --port 0 the system picks the port: print the one actually bound.
      process.stderr.write(`${context.config.program.name} is serving on ${servedAddress(app.server.address(), host, port)} (${context.store.engine}${work ? ', with jobs' : ', web only'})\n`);
    });

  program
    .command('worker')
    .description('run the recurring jobs only (source syncs, lapse checks, notifications, purges), no web server')
    .option('--no-sync', 'do not run the sources on their schedules (as sources.schedule.enabled: false)')
    .option('--print-emails', 'print emails to this terminal when no SMTP server is configured; for a local trial only')
    .action(async (options) => {
      const context = await openContext(globals());
      const { pino } = await import('pino');
      const log = pino({ level: process.env.LOG_LEVEL ?? 'info' });
      const mailer = options.printEmails && !smtpConfigured(context.config) ? terminalMailer() : undefined;
      const jobs = await startJobs({
        ...jobSettings(process.env),
        store: context.store,
        config: context.config,
        log: log.child({ component: 'jobs' }),
        role: 'worker',
        work: true,
        scheduleSyncs: scheduleSyncs(Boolean(options.sync), context.config, log),
        ...(mailer ? { mailer } : {}),
      });
      onShutdown(async () => {
        await jobs.stop();
        await context.store.close();
      });
      process.stderr.write(`${context.config.program.name} worker ${jobs.instanceId} is running (${context.store.engine})\n`);
    });
}

function scheduleSyncs(cliAllows: boolean, config: ProgramConfig, log: { info(details: object, message: string): void }): boolean {
  const configAllows = scheduleEnabled(config);
  if (!cliAllows || !configAllows) {
    log.info({ reason: cliAllows ? 'sources.schedule.enabled is false' : '--no-sync' }, 'sync schedule off; syncs run only from the console or `ambassador sync`');
  }
  return cliAllows && configAllows;
}

/**
 * Settings of the job side read from the environment: AMBASSADOR_HEARTBEAT_SECONDS (10),
 * AMBASSADOR_STOP_GRACE_SECONDS (30) and, for trials and tests, AMBASSADOR_SYNC_INTERVAL_SECONDS
 * (every source at that interval, whatever the config says).
 */
export function jobSettings(env: NodeJS.ProcessEnv): Pick<JobsOptions, 'heartbeatSeconds' | 'stopGraceMs' | 'overrides' | 'pollingIntervalSeconds'> {
  const seconds = (name: string): number | undefined => {
    const value = env[name];
    if (value === undefined || value === '') return undefined;
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed <= 0) throw new UserError(`${name}: expected a number of seconds > 0, got "${value}"`);
    return parsed;
  };
  const heartbeatSeconds = seconds('AMBASSADOR_HEARTBEAT_SECONDS');
  const grace = seconds('AMBASSADOR_STOP_GRACE_SECONDS');
  const interval = seconds('AMBASSADOR_SYNC_INTERVAL_SECONDS');
  return {
    ...(heartbeatSeconds ? { heartbeatSeconds, pollingIntervalSeconds: Math.max(0.5, Math.min(2, heartbeatSeconds)) } : {}),
    ...(grace ? { stopGraceMs: grace * 1000 } : {}),
    ...(interval ? { overrides: { intervalSeconds: interval } } : {}),
  };
}

/** SIGINT and SIGTERM stop the process once, in order; a second signal ends it at once. */
function onShutdown(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = () => {
    if (stopping) process.exit(1);
    stopping = true;
    stop()
      .then(() => process.exit(0))
      .catch((error: Error) => {
        process.stderr.write(`ambassador: shutdown failed: ${error.message}\n`);
        process.exit(1);
      });
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
