// The sync schedule inside `serve`: every enabled source runs on its own schedule
// (sources.<name>.schedule, an interval or a cron pattern in UTC) through croner timers. Runs of
// one source never overlap: a run that comes due while the previous one still works is skipped
// and logged, and "run now" from the console goes through the same guard. Sources run
// independently, so a slow or failing source holds up no other. A source whose time passed
// while the server was down (judged by its last full run in sync_runs) runs at start.
import { Cron } from 'croner';
import type { Kysely } from 'kysely';
import type { ProgramConfig } from '../domain/config-schema.js';
import type { Store } from '../store/db.js';
import { UserError } from '../store/errors.js';
import type { Database } from '../store/schema.js';
import { runSync, type RunRecord } from './engine.js';
import { SOURCES, SOURCE_NAMES, type RegisteredSource } from './registry.js';
import { scheduleSpec, type ScheduleSpec } from './schedule-spec.js';
import { parseSourcesSettings } from './settings.js';

type SourceName = RegisteredSource['name'];

/** The pino methods the scheduler logs with (Fastify's `app.log` fits). */
export interface SchedulerLog {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export type RunTrigger = 'schedule' | 'catch-up' | 'manual';

export interface SchedulerOptions {
  store: Store;
  config: ProgramConfig;
  log: SchedulerLog;
  /** How one source runs; by default `runSync` for that source alone. */
  runSource?: (source: string) => Promise<RunRecord[]>;
  /** Schedules used instead of the configured ones (tests use one-second intervals). */
  schedules?: Partial<Record<SourceName, ScheduleSpec>>;
  now?: () => Date;
  /** How long `stop` waits for runs in progress before it gives up on them (default 30 s). */
  stopGraceMs?: number;
}

export interface Scheduler {
  /** Starts the timers of the enabled sources and runs those that are due. */
  start(): Promise<void>;
  /** Stops the timers, then waits (up to the grace period) for runs in progress. */
  stop(): Promise<void>;
  /** Runs one source, or every enabled source, now; a source already running is skipped. */
  runNow(source?: string): Promise<RunRecord[]>;
  /** Sources with a run in progress. */
  running(): string[];
  /** When the source's timer fires next, or null when it has none. */
  nextRun(source: string): Date | null;
}

interface PlannedSource {
  name: SourceName;
  spec: ScheduleSpec;
}

export function createScheduler(options: SchedulerOptions): Scheduler {
  const { log } = options;
  const now = options.now ?? (() => new Date());
  const runSource = options.runSource ?? ((source: string) => runSync(options.store, options.config, { source }));
  const inProgress = new Map<string, Promise<RunRecord[]>>();
  const jobs = new Map<string, Cron>();
  let stopped = false;

  function runOne(source: string, trigger: RunTrigger): Promise<RunRecord[]> {
    if (stopped) {
      log.warn({ source, trigger }, 'sync not started: the scheduler is stopping');
      return Promise.resolve([]);
    }
    if (inProgress.has(source)) {
      log.warn({ source, trigger }, 'sync skipped: the previous run of this source is still running');
      return Promise.resolve([]);
    }
    const run = guardedRun(source, trigger, runSource, log).finally(() => inProgress.delete(source));
    inProgress.set(source, run);
    return run;
  }

  return {
    async start() {
      stopped = false;
      const planned = plannedSources(options);
      const lastRuns = await lastFullRuns(options.store.db);
      for (const { name, spec } of planned) {
        const last = lastRuns.get(name) ?? null;
        const job = timerFor(spec, last, now(), () => void runOne(name, 'schedule'));
        jobs.set(name, job);
        const catchUp = spec.kind === 'cron' && missedCronTime(job, last, now());
        log.info({ source: name, schedule: spec.text, lastRun: last?.toISOString() ?? null, nextRun: catchUp ? 'now' : (job.nextRun()?.toISOString() ?? null) }, 'sync scheduled');
        if (catchUp) void runOne(name, 'catch-up');
      }
    },
    async stop() {
      stopped = true;
      for (const job of jobs.values()) job.stop();
      jobs.clear();
      await waitForRuns([...inProgress.entries()], options.stopGraceMs ?? 30_000, log);
    },
    async runNow(source) {
      if (source && !SOURCE_NAMES.includes(source as SourceName)) {
        throw new UserError(`unknown source "${source}"; expected one of ${SOURCE_NAMES.join(', ')}`);
      }
      const names = source ? [source] : plannedSources(options).map((planned) => planned.name);
      const records = await Promise.all(names.map((name) => runOne(name, 'manual')));
      return records.flat();
    },
    running: () => [...inProgress.keys()],
    nextRun: (source) => jobs.get(source)?.nextRun() ?? null,
  };
}

/** The enabled sources, in registry order, with their schedules. */
function plannedSources(options: Pick<SchedulerOptions, 'config' | 'schedules'>): PlannedSource[] {
  const settings = parseSourcesSettings(options.config.sources);
  return SOURCES.filter((source) => settings[source.name].enabled).map((source) => ({
    name: source.name,
    spec: options.schedules?.[source.name] ?? scheduleSpec(settings[source.name].schedule),
  }));
}

/**
 * An interval runs first when the last run is an interval old (at once when it is older or
 * there is none), then every interval; croner's `interval` over a per-second pattern does it.
 */
function timerFor(spec: ScheduleSpec, lastRun: Date | null, now: Date, fire: () => void): Cron {
  const common = { unref: true, catch: true } as const;
  if (spec.kind === 'cron') return new Cron(spec.pattern, { ...common, mode: '5-part', timezone: 'UTC' }, fire);
  const due = lastRun ? Math.max(now.getTime(), lastRun.getTime() + spec.seconds * 1000) : now.getTime();
  return new Cron('* * * * * *', { ...common, interval: spec.seconds, startAt: new Date(due) }, fire);
}

/** A cron time fell between the last run and now (the server was down, or never ran it). */
function missedCronTime(job: Cron, lastRun: Date | null, now: Date): boolean {
  if (!lastRun) return true;
  const previous = job.previousRuns(1, now)[0];
  return previous !== undefined && previous.getTime() > lastRun.getTime();
}

/** When each source last started a full run (runs scoped to one member do not count). */
async function lastFullRuns(db: Kysely<Database>): Promise<Map<string, Date>> {
  const rows = await db
    .selectFrom('sync_runs')
    .select(['source', (eb) => eb.fn.max<Date>('started_at').as('started_at')])
    .where('scope', 'is', null)
    .where('source', 'in', SOURCE_NAMES)
    .groupBy('source')
    .execute();
  return new Map(rows.map((row) => [row.source, new Date(row.started_at)]));
}

/** One run with its structured log lines; never throws, so no source can break the timers. */
async function guardedRun(
  source: string,
  trigger: RunTrigger,
  runSource: (source: string) => Promise<RunRecord[]>,
  log: SchedulerLog,
): Promise<RunRecord[]> {
  const startedAt = Date.now();
  log.info({ source, trigger }, 'sync started');
  try {
    const records = await runSource(source);
    for (const { id, ...record } of records) {
      const details = { ...record, runId: id, trigger, durationMs: Date.now() - startedAt };
      if (record.status === 'ok') log.info(details, 'sync finished');
      else log.warn(details, 'sync failed');
    }
    return records;
  } catch (error) {
    log.error({ source, trigger, durationMs: Date.now() - startedAt, error: (error as Error).message }, 'sync failed');
    return [];
  }
}

async function waitForRuns(runs: [string, Promise<unknown>][], graceMs: number, log: SchedulerLog): Promise<void> {
  if (runs.length === 0) return;
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), graceMs);
    timer.unref();
  });
  const finished = Promise.allSettled(runs.map(([, run]) => run)).then(() => false);
  if (await Promise.race([finished, gaveUp])) {
    // Each batch is stored with its cursor, so an abandoned run loses at most the batch in hand.
    log.warn({ sources: runs.map(([source]) => source), graceMs }, 'stopped without waiting longer for syncs in progress; they resume from their last stored batch');
  }
  clearTimeout(timer);
}
