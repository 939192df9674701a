// Feeds through the real sync engine, on both engines: a post found in two members' feeds (a
// cross-post to a planet feed) keeps one owner and one metadata value, so a second sync reports
// 0 updated, where it used to rewrite the row on every sync with the metadata flipping.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { linkIdentity } from '../../src/store/identities.js';
import { addMember } from '../../src/store/members.js';
import { runSync } from '../../src/sync/engine.js';
import { latin1Rss, planetRss, wordpressRss } from '../fakes/feeds.js';
import { fakeClock, startFakeServer, type FakeServer } from '../fakes/server.js';
import { ENGINES, freshStore, type TestStore } from '../support/engines.js';
import { disabled, syncConfig } from '../support/sync-config.js';

let feeds: FakeServer;
beforeAll(async () => {
  feeds = await startFakeServer((req) => {
    switch (req.path) {
      case '/blog/feed': return { body: wordpressRss(feeds.url), headers: { 'content-type': 'application/rss+xml; charset=utf-8' } };
      case '/planet': return { body: planetRss, headers: { 'content-type': 'application/rss+xml; charset=utf-8' } };
      case '/latin1': return { body: latin1Rss(), headers: { 'content-type': 'text/xml' } };
      default: return { status: 404, body: 'not found' };
    }
  });
});
afterAll(() => feeds.close());

const NOW = new Date('2026-01-15T12:00:00Z');
const http = () => ({ clock: fakeClock(), allowPrivateAddresses: ['127.0.0.1/32'] });
const config = () => syncConfig({ ...disabled('github', 'discourse', 'packagist', 'ical', 'stackexchange') });

describe.each(ENGINES)('feeds through the sync engine on %s', (engine) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await freshStore(engine);
  });
  afterEach(async () => {
    await store.dispose();
  });

  it('gives a cross-posted post one owner, and a second sync updates nothing', async () => {
    const jane = await addMember(store.db, { handle: 'jane', name: 'Jane', email: 'jane@example.org', joinedAt: '2025-06-01' }, 'test');
    const planet = await addMember(store.db, { handle: 'planet', name: 'Planet', email: 'planet@example.org', joinedAt: '2025-06-01' }, 'test');
    await linkIdentity(store.db, jane.id, { platform: 'feed', externalId: `${feeds.url}/blog/feed` }, { verified: true }, 'test');
    await linkIdentity(store.db, planet.id, { platform: 'feed', externalId: `${feeds.url}/planet` }, { verified: true }, 'test');
    await linkIdentity(store.db, jane.id, { platform: 'feed', externalId: `${feeds.url}/latin1` }, { verified: true }, 'test');

    const [first] = await runSync(store, config(), { now: NOW, http: http(), source: 'feeds' });
    expect(first).toMatchObject({ itemsUpdated: 0 });
    const post = await store.db.selectFrom('contributions').selectAll().where('external_id', '=', 'post:https://jane.example/2026/01/declarative-schema').executeTakeFirstOrThrow();
    expect(post.member_id).toBe(jane.id);
    expect(post.metadata).toMatchObject({ feed: `${feeds.url}/blog/feed` });
    // The ISO-8859-1 feed was decoded by its declaration: its title and the keyword match survive.
    const titles = (await store.db.selectFrom('contributions').select('title').execute()).map((r) => r.title);
    expect(titles).toContain('Temas Hyv\u00e4 em portugu\u00eas');

    for (let run = 0; run < 2; run += 1) {
      const [again] = await runSync(store, config(), { now: NOW, http: http(), source: 'feeds' });
      expect(again).toMatchObject({ itemsNew: 0, itemsUpdated: 0 });
    }
    const after = await store.db.selectFrom('contributions').selectAll().where('external_id', '=', post.external_id).executeTakeFirstOrThrow();
    expect(after.metadata).toEqual(post.metadata);
  });
});
