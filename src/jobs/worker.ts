// The job side of a process: `ambassador serve` (web and jobs), `ambassador worker` (jobs
// only); `serve --no-worker` opens the queue only to enqueue "run now". A worker registers
// itself with a heartbeat, runs the recurring jobs of recurring.ts as they come due, and
// reaps dead instances: their claimed jobs are failed in the queue (pg-boss retries them with
// backoff, on this worker or another) and their sync runs are closed as failed. On stop it
// takes no new jobs, waits up to the grace period for the running ones, and hands back the
// rest the same way, so a SIGTERM during a long run loses at most the batch in hand.
import { randomUUID } from 'node:crypto';
import type { ProgramConfig } from '../domain/config-schema.js';
import type { Mailer } from '../notify/mailer.js';
import { programNotifier } from '../notify/announcements.js';
import type { Notifier } from '../notify/notifier.js';
import type { Store } from '../store/db.js';
import { UserError } from '../store/errors.js';
import { runSync, type RunRecord } from '../sync/engine.js';
import { SOURCE_NAMES } from '../sync/registry.js';
import { plannedSources, type ScheduleOverrides } from '../sync/scheduler.js';
import { claimJob, failOrphanedRuns, heartbeat, newInstanceId, reapDeadInstances, registerInstance, releaseJob, removeInstance, type ProcessRole } from './instances.js';
import { openQueue, tickJobId, type Queue } from './queue.js';
import { RECURRING_JOBS, SYNC_JOB, type JobContext, type JobData, type JobLog, type RecurringJob } from './recurring.js';
import { startTicker, type Ticker } from './ticks.js';

/** How many sync jobs one worker runs at once. */
const SYNC_CONCURRENCY = 3;

export interface JobsOptions {
  store: Store;
  config: ProgramConfig;
  log: JobLog;
  role: ProcessRole;
  /** Run the recurring jobs (false for `serve --no-worker`). */
  work: boolean;
  /** Enqueue the source syncs on their schedules (false with --no-sync). */
  scheduleSyncs?: boolean;
  version?: string;
  overrides?: ScheduleOverrides;
  /** Heartbeat period in seconds (default 10); an instance silent for 5 periods is dead. */
  heartbeatSeconds?: number;
  /** How long stop() waits for running jobs (default 30 s). */
  stopGraceMs?: number;
  pollingIntervalSeconds?: number;
  queueSchema?: string;
  notifier?: Notifier;
  mailer?: Mailer | null;
  runSource?: (source: string) => Promise<RunRecord[]>;
  jobs?: RecurringJob[];
  now?: () => Date;
}

export interface Jobs {
  instanceId: string;
  queue: Queue;
  /** Enqueues a sync of one source, or of every enabled source, now; true per source queued. */
  runNow(source?: string): Promise<{ source: string; queued: boolean }[]>;
  /** Jobs running in this process, by queue. */
  running(): { queue: string; key: string; jobId: string }[];
  /** One heartbeat and one reap now (the timer does it every period). */
  beat(): Promise<void>;
  stop(): Promise<void>;
}

