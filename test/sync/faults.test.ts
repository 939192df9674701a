// Upstream faults through the sync engine, on both engines. Each case: a clean run stores the
// world as it was; the world gains new work and one fault is injected; the run records the
// failing source with an error naming the problem (a fault of one identity or one repository
// makes the run partial: the problem is then on that identity's state or in the warnings)
// while the other sources store their new work and nothing stored before is lost; the fault is cleared and a re-run leaves exactly the
// records of one clean run over the new world (nothing missed, nothing twice). Rate limits the
// client may wait out (with a fake clock) are waited out instead, and the run succeeds.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { syncConfig } from '../support/sync-config.js';
import type { Engine } from '../../src/store/db.js';
import { runSync, type RunRecord, type SyncOptions } from '../../src/sync/engine.js';
import { entityBomb, malformedXml } from '../fakes/feeds.js';
import { fakeClock } from '../fakes/server.js';
import { stackExchangeError } from '../fakes/stackexchange.js';
import { ENGINES, freshStore, type TestStore } from '../support/engines.js';
import { linkCommunity, startWorld, storedRecords, type FakeWorld } from './fake-world.js';

const NOW = new Date('2026-01-15T12:00:00Z');
const SIZE = { repositories: 2, answers: 3, extraFeeds: 0 };
type Clock = ReturnType<typeof fakeClock>;
type SourceName = 'github' | 'stackexchange' | 'feeds';

let world: FakeWorld;
/** Listens on 127.0.0.2, outside the allowed 127.0.0.1/32: a redirect there must never reach it. */
let forbidden: http.Server;
const forbiddenHits: string[] = [];

beforeAll(async () => {
  world = await startWorld(NOW, SIZE);
  forbidden = http.createServer((req, res) => {
    forbiddenHits.push(req.url ?? '');
    res.end('secret');
  });
  await new Promise<void>((resolve) => forbidden.listen(0, '127.0.0.2', resolve));
});
afterAll(async () => {
  await world.close();
  forbidden.close();
});

const config = () => syncConfig(world.sources());

interface FaultCase {
  name: string;
  source: SourceName;
  inject(clock: Clock): void;
  /** The run record's error; absent when the client waits the limit out and the run succeeds. */
  error?: RegExp;
  /** One identity's or one repository's fault: the run is partial and `error` is found there. */
  partial?: boolean;
  http?: SyncOptions['http'];
  check?(record: RunRecord, clock: Clock): void;
}

const MODULE_PULLS = /^\/repos\/magento\/module-01\/pulls\?/;
const ANSWERS = /^\/2\.3\/users\/[\d;]+\/answers/;
const YOUTUBE = '/youtube';
let pullRequestsBefore = 0;
const seconds = (clock: Clock, after: number) => String(Math.floor(clock.now() / 1000) + after);

