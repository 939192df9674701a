// The sync engine against loopback fakes, on both engines: batches and cursors stored
// together, a re-run adds nothing, a failing source stops nothing else, unverified
// identities wait, and gone identities are flagged.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { disabled, syncConfig } from '../support/sync-config.js';
import { linkIdentity, verifyIdentity } from '../../src/store/identities.js';
import { addMember, removeMember } from '../../src/store/members.js';
import { latestRuns, runSync } from '../../src/sync/engine.js';
import { failingIdentities, memberIdentityChecks } from '../../src/sync/identity-state.js';
import { devtoRss, malformedXml, wordpressRss, youtubeAtom } from '../fakes/feeds.js';
import { startFakeGithub, type FakeGithub } from '../fakes/github.js';
import { fakeClock, startFakeServer, type FakeServer } from '../fakes/server.js';
import { ENGINES, freshStore, type TestStore } from '../support/engines.js';

let feeds: FakeServer;
let broken: FakeServer;
let github: FakeGithub;
beforeAll(async () => {
  github = await startFakeGithub({
    repos: {
      'magento/magento2': {
        pulls: [{ number: 1, title: 'Fix cart totals', author: 'jane-gh', labels: ['Award: complex'], createdAt: '2026-01-02T10:00:00Z', updatedAt: '2026-01-10T09:00:00Z', mergedAt: '2026-01-10T08:00:00Z' }],
      },
    },
    events: { 'jane-gh': [] },
  });
  feeds = await startFakeServer((req) => {
    const xml = (body: string) => ({ body, headers: { 'content-type': 'application/rss+xml; charset=utf-8', etag: `"${req.path}"` } });
    switch (req.path) {
      case '/blog/feed': return xml(wordpressRss(feeds.url));
      // The same posts, the same links: a mirror of the blog linked as a second feed.
      case '/mirror/feed': return xml(wordpressRss(feeds.url));
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
  github.close();
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

  it('fails a broken feed alone: the run is partial, the error names no URL, the feed backs off', async () => {
    const { jane, joe } = await community();
    const brokenFeed = await linkIdentity(store.db, jane.id, { platform: 'feed', externalId: `${feeds.url}/broken` }, { verified: true }, 'test');
    const [run] = await runSync(store, config(), { now: NOW, http: http(), source: 'feeds' });
    expect(run).toMatchObject({ status: 'partial', identitiesOk: 3, identitiesFailed: 1, error: 'feeds: 1 of 4 identities failed' });
    // Other members' URLs (and this one's) stay out of the shared error cell.
    expect(run!.error).not.toContain(feeds.url);
    expect(run!.itemsNew).toBeGreaterThan(2);
    const stored = await store.db.selectFrom('sync_runs').selectAll().where('id', '=', run!.id).executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ status: 'partial', identities_ok: 3, identities_failed: 1 });

    const state = await store.db.selectFrom('identity_sync_state').selectAll().where('identity_id', '=', brokenFeed.id).executeTakeFirstOrThrow();
    expect(state.consecutive_failures).toBe(1);
    expect(state.last_error).toContain('/broken');
    expect(state.next_check_at!.getTime()).toBe(NOW.getTime() + 15 * 60_000);
    // The person sees their own identity's state; the console lists the failing identity.
    expect((await memberIdentityChecks(store.db, jane.id)).find((c) => c.identityId === brokenFeed.id)).toMatchObject({ consecutiveFailures: 1, nextCheckAt: new Date(NOW.getTime() + 15 * 60_000).toISOString(), lastError: expect.stringContaining('/broken') });
    expect(await memberIdentityChecks(store.db, joe.id)).toEqual([expect.objectContaining({ consecutiveFailures: 0, lastError: null })]);
    expect((await failingIdentities(store.db)).map((f) => [f.memberHandle, f.identityId])).toEqual([['jane', brokenFeed.id]]);

    // Ten minutes later the broken feed is not due: not requested at all, nothing failed.
    const before = feeds.requests.filter((r) => r.path === '/broken').length;
    const [later] = await runSync(store, config(), { now: new Date(NOW.getTime() + 10 * 60_000), http: http(), source: 'feeds' });
    expect(later).toMatchObject({ status: 'ok', identitiesOk: 3, identitiesFailed: 0, identitiesSkipped: 1, error: null });
    expect(feeds.requests.filter((r) => r.path === '/broken')).toHaveLength(before);
    // An hour later it is due again, fails again and backs off twice as long.
    const hourLater = new Date(NOW.getTime() + 3_600_000);
    await runSync(store, config(), { now: hourLater, http: http(), source: 'feeds' });
    const again = await store.db.selectFrom('identity_sync_state').selectAll().where('identity_id', '=', brokenFeed.id).executeTakeFirstOrThrow();
    expect(again.consecutive_failures).toBe(2);
    expect(again.next_check_at!.getTime()).toBe(hourLater.getTime() + 30 * 60_000);
    // --retry-failing checks it now.
    const [retried] = await runSync(store, config(), { now: new Date(hourLater.getTime() + 60_000), http: http(), source: 'feeds', retryFailing: true });
    expect(retried).toMatchObject({ identitiesSkipped: 0, identitiesFailed: 1 });
  });

  it('fails the run when every identity failed', async () => {
    const jane = await addMember(store.db, { handle: 'jane', name: 'Jane', email: 'jane@example.org', joinedAt: '2025-06-01' }, 'test');
    await linkIdentity(store.db, jane.id, { platform: 'feed', externalId: `${feeds.url}/broken` }, { verified: true }, 'test');
    const [run] = await runSync(store, config(), { now: NOW, http: http(), source: 'feeds' });
    expect(run).toMatchObject({ status: 'failed', identitiesOk: 0, identitiesFailed: 1, error: 'feeds: 1 of 1 identities failed' });
  });

  it('keeps a cursor per identity and writes nothing for an unchanged re-sync', async () => {
    const { jane } = await community();
    await runSync(store, config(), { now: NOW, http: http(), source: 'feeds' });
    const states = await store.db.selectFrom('identity_sync_state').selectAll().where('source', '=', 'feeds').orderBy('identity_id').execute();
    expect(states).toHaveLength(3);
    expect(states.every((s) => s.consecutive_failures === 0 && s.last_error === null && s.last_checked_at?.getTime() === NOW.getTime())).toBe(true);
    expect(Object.keys((states[0]!.cursor as { titles: Record<string, string> }).titles).length).toBeGreaterThan(0);
    // No shared document is written for the feeds any more.
    expect(await store.db.selectFrom('sync_cursors').selectAll().where('source', '=', 'feeds').execute()).toEqual([]);

    const later = new Date(NOW.getTime() + 3_600_000);
    const [again] = await runSync(store, config(), { now: later, http: http(), source: 'feeds' });
    expect(again).toMatchObject({ status: 'ok', itemsNew: 0, itemsUpdated: 0, identitiesOk: 3 });
    const after = await store.db.selectFrom('identity_sync_state').selectAll().where('source', '=', 'feeds').orderBy('identity_id').execute();
    // Not a row was rewritten; the identities page still says they were checked by the later run.
    expect(after).toEqual(states);
    const checks = await memberIdentityChecks(store.db, jane.id);
    expect(checks).toHaveLength(2);
    const run = await store.db.selectFrom('sync_runs').select('finished_at').where('id', '=', again!.id).executeTakeFirstOrThrow();
    expect(checks.every((c) => c.lastCheckedAt === run.finished_at!.toISOString() && c.nextCheckAt === null && c.consecutiveFailures === 0)).toBe(true);

    // Removing the person removes their state.
    await removeMember(store.db, 'jane', 'test');
    const left = await store.db.selectFrom('identity_sync_state').innerJoin('identities', 'identities.id', 'identity_sync_state.identity_id').select('identities.member_id').execute();
    expect(left.every((row) => row.member_id !== jane.id)).toBe(true);
    expect(await store.db.selectFrom('identity_sync_state').selectAll().execute()).toHaveLength(1);
  });

  it('keeps a post cross-posted with the same link on its first feed: a second sync updates nothing', async () => {
    const { jane } = await community();
    await linkIdentity(store.db, jane.id, { platform: 'feed', externalId: `${feeds.url}/mirror/feed` }, { verified: true }, 'test');
    const [first] = await runSync(store, config(), { now: NOW, http: http(), source: 'feeds' });
    expect(first).toMatchObject({ status: 'ok', itemsUpdated: 0 });
    const [second] = await runSync(store, config(), { now: new Date(NOW.getTime() + 3_600_000), http: http(), source: 'feeds' });
    expect(second).toMatchObject({ status: 'ok', itemsNew: 0, itemsUpdated: 0 });
    const rows = await store.db.selectFrom('contributions').select(['metadata']).execute();
    expect(rows.filter((r) => (r.metadata as { feed: string }).feed.endsWith('/mirror/feed'))).toEqual([]);
  });

  it('puts what a source warns about on the run record (GitHub issue events answering 404)', async () => {
    const jane = await addMember(store.db, { handle: 'jane', name: 'Jane', email: 'jane@example.org', joinedAt: '2025-06-01' }, 'test');
    await linkIdentity(store.db, jane.id, { platform: 'github', externalId: 'jane-gh' }, { verified: true }, 'test');
    github.fault({ path: '/repos/magento/magento2/issues/1/events', times: 10, reply: { status: 404, json: { message: 'Not Found' } } });
    const ghConfig = syncConfig({ ...disabled('stackexchange', 'feeds', 'discourse', 'packagist', 'ical'), github: { baseUrl: github.url, repositories: ['magento/magento2'], documentationRepositories: [] } });
    const [run] = await runSync(store, ghConfig, { now: NOW, http: http() });
    github.clearFaults();
    expect(run).toMatchObject({ source: 'github', status: 'ok', itemsNew: 1, identitiesOk: 1 });
    expect(run!.warnings).toEqual([expect.stringMatching(/^github: magento\/magento2#1: issue events not available/)]);
    const stored = await store.db.selectFrom('sync_runs').select('warnings').where('id', '=', run!.id).executeTakeFirstOrThrow();
    expect(stored.warnings).toEqual(run!.warnings);
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
