// The sync schedule as jobs: sources run on their ticks (one-second intervals here) through the
// PostgreSQL-backed queue, on both engines. Two workers on one database run each tick once;
// a source never runs twice at the same time; a failing source stops no other; missed times
// are caught up at start (and only then); a dead instance's job is reaped, its run record
// closed as failed and the job run again by a live worker; the schedule settings are validated.
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { disabled, syncConfig } from '../support/sync-config.js';
import { fullConfigSchema } from '../../src/config/full-schema.js';
import { buildConfig } from '../../src/domain/config.js';
import { heartbeat } from '../../src/jobs/instances.js';
import { RECURRING_JOBS, SYNC_JOB, type JobLog } from '../../src/jobs/recurring.js';
import { catchUpTick } from '../../src/sync/scheduler.js';
import { queueHealth } from '../../src/web/admin/processes.js';
import { startJobs, type Jobs, type JobsOptions } from '../../src/jobs/worker.js';
import { openStore } from '../../src/store/db.js';
import { linkIdentity } from '../../src/store/identities.js';
import { addMember } from '../../src/store/members.js';
import type { RunRecord } from '../../src/sync/engine.js';
import { wordpressRss } from '../fakes/feeds.js';
import { startFakeServer, type FakeServer } from '../fakes/server.js';
import { ENGINES, freshStore, POSTGRES_URL, type TestStore } from '../support/engines.js';

let feeds: FakeServer;
beforeAll(async () => {
  feeds = await startFakeServer((req) =>
    req.path === '/blog/feed' ? { body: wordpressRss(feeds.url), headers: { 'content-type': 'application/rss+xml' } } : { status: 404, body: 'not found' },
  );
  await (await freshStore('pglite')).dispose();
});
afterAll(() => feeds.close());

function config(sources: Record<string, unknown> = {}) {
  return syncConfig({ ...disabled('github', 'discourse', 'packagist', 'ical'), ...sources });
}

const EVERY_SECOND = { kind: 'interval', seconds: 1, text: '1s' } as const;
const quiet: JobLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