export async function startJobs(options: JobsOptions): Promise<Jobs> {
  const { store, log } = options;
  const now = options.now ?? (() => new Date());
  const jobs = options.jobs ?? RECURRING_JOBS;
  const heartbeatSeconds = options.heartbeatSeconds ?? 10;
  const instanceId = newInstanceId();
  const queue = await openQueue(store, {
    schema: options.queueSchema,
    supervise: options.work,
    onError: (error) => log.warn({ err: error.message }, 'job queue error'),
  });
  for (const job of jobs) {
    await queue.createQueue(job.queue, {
      name: job.queue,
      policy: job.policy,
      retryLimit: job.retryLimit,
      retryDelay: job.retryDelaySeconds,
      retryBackoff: true,
      expireInSeconds: job.expireInSeconds,
    });
  }
  await registerInstance(store.db, instanceId, options.role, options.version ?? 'dev');

  const context: JobContext = {
    store,
    config: options.config,
    notifier: options.notifier ?? programNotifier(store, options.config, now, { mailer: options.mailer }),
    now,
    log,
    runSource: options.runSource ?? ((source) => runSync(store, options.config, { source })),
  };
  const inFlight = new Map<string, { queue: string; key: string; source: string | null; done: Promise<unknown> }>();
  const tickers: Ticker[] = [];
  let stopping = false;

  async function send(job: RecurringJob, data: JobData, id?: string): Promise<boolean> {
    const sent = await queue.send(job.queue, data, { singletonKey: data.key, ...(id ? { id } : {}) });
    return sent !== null;
  }

  function enqueueTick(job: RecurringJob, key: string, tick: Date, trigger: JobData['trigger']): void {
    if (stopping) return;
    send(job, { key, tick: tick.toISOString(), trigger }, tickJobId(job.queue, key, tick))
      .then((queued) => {
        if (queued) log.info({ queue: job.queue, key, tick: tick.toISOString(), trigger }, 'job queued');
      })
      .catch((error: Error) => log.error({ queue: job.queue, key, err: error.message }, 'could not queue a job'));
  }

  async function reap(): Promise<void> {
    const { instances, claims } = await reapDeadInstances(store.db, heartbeatSeconds * 5);
    for (const claim of claims) {
      const reason = `the process running it (${claim.instance_id}) stopped before the run finished; the job is retried`;
      const closed = await failOrphanedRuns(store.db, claim, reason);
      await queue.fail(claim.queue, claim.job_id, { reason });
      log.warn({ queue: claim.queue, jobId: claim.job_id, source: claim.source, instance: claim.instance_id, runsClosed: closed }, 'reaped a job of a dead instance');
    }
    if (instances.length) log.warn({ instances }, 'reaped dead instances');
  }

  async function beat(): Promise<void> {
    if (!(await heartbeat(store.db, instanceId))) {
      // Reaped while alive (a long pause): register again; the reaped jobs are being retried.
      log.warn({ instance: instanceId }, 'this instance was reaped as dead; registering again');
      await registerInstance(store.db, instanceId, options.role, options.version ?? 'dev');
    }
    if (options.work) await reap();
  }
  const beatTimer = setInterval(() => void beat().catch((error: Error) => log.warn({ err: error.message }, 'heartbeat failed')), heartbeatSeconds * 1000);
  beatTimer.unref();

  if (options.work) {
    for (const job of jobs) {
      // Sources run side by side (one slow source holds up no other); the queue's policy still
      // keeps each source to one run at a time.
      const loops = job === SYNC_JOB ? SYNC_CONCURRENCY : 1;
      for (let loop = 0; loop < loops; loop += 1) await queue.work<JobData>(job.queue, { pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2 }, async ([queued]) => {
        if (!queued) return;
        // Fetched as this process stops: fail it, so another worker runs it.
        if (stopping) throw new Error('the worker is stopping');
        const data = queued.data;
        const source = job === SYNC_JOB ? data.key : null;
        await claimJob(store.db, { jobId: queued.id, queue: job.queue, instanceId, source });
        const done = job.run(context, data);
        inFlight.set(queued.id, { queue: job.queue, key: data.key, source, done: done.catch(() => undefined) });
        try {
          return await done;
        } finally {
          inFlight.delete(queued.id);
          await releaseJob(store.db, queued.id).catch(() => undefined);
        }
      });
      const planned = job === SYNC_JOB && options.scheduleSyncs === false ? [] : job.plan(options.config, options.overrides ?? {});
      for (const { key, spec } of planned) {
        tickers.push(startTicker(spec, (tick) => enqueueTick(job, key, tick, 'schedule'), now));
        log.info({ queue: job.queue, key, schedule: spec.text }, 'job scheduled');
      }
      if (job.catchUp && planned.length) {
        for (const [key, tick] of await job.catchUp(context, planned)) enqueueTick(job, key, tick, 'catch-up');
      }
    }
    await reap();
  }

  return {
    instanceId,
    queue,
    async runNow(source) {
      if (source && !SOURCE_NAMES.includes(source as (typeof SOURCE_NAMES)[number])) {
        throw new UserError(`unknown source "${source}"; expected one of ${SOURCE_NAMES.join(', ')}`);
      }
      const names = source ? [source] : plannedSources(options.config).map((p) => p.name);
      const outcomes = [];
      for (const name of names) outcomes.push({ source: name, queued: await send(SYNC_JOB, { key: name, trigger: 'manual' }, randomUUID()) });
      return outcomes;
    },
    running: () => [...inFlight.entries()].map(([jobId, job]) => ({ queue: job.queue, key: job.key, jobId })),
    beat,
    async stop() {
      stopping = true;
      for (const ticker of tickers) ticker.stop();
      clearInterval(beatTimer);
      const graceMs = options.stopGraceMs ?? 30_000;
      // pg-boss takes no new jobs, waits up to the grace period for the running ones, then
      // fails those still running, which puts them up for a retry on another worker.
      const running = [...inFlight.entries()];
      await queue.stop({ graceful: true, close: false, wait: true, timeout: graceMs }).catch(() => undefined);
      queue.detach();
      await waitForJobs(running.map(([, job]) => job.done), 0);
      for (const [jobId, job] of inFlight) {
        // Still running after the grace period: close its run record; the job is retried.
        const reason = 'the process stopped before the run finished; the job is retried';
        await failOrphanedRuns(store.db, { job_id: jobId, queue: job.queue, instance_id: instanceId, source: job.source, started_at: new Date(0) }, reason).catch(() => 0);
        log.warn({ queue: job.queue, key: job.key, jobId, graceMs }, 'stopped without waiting longer for a job; it is retried, from its last stored batch for a sync');
      }
      await removeInstance(store.db, instanceId).catch(() => undefined);
    },
  };
}

async function waitForJobs(running: Promise<unknown>[], graceMs: number): Promise<void> {
  if (running.length === 0) return;
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, graceMs);
    timer.unref();
  });
  await Promise.race([Promise.allSettled(running), gaveUp]);
  clearTimeout(timer);
}
