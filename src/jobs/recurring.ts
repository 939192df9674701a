// THE list of recurring work. Every job below runs through the PostgreSQL-backed queue
// (queue.ts) on whichever worker fetches it, once per tick across all instances: a tick's job
// id is derived from the queue, the key and the tick. To add recurring work (retention, a
// digest, …), add one entry here; the worker (worker.ts) schedules and runs it.
import type { ProgramConfig } from '../domain/config-schema.js';
import { toIsoDate } from '../domain/dates.js';
import { checkLapses } from '../notify/lapses.js';
import { publishDueAnnouncements } from '../notify/announcements.js';
import type { Notifier } from '../notify/notifier.js';
import { parseNotificationSettings } from '../notify/settings.js';
import type { Store } from '../store/db.js';
import { sendManagersDigest } from '../notify/digest.js';
import { purgeRateLimits } from '../store/rate-limits.js';
import { purgeExpiredSignInState } from '../store/sessions.js';
import type { RunRecord } from '../sync/engine.js';
import { catchUpTick, lastFullRuns, plannedSources, scheduleEnabled, type ScheduleOverrides } from '../sync/scheduler.js';
import type { ScheduleSpec } from '../sync/schedule-spec.js';
import { webDb } from '../web/queries/tables.js';
import { previousTick } from './ticks.js';
import { alertsJob, OPERATIONS_SCHEDULES, retentionJob } from '../ops/jobs.js';
import { queueSchema } from './queue.js';
import { scheduleSpec } from '../sync/schedule-spec.js';

