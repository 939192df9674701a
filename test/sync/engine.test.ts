// The sync engine against loopback fakes, on both engines: batches and cursors stored
// together, a re-run adds nothing, a failing source stops nothing else, unverified
// identities wait, and gone identities are flagged.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { disabled, syncConfig } from '../support/sync-config.js';
import { linkIdentity, verifyIdentity } from '../../src/store/identities.js';
import { addMember, removeMember } from '../../src/store/members.js';
import { latestRuns, runSync } from '../../src/sync/engine.js';
import { devtoRss, malformedXml, wordpressRss, youtubeAtom } from '../fakes/feeds.js';
import { fakeClock, startFakeServer, type FakeServer } from '../fakes/server.js';
import { ENGINES, freshStore, type TestStore } from '../support/engines.js';

let feeds: FakeServer;
let broken: FakeServer;
beforeAll(async () => {
  feeds = await startFakeServer((req) => {
    const xml = (body: string) => ({ body, headers: { 'content-type': 'application/rss+xml; charset=utf-8', etag: `"${req.path}"` } });
    switch (req.path) {
      case '/blog/feed': return xml(wordpressRss(feeds.url));
      case '/feed/janedev': return xml(devtoRss);
      case '/youtube': return xml(youtubeAtom);
      case '/broken': return xml(malformedXml);
      default: return { status: 404, body: 'not found' };
    }
  });
  broken = await startFakeServer(() => ({ status: 500, body: '{"error_id":500,"error_name":"internal_error","error_message":"down"}' }));
});
afterAll(() => {
  feeds.close();
  broken.close();
});

function config() {
  return syncConfig({
    ...disabled('github', 'discourse', 'packagist', 'ical'),
    stackexchange: { baseUrl: `${broken.url}/2.3`, filter: '!nNPvSNdWme' },
    devto: { baseUrl: feeds.url },
  });
}

const NOW = new Date('2026-01-15T12:00:00Z');
const http = () => ({ clock: fakeClock(), allowPrivateAddresses: ['127.0.0.1/32'] });

describe.each(ENGINES)('sync engine on %s', (engine) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await freshStore(engine);
  });
  afterEach(async () => {
    await store.dispose();
  });

  async function community() {
    const jane = await addMember(store.db, { handle: 'jane', name: 'Jane', email: 'jane@example.org', joinedAt: '2025-06-01' }, 'test');
    const joe = await addMember(store.db, { handle: 'joe', name: 'Joe', email: 'joe@example.org', joinedAt: '2025-06-01' }, 'test');
    await linkIdentity(store.db, jane.id, { platform: 'feed', externalId: `${feeds.url}/blog/feed` }, { verified: true }, 'test');
    await linkIdentity(store.db, jane.id, { platform: 'devto', externalId: 'janedev' }, { verified: true }, 'test');
    await linkIdentity(store.db, joe.id, { platform: 'feed', externalId: `${feeds.url}/youtube` }, {}, 'test');
    await linkIdentity(store.db, joe.id, { platform: 'stackexchange', externalId: '4242' }, { verified: true }, 'test');
    return { jane, joe };
  }

  it('stores what the sources find, once, and records every run', async () => {
    const { joe } = await community();
    const first = await runSync(store, config(), { now: NOW, http: http() });
    const bySource = Object.fromEntries(first.map((r) => [r.source, r]));
    expect(Object.keys(bySource)).toEqual(['stackexchange', 'feeds']);
    expect(bySource.feeds).toMatchObject({ status: 'ok', itemsUpdated: 0, error: null });
    expect(bySource.feeds!.itemsNew).toBeGreaterThan(2);
    // The failing source is recorded and stops nothing else.
    expect(bySource.stackexchange!.status).toBe('failed');
    expect(bySource.stackexchange!.error).toMatch(/^stackexchange: /);

    const rows = await store.db.selectFrom('contributions').selectAll().orderBy('id').execute();
    expect(rows.every((r) => r.category === 'content' && r.points > 0)).toBe(true);
    expect(new Set(rows.map((r) => r.kind))).toEqual(new Set(['blogPost', 'video']));
    // Joe's feed is not verified: what it found waits.
    const joes = rows.filter((r) => r.member_id === joe.id);
    expect(joes.length).toBeGreaterThan(0);
    expect(joes.every((r) => r.review_state === 'pending')).toBe(true);

    const again = await runSync(store, config(), { now: NOW, http: http(), source: 'feeds' });
    expect(again[0]).toMatchObject({ status: 'ok', itemsNew: 0, itemsUpdated: 0 });
    // Unchanged feeds are answered 304 from the stored validators.
    expect(again[0]!.notModified).toBe(again[0]!.requests);
    expect(await store.db.selectFrom('contributions').select('id').execute()).toHaveLength(rows.length);

    const { released } = await verifyIdentity(store.db, joe.id, { platform: 'feed', externalId: `${feeds.url}/youtube` }, 'manager', 'test');
    expect(released).toBe(joes.length);
    const runs = await latestRuns(store.db);
    expect(runs.map((r) => [r.source, r.status])).toEqual([
      ['feeds', 'ok'],
      ['stackexchange', 'failed'],
    ]);
  });

  it('records a broken feed on the run and keeps what the others found', async () => {
    const { jane } = await community();
    await linkIdentity(store.db, jane.id, { platform: 'feed', externalId: `${feeds.url}/broken` }, { verified: true }, 'test');
    const [run] = await runSync(store, config(), { now: NOW, http: http(), source: 'feeds' });
    expect(run!.status).toBe('failed');
    expect(run!.error).toMatch(/feeds: .*broken/);
    expect(run!.itemsNew).toBeGreaterThan(2);
  });

  it('never re-creates what an erased person did', async () => {
    await community();
    await runSync(store, config(), { now: NOW, http: http(), source: 'feeds' });
    await removeMember(store.db, 'joe', 'test');
    const before = await store.db.selectFrom('contributions').select('id').execute();
    const [run] = await runSync(store, config(), { now: NOW, http: http(), source: 'feeds' });
    expect(run!.itemsNew).toBe(0);
    expect(await store.db.selectFrom('contributions').select('id').execute()).toHaveLength(before.length);
  });

  it('refuses an unknown source by name', async () => {
    await expect(runSync(store, config(), { source: 'myspace' })).rejects.toThrow('unknown source "myspace"');
  });
});
