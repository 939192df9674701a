// The sync schedule of `serve`: sources run on their timers (one-second intervals here), a run
// of a source never overlaps the previous one, a failing source stops no other, stop() stops,
// missed times are caught up at start, and the schedule settings are validated by path.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { disabled, syncConfig } from '../support/sync-config.js';
import { fullConfigSchema } from '../../src/config/full-schema.js';
import { buildConfig } from '../../src/domain/config.js';
import { linkIdentity } from '../../src/store/identities.js';
import { addMember } from '../../src/store/members.js';
import type { RunRecord } from '../../src/sync/engine.js';
import { createScheduler, type Scheduler, type SchedulerLog } from '../../src/sync/scheduler.js';
import { wordpressRss } from '../fakes/feeds.js';
import { startFakeServer, type FakeServer } from '../fakes/server.js';
import { ENGINES, freshStore, type TestStore } from '../support/engines.js';

let feeds: FakeServer;
beforeAll(async () => {
  feeds = await startFakeServer((req) =>
    req.path === '/blog/feed' ? { body: wordpressRss(feeds.url), headers: { 'content-type': 'application/rss+xml' } } : { status: 404, body: 'not found' },
  );
  // The migrated PGlite template is made once here, not inside the first timed test.
  await (await freshStore('pglite')).dispose();
});
afterAll(() => feeds.close());

function config(sources: Record<string, unknown> = {}) {
  return syncConfig({ ...disabled('github', 'discourse', 'packagist', 'ical'), ...sources });
}

const EVERY_SECOND = { kind: 'interval', seconds: 1, text: '1s' } as const;

interface Line {
  level: 'info' | 'warn' | 'error';
  details: Record<string, unknown>;
  message: string;
}