const FAULTS: FaultCase[] = [
  {
    name: 'HTTP 500 on every attempt: retried, then failed',
    source: 'github',
    inject: () => {
      pullRequestsBefore = world.github.count(MODULE_PULLS);
      world.github.fault({ path: MODULE_PULLS, times: 100, reply: { status: 500, json: { message: 'Server Error' } } });
    },
    partial: true,
    error: /^github: polling magento\/module-01: GET .*\/repos\/magento\/module-01\/pulls\?.*: HTTP 500: \{"message":"Server Error"\}$/,
    // The first attempt and three retries.
    check: () => expect(world.github.count(MODULE_PULLS) - pullRequestsBefore).toBe(4),
  },
  {
    name: 'a hanging upstream: timed out after a retry',
    source: 'stackexchange',
    inject: () => world.se.fault({ path: ANSWERS, times: 2, reply: { hang: true } }),
    http: { timeoutMs: 300, maxRetries: 1 },
    error: /^stackexchange: GET .*\/2\.3\/users\/42;43\/answers\?.*: no complete response within 300 ms$/,
  },
  {
    name: 'GitHub 403 with x-ratelimit-remaining 0 and a reset an hour away: stopped, not waited',
    source: 'github',
    inject: (clock) =>
      world.github.fault({
        path: MODULE_PULLS,
        reply: { status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': seconds(clock, 3600) }, json: { message: 'API rate limit exceeded for 127.0.0.1.' } },
      }),
    partial: true,
    error: /^github: polling magento\/module-01: GET .*: rate limited \(HTTP 403\); requests resume in 3601 s, longer than the 120 s we wait$/,
    check: (_record, clock) => expect(clock.sleeps).toEqual([]),
  },
  {
    name: 'GitHub 403 with x-ratelimit-remaining 0 and a reset in 30 s: waited out',
    source: 'github',
    inject: (clock) =>
      world.github.fault({
        path: MODULE_PULLS,
        reply: { status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': seconds(clock, 30) }, json: { message: 'API rate limit exceeded for 127.0.0.1.' } },
      }),
    check: (record, clock) => {
      expect(record.rateLimitedWaits).toBe(1);
      expect(clock.sleeps).toEqual([31_000]);
    },
  },
  {
    name: 'GitHub 429 with retry-after: waited out',
    source: 'github',
    inject: () => world.github.fault({ path: MODULE_PULLS, reply: { status: 429, headers: { 'retry-after': '7' }, json: { message: 'You have exceeded a secondary rate limit.' } } }),
    check: (record, clock) => {
      expect(record.rateLimitedWaits).toBe(1);
      expect(clock.sleeps).toEqual([7000]);
    },
  },
  {
    name: "Stack Exchange's backoff field: the next request to the host waits",
    source: 'stackexchange',
    inject: () =>
      world.se.fault({
        path: '/2.3/filters/create',
        reply: { json: { items: [{ filter: '!nNPvSNdWme', filter_type: 'safe' }], has_more: false, quota_max: 10000, quota_remaining: 9000, backoff: 20 }, gzip: true },
      }),
    check: (record, clock) => {
      expect(record.rateLimitedWaits).toBe(1);
      expect(clock.sleeps).toEqual([20_000]);
    },
  },
  {
    name: 'Stack Exchange throttle_violation (error_id 502)',
    source: 'stackexchange',
    inject: () => world.se.fault({ path: ANSWERS, reply: stackExchangeError(502, 'throttle_violation', 'too many requests from this IP, more requests available in 82 seconds') }),
    error: /^stackexchange: \/2\.3\/users\/42;43\/answers: throttle_violation \(502\): too many requests from this IP, more requests available in 82 seconds$/,
  },
  {
    name: 'malformed JSON',
    source: 'github',
    inject: () => world.github.fault({ path: MODULE_PULLS, reply: { body: '[{"number": 3, "title": "Fix', headers: { 'content-type': 'application/json' } } }),
    partial: true,
    error: /^github: polling magento\/module-01: GET .*: malformed JSON \(/,
  },
  {
    name: 'malformed XML',
    source: 'feeds',
    inject: () => world.feeds.fault({ path: YOUTUBE, reply: { body: malformedXml } }),
    partial: true,
    error: /^http:\/\/127\.0\.0\.1:\d+\/youtube: not well-formed XML: /,
  },
  {
    name: 'a truncated gzip body',
    source: 'stackexchange',
    inject: () => world.se.fault({ path: ANSWERS, reply: { body: JSON.stringify({ items: [], has_more: false, padding: 'x'.repeat(5000) }), truncateGzip: true } }),
    error: /^stackexchange: GET .*\/answers\?.*: truncated gzip body \(the compressed stream ended early\)$/,
  },
  {
    name: 'an XML entity-expansion bomb (billion laughs)',
    source: 'feeds',
    inject: () => world.feeds.fault({ path: YOUTUBE, reply: { body: entityBomb } }),
    partial: true,
    error: /\/youtube: the document declares XML entities; refused \(entity expansion is not allowed\)$/,
  },
  {
    name: 'a 50 MB body',
    source: 'feeds',
    inject: () => world.feeds.fault({ path: YOUTUBE, reply: { streamBytes: 50 * 1024 * 1024 } }),
    partial: true,
    error: /\/youtube: GET .*\/youtube: response exceeds the 5242880-byte limit$/,
  },
  {
    name: 'a feed redirecting to the cloud metadata service',
    source: 'feeds',
    inject: () => world.feeds.fault({ path: YOUTUBE, reply: { status: 302, headers: { location: 'http://169.254.169.254/latest/meta-data/' } } }),
    partial: true,
    error: /\/youtube: GET http:\/\/169\.254\.169\.254\/latest\/meta-data\/: refusing 169\.254\.169\.254: address 169\.254\.169\.254 is private, loopback, link-local or reserved$/,
  },
  {
    name: 'a feed redirecting to another loopback address',
    source: 'feeds',
    inject: () => world.feeds.fault({ path: YOUTUBE, reply: { status: 307, headers: { location: `http://127.0.0.2:${(forbidden.address() as AddressInfo).port}/admin` } } }),
    partial: true,
    error: /\/youtube: GET http:\/\/127\.0\.0\.2:\d+\/admin: refusing 127\.0\.0\.2: address 127\.0\.0\.2 is private, loopback, link-local or reserved$/,
    check: () => expect(forbiddenHits).toEqual([]),
  },
  {
    name: 'a feed redirecting into a private network',
    source: 'feeds',
    inject: () => world.feeds.fault({ path: YOUTUBE, reply: { status: 301, headers: { location: 'http://10.0.0.1/internal' } } }),
    partial: true,
    error: /\/youtube: GET http:\/\/10\.0\.0\.1\/internal: refusing 10\.0\.0\.1: address 10\.0\.0\.1 is private, loopback, link-local or reserved$/,
  },
];

/** One clean run over the new world on a fresh store, per engine: what every re-run must equal. */
const reference = new Map<Engine, Promise<string[]>>();
function cleanRunOfStageOne(engine: Engine): Promise<string[]> {
  if (!reference.has(engine)) {
    reference.set(engine, (async () => {
      const store = await freshStore(engine);
      try {
        await linkCommunity(store.db, world, SIZE);
        world.stage(1);
        const records = await sync(store);
        expect(records.map((record) => record.status)).toEqual(['ok', 'ok', 'ok']);
        return await storedRecords(store.db);
      } finally {
        world.stage(0);
        await store.dispose();
      }
    })());
  }
  return reference.get(engine)!;
}

function sync(store: TestStore, clock: Clock = fakeClock(NOW.getTime()), http: SyncOptions['http'] = {}, retryFailing = false) {
  return runSync(store, config(), { now: NOW, http: { clock, random: () => 0.5, ...http }, retryFailing });
}

/** Where a partial run's problems are: its warnings and the failing identities' own errors. */
async function problemsOf(store: TestStore, record: RunRecord): Promise<string[]> {
  const states = await store.db.selectFrom('identity_sync_state').select('last_error').where('source', '=', record.source).where('last_error', 'is not', null).execute();
  return [...record.warnings, ...states.map((state) => state.last_error!)];
}

function resetWorld() {
  world.github.clearFaults();
  world.se.clearFaults();
  world.feeds.clearFaults();
  world.stage(0);
}

describe.each(ENGINES)('sync faults on %s', (engine) => {
  let store: TestStore;
  let expected: string[];
  beforeAll(async () => {
    resetWorld();
    expected = await cleanRunOfStageOne(engine);
  });
  beforeEach(async () => {
    resetWorld();
    store = await freshStore(engine);
    await linkCommunity(store.db, world, SIZE);
  });
  afterEach(async () => {
    resetWorld();
    await store.dispose();
  });

  it.each(FAULTS)('$source: $name', async (fault) => {
    const first = await sync(store);
    expect(first.map((record) => record.status)).toEqual(['ok', 'ok', 'ok']);
    const before = await storedRecords(store.db);

    world.stage(1);
    const clock = fakeClock(NOW.getTime());
    fault.inject(clock);
    const records = await sync(store, clock, fault.http);
    const faulted = records.find((record) => record.source === fault.source)!;
    const during = await storedRecords(store.db);
    // Nothing stored before is lost, nothing is stored twice.
    expect(keys(during)).toEqual(expect.arrayContaining(keys(before)));
    expect(new Set(keys(during)).size).toBe(during.length);
    // The other sources stored all their new work in the same run.
    for (const record of records.filter((r) => r.source !== fault.source)) expect(record).toMatchObject({ status: 'ok', error: null });
    const othersExpected = expected.filter((line) => !line.startsWith(`${fault.source} `));
    expect(during.filter((line) => !line.startsWith(`${fault.source} `))).toEqual(othersExpected);
    if (fault.error && fault.partial) {
      expect(faulted.status).toBe('partial');
      expect(faulted.error).toMatch(new RegExp(`^${fault.source}: \\d+ `));
      expect(await problemsOf(store, faulted)).toContainEqual(expect.stringMatching(fault.error));
    } else if (fault.error) {
      expect(faulted.status).toBe('failed');
      expect(faulted.error).toMatch(fault.error);
    } else {
      expect(faulted).toMatchObject({ status: 'ok', error: null });
    }
    fault.check?.(faulted, clock);

    world.github.clearFaults();
    world.se.clearFaults();
    world.feeds.clearFaults();
    // The failing identity is backing off: the operator's --retry-failing checks it at once.
    const rerun = await sync(store, undefined, undefined, true);
    expect(rerun.map((record) => [record.source, record.status, record.error])).toEqual([
      ['github', 'ok', null],
      ['stackexchange', 'ok', null],
      ['feeds', 'ok', null],
    ]);
    expect(await storedRecords(store.db)).toEqual(expected);
  });
});

/** Source and external id of each stored line. */
function keys(lines: string[]): string[] {
  return lines.map((line) => line.split(' ').slice(0, 2).join(' '));
}