/** The pino methods jobs log with (Fastify's `app.log` and pino loggers fit). */
export interface JobLog {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface JobContext {
  store: Store;
  config: ProgramConfig;
  notifier: Notifier;
  now: () => Date;
  log: JobLog;
  /** How one source runs (runSync for that source alone; tests pass their own). */
  runSource: (source: string) => Promise<RunRecord[]>;
}

export interface JobData {
  /** The key of the work: a source for syncs, the queue's name otherwise. */
  key: string;
  /** The tick this job is for (ISO), absent for a manual run. */
  tick?: string;
  trigger: 'schedule' | 'catch-up' | 'manual';
}

export interface PlannedTick {
  key: string;
  spec: ScheduleSpec;
}

export interface RecurringJob {
  queue: string;
  /** stately: at most one waiting and one running job per key, so runs of a key never overlap. */
  policy: 'stately' | 'standard';
  retryLimit: number;
  /** First retry delay; pg-boss doubles it on each retry (backoff). */
  retryDelaySeconds: number;
  /** A running job older than this is failed by pg-boss (a backstop; dead workers are reaped sooner). */
  expireInSeconds: number;
  /** What to enqueue on which schedule, one entry per key. */
  plan(config: ProgramConfig, overrides: ScheduleOverrides): PlannedTick[];
  /** The tick to enqueue when a worker starts, when one was missed. */
  catchUp?(context: JobContext, planned: PlannedTick[]): Promise<Map<string, Date>>;
  run(context: JobContext, data: JobData): Promise<unknown>;
}

export const every = (seconds: number): ScheduleSpec => ({ kind: 'interval', seconds, text: `${seconds}s` });

export const SYNC_JOB: RecurringJob = {
  queue: 'sync',
  policy: 'stately',
  retryLimit: 2,
  retryDelaySeconds: 2,
  expireInSeconds: 6 * 3600,
  plan: (config, overrides) => (scheduleEnabled(config) ? plannedSources(config, overrides).map((p) => ({ key: p.name, spec: p.spec })) : []),
  async catchUp(context, planned) {
    const lastRuns = await lastFullRuns(context.store.db);
    const due = new Map<string, Date>();
    for (const { key, spec } of planned) {
      const tick = catchUpTick(spec, lastRuns.get(key) ?? null, context.now());
      if (tick) due.set(key, tick);
    }
    return due;
  },
  async run(context, data) {
    const startedAt = Date.now();
    context.log.info({ source: data.key, trigger: data.trigger, tick: data.tick ?? null }, 'sync started');
    const records = await context.runSource(data.key);
    for (const { id, ...record } of records) {
      const details = { ...record, runId: id, trigger: data.trigger, tick: data.tick ?? null, durationMs: Date.now() - startedAt };
      if (record.status === 'ok') context.log.info(details, 'sync finished');
      else context.log.warn(details, 'sync failed');
    }
    return { runs: records.map((r) => ({ id: r.id, status: r.status })) };
  },
};

/**
 * A job with one key (its queue's name) on a fixed schedule: the shape of most recurring work.
 * Retention or a digest is one more `recurringJob('retention', () => every(3600), run)` below.
 */
export function recurringJob(queue: string, spec: (config: ProgramConfig) => ScheduleSpec, run: RecurringJob['run'], options: Partial<RecurringJob> = {}): RecurringJob {
  return {
    queue,
    policy: 'stately',
    retryLimit: 3,
    retryDelaySeconds: 30,
    expireInSeconds: 30 * 60,
    plan: (config) => [{ key: queue, spec: spec(config) }],
    ...options,
    run,
  };
}

export const RECURRING_JOBS: RecurringJob[] = [
  // Source syncs: one job per source per tick of its schedule.
  SYNC_JOB,
  // Lapse warnings and lapses, daily at notifications.lapseCheckHourUtc (idempotent: each
  // notification has its key), caught up at start when today's check time has passed.
  recurringJob(
    'lapse_check',
    (config) => ({ kind: 'cron', pattern: `0 ${parseNotificationSettings(config.notifications).lapseCheckHourUtc} * * *`, text: 'daily' }),
    async (context) => {
      const result = await checkLapses(webDb(context.store.db), context.config, context.notifier, toIsoDate(context.now()));
      context.log.info({ warned: result.warned.length, lapsed: result.lapsed.length }, 'lapse check done');
      return { warned: result.warned.length, lapsed: result.lapsed.length };
    },
    {
      async catchUp(context, planned) {
        const due = new Map<string, Date>();
        for (const { key, spec } of planned) {
          const tick = previousTick(spec, context.now());
          if (tick && toIsoDate(tick) === toIsoDate(context.now())) due.set(key, tick);
        }
        return due;
      },
    },
  ),
  // The notification outbox: retries whose time came and sends whose lease ran out.
  recurringJob('outbox_delivery', () => every(15), async (context) => context.notifier.deliverDue(100), { retryLimit: 0, expireInSeconds: 10 * 60 }),
  // Award announcements scheduled by a manager (publish the draft, email the winners).
  recurringJob('announcements', () => every(300), async (context) => {
    const run = await publishDueAnnouncements(context.store, context.config, context.now(), { notifier: context.notifier });
    if (run.published.length || run.announced.length) context.log.info({ ...run }, 'announcements published');
    return run;
  }),
  // Expired sessions, sign-in links and OAuth round trips.
  recurringJob('purge_sign_in_state', () => every(3600), async (context) => purgeExpiredSignInState(context.store.db, context.now())),
  // Rate-limit windows that ended more than a day ago.
  recurringJob('purge_rate_limits', () => every(3600), async (context) => ({ deleted: await purgeRateLimits(context.store.db, new Date(context.now().getTime() - 86_400_000)) })),
  // Retention (src/ops/retention.ts): old notifications, run records, validators, the audit log if set.
  recurringJob('retention', () => scheduleSpec(OPERATIONS_SCHEDULES.retention), async (context) => {
    const outcome = await retentionJob(context.store.db, context.config, context.now());
    context.log.info({ ...outcome }, 'retention done');
    return outcome;
  }),
  // Alerts (src/ops/alerts.ts): a source failing N runs in a row, a stuck queue; once per incident.
  recurringJob('alerts', () => scheduleSpec(OPERATIONS_SCHEDULES.alerts), async (context) => alertsJob(context.store.db, context.config, context.notifier, context.now(), { log: context.log, queueSchema: queueSchema(context.store) }), { retryLimit: 0 }),
  // The managers' daily digest (once per manager per day, keyed by date).
  recurringJob('managers_digest', () => ({ kind: 'cron', pattern: '0 7 * * *', text: 'daily' }), async (context) => {
    const { content, outcomes } = await sendManagersDigest(context.store.db, { notifier: context.notifier, config: context.config }, context.now());
    return { date: content.date, managers: outcomes.length };
  }),
];