function memoryLog(): SchedulerLog & { lines: Line[] } {
  const lines: Line[] = [];
  const at = (level: Line['level']) => (details: object, message: string) => void lines.push({ level, details: details as Record<string, unknown>, message });
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

function record(source: string, status: 'ok' | 'failed' = 'ok', error: string | null = null): RunRecord {
  return { id: 1, source, status, itemsNew: 0, itemsUpdated: 0, itemsUnchanged: 0, requests: 1, notModified: 0, rateLimitedWaits: 0, identitiesFlagged: 0, error };
}

async function until(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(ENGINES)('sync scheduler on %s', (engine) => {
  let store: TestStore;
  let scheduler: Scheduler | undefined;
  beforeEach(async () => {
    store = await freshStore(engine);
  });
  afterEach(async () => {
    await scheduler?.stop();
    scheduler = undefined;
    await store.dispose();
  });

  it('runs the real sync of each enabled source on its timer, with a structured log line per run', async () => {
    const jane = await addMember(store.db, { handle: 'jane', name: 'Jane', email: 'jane@example.org', joinedAt: '2025-06-01' }, 'test');
    await linkIdentity(store.db, jane.id, { platform: 'feed', externalId: `${feeds.url}/blog/feed` }, { verified: true }, 'test');
    const output: string[] = [];
    const sink = new Writable({ write: (chunk, _encoding, done) => void (output.push(String(chunk)), done()) });
    const log = pino({ base: undefined }, sink);
    scheduler = createScheduler({ store, config: config({ stackexchange: { enabled: false } }), log, schedules: { feeds: EVERY_SECOND } });
    await scheduler.start();
    const finished = () => output.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.msg === 'sync finished');
    await until(() => finished().length >= 2);
    const [first, second] = finished();
    expect(first).toMatchObject({ source: 'feeds', status: 'ok', trigger: 'schedule', error: null });
    expect(first!.itemsNew).toBeGreaterThan(0);
    expect(second).toMatchObject({ source: 'feeds', status: 'ok', itemsNew: 0 });
    expect(typeof first!.durationMs).toBe('number');
    const runs = await store.db.selectFrom('sync_runs').select(['source', 'status']).execute();
    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect(runs.every((run) => run.source === 'feeds')).toBe(true);
  });

  it('waits an interval after the last full run, and catches up a missed cron time at start', async () => {
    const tenMinutesAgo = new Date(Date.now() - 10 * 60_000);
    await store.db.insertInto('sync_runs').values({ source: 'feeds', scope: null, started_at: tenMinutesAgo, status: 'ok' }).execute();
    await store.db.insertInto('sync_runs').values({ source: 'stackexchange', scope: null, started_at: new Date(Date.now() - 3 * 3600_000), status: 'ok' }).execute();
    const calls: string[] = [];
    const log = memoryLog();
    scheduler = createScheduler({
      store,
      config: config({ feeds: { schedule: '1h' }, stackexchange: { schedule: '0 * * * *' } }),
      log,
      runSource: async (source) => (calls.push(source), [record(source)]),
    });
    await scheduler.start();
    // feeds ran ten minutes ago: next in fifty minutes, not now.
    const next = scheduler.nextRun('feeds')!.getTime();
    expect(Math.abs(next - (tenMinutesAgo.getTime() + 3600_000))).toBeLessThan(2000);
    // stackexchange missed its hourly time while "down": it runs at once.
    await until(() => calls.includes('stackexchange'));
    await sleep(300);
    expect(calls).toEqual(['stackexchange']);
    expect(log.lines.find((line) => line.message === 'sync started')?.details).toEqual({ source: 'stackexchange', trigger: 'catch-up' });
  });
});

describe('sync scheduler timing', () => {
  let store: TestStore;
  let scheduler: Scheduler | undefined;
  beforeAll(async () => {
    store = await freshStore('pglite');
  });
  afterEach(async () => {
    await scheduler?.stop();
    scheduler = undefined;
    await store.db.deleteFrom('sync_runs').execute();
  });
  afterAll(() => store.dispose());

  it('never overlaps runs of a source: a run due while one is in progress is skipped and logged', async () => {
    let release!: () => void;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    let concurrent = 0;
    let maxConcurrent = 0;
    const log = memoryLog();
    scheduler = createScheduler({
      store,
      config: config({ stackexchange: { enabled: false } }),
      log,
      schedules: { feeds: EVERY_SECOND },
      runSource: async (source) => {
        calls += 1;
        concurrent += 1;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        if (calls === 1) await blocked;
        concurrent -= 1;
        return [record(source)];
      },
    });
    await scheduler.start();
    await until(() => log.lines.some((line) => line.message.startsWith('sync skipped')), 3500);
    expect(await scheduler.runNow('feeds')).toEqual([]);
    expect(calls).toBe(1);
    expect(scheduler.running()).toEqual(['feeds']);
    const skipped = log.lines.filter((line) => line.message.startsWith('sync skipped'));
    expect(skipped.map((line) => line.details.trigger)).toContain('manual');
    expect(skipped.every((line) => line.level === 'warn' && line.details.source === 'feeds')).toBe(true);
    release();
    await until(() => calls >= 2, 3000);
    expect(maxConcurrent).toBe(1);
  });

  it('keeps running the other sources when one fails or throws', async () => {
    const calls: Record<string, number> = { feeds: 0, stackexchange: 0 };
    const log = memoryLog();
    scheduler = createScheduler({
      store,
      config: config({ stackexchange: { baseUrl: 'http://127.0.0.1:9/2.3' } }),
      log,
      schedules: { feeds: EVERY_SECOND, stackexchange: EVERY_SECOND },
      runSource: async (source) => {
        calls[source]! += 1;
        if (source === 'stackexchange' && calls[source] === 1) throw new Error('database went away');
        if (source === 'stackexchange') return [record(source, 'failed', 'stackexchange: GET http://127.0.0.1:9/2.3/filters/create: network error: ECONNREFUSED')];
        return [record(source)];
      },
    });
    await scheduler.start();
    await until(() => calls.feeds! >= 2 && calls.stackexchange! >= 2, 4000);
    const failures = log.lines.filter((line) => line.message === 'sync failed');
    expect(failures[0]).toMatchObject({ level: 'error', details: { source: 'stackexchange', error: 'database went away' } });
    expect(failures[1]).toMatchObject({ level: 'warn', details: { source: 'stackexchange', status: 'failed' } });
    expect(String(failures[1]!.details.error)).toContain('ECONNREFUSED');
    expect(log.lines.filter((line) => line.message === 'sync finished').every((line) => line.details.source === 'feeds')).toBe(true);
  });

  it('stops: no timer fires after stop(), which waits for the run in progress', async () => {
    let release!: () => void;
    let calls = 0;
    const log = memoryLog();
    scheduler = createScheduler({
      store,
      config: config({ stackexchange: { enabled: false } }),
      log,
      schedules: { feeds: EVERY_SECOND },
      runSource: async (source) => {
        calls += 1;
        await new Promise<void>((resolve) => (release = resolve));
        return [record(source)];
      },
    });
    await scheduler.start();
    await until(() => calls === 1);
    let stopped = false;
    const stopping = scheduler.stop().then(() => (stopped = true));
    await sleep(100);
    expect(stopped).toBe(false);
    release();
    await stopping;
    const linesAtStop = log.lines.length;
    await sleep(1500);
    // Not even a timer firing into the stopped scheduler: nothing more is logged.
    expect(log.lines.length).toBe(linesAtStop);
    expect(calls).toBe(1);
    expect(scheduler.nextRun('feeds')).toBeNull();
    expect(await scheduler.runNow('feeds')).toEqual([]);
    expect(log.lines.at(-1)!.message).toBe('sync not started: the scheduler is stopping');
  });

  it('gives up waiting for a stuck run after the grace period, and says so', async () => {
    const log = memoryLog();
    scheduler = createScheduler({
      store,
      config: config({ stackexchange: { enabled: false } }),
      log,
      schedules: { feeds: EVERY_SECOND },
      stopGraceMs: 100,
      runSource: () => new Promise<RunRecord[]>(() => undefined),
    });
    await scheduler.start();
    await until(() => scheduler!.running().length === 1);
    await scheduler.stop();
    expect(log.lines.at(-1)).toMatchObject({ level: 'warn', details: { sources: ['feeds'], graceMs: 100 } });
    expect(log.lines.at(-1)!.message).toMatch(/resume from their last stored batch/);
  });

  it('refuses an unknown source by name in runNow', async () => {
    scheduler = createScheduler({ store, config: config(), log: memoryLog() });
    await expect(scheduler.runNow('myspace')).rejects.toThrow('unknown source "myspace"');
  });
});

describe('schedule settings', () => {
  it('default to hourly GitHub and feeds, Stack Exchange every 3 hours, the others every 6', () => {
    const sources = config({ github: {}, discourse: {}, packagist: {}, ical: {} }).sources as Record<string, { schedule?: string; enabled?: boolean }>;
    expect(Object.fromEntries(['github', 'stackexchange', 'feeds', 'discourse', 'packagist', 'ical'].map((name) => [name, sources[name]!.schedule]))).toEqual({
      github: '1h',
      stackexchange: '3h',
      feeds: '1h',
      discourse: '6h',
      packagist: '6h',
      ical: '6h',
    });
    expect(sources.schedule).toEqual({ enabled: true });
  });

  it('name every bad schedule by its path', () => {
    const result = buildConfig(
      { sources: { schedule: { enabled: 'yes' }, github: { schedule: 'hourly' }, feeds: { schedule: 60 }, ical: { schedule: '1m' }, discourse: { schedule: '61 * * * *' }, packagist: { schedule: '*/30 * * * *' } } },
      {},
      fullConfigSchema,
    );
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.problems).toEqual([
      'sources.schedule.enabled: expected true or false, got "yes"',
      'sources.github.schedule: expected an interval such as 30m, 1h or 6h, or a five-field cron pattern such as "0 */3 * * *", got "hourly"',
      'sources.feeds.schedule: expected an interval such as 30m, 1h or 6h, or a five-field cron pattern such as "0 */3 * * *", got 60',
      'sources.discourse.schedule: expected a valid cron pattern (minute hour day month weekday), got "61 * * * *": Invalid value for minute: 61',
      'sources.ical.schedule: expected an interval of at least 5m, got "1m"',
    ]);
  });
});