function record(source: string, status: 'ok' | 'failed' = 'ok', error: string | null = null): RunRecord {
  return { id: 1, source, status, itemsNew: 0, itemsUpdated: 0, itemsUnchanged: 0, requests: 1, notModified: 0, rateLimitedWaits: 0, identitiesFlagged: 0, identitiesOk: 0, identitiesFailed: 0, identitiesSkipped: 0, partsFailed: 0, warnings: [], error };
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Only the sync job: the other recurring jobs are not under test here. */
const ONLY_SYNC = [SYNC_JOB];

describe.each(ENGINES)('sync jobs on %s', (engine) => {
  let store: TestStore;
  let queueSchema: string;
  const started: Jobs[] = [];
  beforeEach(async () => {
    store = await freshStore(engine);
    queueSchema = `q_${randomBytes(5).toString('hex')}`;
  });
  afterEach(async () => {
    await Promise.all(started.splice(0).map((jobs) => jobs.stop()));
    await store.dispose();
    if (engine === 'postgres') {
      const admin = await openStore({ databaseUrl: POSTGRES_URL, maxConnections: 1 });
      await sql`drop schema if exists ${sql.id(queueSchema)} cascade`.execute(admin.db);
      await admin.close();
    }
  });

  async function worker(options: Partial<JobsOptions> = {}): Promise<Jobs> {
    const jobs = await startJobs({ store, config: config(), log: quiet, role: 'worker', work: true, queueSchema, jobs: ONLY_SYNC, pollingIntervalSeconds: 0.5, stopGraceMs: 5000, ...options });
    started.push(jobs);
    return jobs;
  }

  it('runs the real sync of a source on its ticks, each tick once with two workers on one database', async () => {
    const jane = await addMember(store.db, { handle: 'jane', name: 'Jane', email: 'jane@example.org', joinedAt: '2025-06-01' }, 'test');
    await linkIdentity(store.db, jane.id, { platform: 'feed', externalId: `${feeds.url}/blog/feed` }, { verified: true }, 'test');
    const output: string[] = [];
    const sink = new Writable({ write: (chunk, _encoding, done) => void (output.push(String(chunk)), done()) });
    const log = pino({ base: undefined }, sink);
    const cfg = config({ stackexchange: { enabled: false } });
    await worker({ config: cfg, log, overrides: { schedules: { feeds: EVERY_SECOND } } });
    await worker({ config: cfg, log, overrides: { schedules: { feeds: EVERY_SECOND } } });
    const lines = () => output.map((line) => JSON.parse(line) as Record<string, unknown>);
    await until(() => lines().filter((line) => line.msg === 'sync finished').length >= 4);
    const finished = lines().filter((line) => line.msg === 'sync finished');
    expect(finished[0]).toMatchObject({ source: 'feeds', status: 'ok', error: null });
    expect(finished.some((line) => (line.itemsNew as number) > 0)).toBe(true);
    // One run per tick, whichever worker ran it.
    const ticks = finished.map((line) => line.tick);
    expect(new Set(ticks).size).toBe(ticks.length);
    const queued = lines().filter((line) => line.msg === 'job queued').map((line) => `${line.key}@${line.tick}`);
    expect(new Set(queued).size).toBe(queued.length);
  });

  it('never runs a source twice at the same time, and a failing source stops no other', async () => {
    let concurrent = 0;
    let maxConcurrent = 0;
    const calls: string[] = [];
    await worker({
      config: config(),
      overrides: { schedules: { feeds: EVERY_SECOND, stackexchange: EVERY_SECOND } },
      runSource: async (source) => {
        calls.push(source);
        if (source === 'stackexchange') throw new Error('upstream exploded');
        concurrent += 1;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        await new Promise((resolve) => setTimeout(resolve, 2500));
        concurrent -= 1;
        return [record(source)];
      },
    });
    await until(() => calls.filter((c) => c === 'feeds').length >= 2 && calls.filter((c) => c === 'stackexchange').length >= 2);
    expect(maxConcurrent).toBe(1);
  });

  it('catches up a source that is due at start, and only then', async () => {
    await store.db.insertInto('sync_runs').values({ source: 'feeds', scope: null, started_at: new Date(Date.now() - 10 * 60_000), status: 'ok' }).execute();
    const calls: string[] = [];
    await worker({ config: config({ feeds: { schedule: '1h' }, stackexchange: { schedule: '0 * * * *' } }), runSource: async (source) => (calls.push(source), [record(source)]) });
    // stackexchange never ran: it runs at once; feeds ran ten minutes ago: not now.
    await until(() => calls.includes('stackexchange'));
    expect(calls).toEqual(['stackexchange']);
    expect(catchUpTick({ kind: 'interval', seconds: 3600, text: '1h' }, new Date('2026-06-01T10:50:00Z'), new Date('2026-06-01T11:10:00Z'))).toBeNull();
    expect(catchUpTick({ kind: 'interval', seconds: 3600, text: '1h' }, new Date('2026-06-01T09:50:00Z'), new Date('2026-06-01T11:10:00Z'))).toEqual(new Date('2026-06-01T11:00:00Z'));
    expect(catchUpTick({ kind: 'cron', pattern: '0 * * * *', text: '0 * * * *' }, new Date('2026-06-01T10:59:00Z'), new Date('2026-06-01T11:01:00Z'))).toEqual(new Date('2026-06-01T11:00:00Z'));
  });

  it('reaps a dead instance: its run is closed as failed and the job runs again on a live worker', async () => {
    let firstCall = true;
    const ran: string[] = [];
    // The first worker "dies" inside its run: it never returns and its heartbeat stops.
    const doomed = await worker({
      heartbeatSeconds: 60,
      runSource: async (source) => {
        if (firstCall) {
          firstCall = false;
          await store.db.insertInto('sync_runs').values({ source, scope: null, status: 'running' }).execute();
          return new Promise<RunRecord[]>(() => undefined);
        }
        ran.push(source);
        return [record(source)];
      },
      config: config({ stackexchange: { enabled: false } }),
    });
    await doomed.runNow('feeds');
    await until(async () => (await store.db.selectFrom('job_claims').select('job_id').execute()).length === 1);
    await doomed.queue.offWork('sync');
    await sql`update process_instances set heartbeat_at = now() - interval '1 hour' where id = ${doomed.instanceId}`.execute(store.db);
    const live = await worker({ heartbeatSeconds: 1, config: config({ stackexchange: { enabled: false } }), runSource: async (source) => (ran.push(source), [record(source)]) });
    await live.beat();
    await until(() => ran.length >= 1);
    const runs = await store.db.selectFrom('sync_runs').select(['status', 'error']).execute();
    expect(runs).toEqual([{ status: 'failed', error: expect.stringContaining('stopped before the run finished') }]);
    expect(await heartbeat(store.db, doomed.instanceId)).toBe(false);
    expect(ran).toEqual(['feeds']);
  });

  it('hands back a run still going when the grace period of a stop ends: run failed, job retried elsewhere', async () => {
    const ran: string[] = [];
    const stopping = await worker({
      stopGraceMs: 300,
      config: config({ stackexchange: { enabled: false } }),
      runSource: async (source) => {
        await store.db.insertInto('sync_runs').values({ source, scope: null, status: 'running' }).execute();
        return new Promise<RunRecord[]>(() => undefined);
      },
    });
    await stopping.runNow('feeds');
    await until(async () => (await store.db.selectFrom('job_claims').select('job_id').execute()).length === 1);
    await stopping.stop();
    started.splice(started.indexOf(stopping), 1);
    expect(await store.db.selectFrom('sync_runs').select(['status', 'error']).execute()).toEqual([{ status: 'failed', error: expect.stringContaining('stopped before the run finished') }]);
    await worker({ config: config({ stackexchange: { enabled: false } }), runSource: async (source) => (ran.push(source), [record(source)]) });
    await until(() => ran.length === 1);
    expect(ran).toEqual(['feeds']);
  });

  it('refuses an unknown source for a manual run, and shows a queued one in the queue health', async () => {
    const jobs = await worker({ work: false });
    await expect(jobs.runNow('myspace')).rejects.toThrow(/unknown source "myspace"/);
    expect(await jobs.runNow('feeds')).toEqual([{ source: 'feeds', queued: true }]);
    // One waiting and one running per source: a second "run now" while one waits is folded in.
    expect(await jobs.runNow('feeds')).toEqual([{ source: 'feeds', queued: false }]);
    const health = await queueHealth({ store, db: store.db }, queueSchema);
    expect(health).toEqual([expect.objectContaining({ queue: 'sync', waiting: 1, running: 0 })]);
  });
});

describe('the recurring jobs', () => {
  it('are listed once each, with their queues', () => {
    const queues = RECURRING_JOBS.map((job) => job.queue);
    expect(new Set(queues).size).toBe(queues.length);
    expect(queues).toEqual(expect.arrayContaining(['sync', 'lapse_check', 'outbox_delivery', 'announcements', 'purge_sign_in_state', 'purge_rate_limits', 'retention', 'alerts', 'managers_digest']));
  });
});

describe('schedule settings', () => {
  it('are validated by path with the reason', () => {
    const result = buildConfig({ sources: { feeds: { schedule: 'often' }, github: { schedule: '1m' }, ical: { schedule: '61 * * * *' } } }, {}, fullConfigSchema);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.join('\n')).toMatch(/sources\.feeds\.schedule/);
    expect(result.problems.join('\n')).toMatch(/sources\.github\.schedule: expected an interval of at least 5m/);
    expect(result.problems.join('\n')).toMatch(/sources\.ical\.schedule/);
  });
});
