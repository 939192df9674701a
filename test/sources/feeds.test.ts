import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LinkedIdentity, SourceBatch, SourceCursor } from '../../src/sources/contract.js';
import { parseFeed } from '../../src/sources/feed-parser.js';
import { feedsSource } from '../../src/sources/feeds.js';
import { createHttpClient, type HttpClient } from '../../src/sources/http.js';
import { memoryValidatorStore } from '../../src/sources/validators.js';
import { devtoRss, entityBomb, malformedXml, podcastRss, rdfFeed, wordpressRss, youtubeAtom } from '../fakes/feeds.js';
import { fakeClock, startFakeServer, type FakeServer } from '../fakes/server.js';

const NOW = new Date('2026-01-15T12:00:00Z');
let server: FakeServer;
beforeAll(async () => {
  server = await startFakeServer((req) => {
    const xml = (body: string) => ({ body, headers: { 'content-type': 'application/rss+xml; charset=utf-8' }, gzip: true });
    switch (req.path) {
      case '/blog/feed': return xml(wordpressRss(server.url));
      case '/devto/jane': return xml(devtoRss);
      case '/youtube': return xml(youtubeAtom);
      case '/podcast': return xml(podcastRss);
      case '/rdf': return xml(rdfFeed);
      case '/broken': return xml(malformedXml);
      case '/bomb': return xml(entityBomb);
      case '/huge': return { streamBytes: 50 * 1024 * 1024 };
      case '/to-metadata': return { status: 301, headers: { location: 'http://169.254.169.254/latest/meta-data/' } };
      case '/to-loopback': return { status: 302, headers: { location: 'http://127.0.0.2:1/feed' } };
      default: return { status: 404, body: 'not found' };
    }
  });
});
afterAll(() => server.close());

const feed = (identityId: number, path: string, memberId = 1): LinkedIdentity => ({ identityId, memberId, platform: 'feed', externalId: `${server.url}${path}`, verified: true });

async function run(identities: LinkedIdentity[], cursor: SourceCursor = null, http: HttpClient = createHttpClient({ clock: fakeClock(), allowPrivateAddresses: ['127.0.0.1/32'] })) {
  const batches: SourceBatch[] = [];
  let error: unknown;
  try {
    for await (const batch of feedsSource({}, identities, cursor, { http, now: NOW })) batches.push(batch);
  } catch (e) {
    error = e;
  }
  // Each feed is one identity's check: its failure and its cursor are its own.
  const failures = batches.flatMap((b) => (b.identity?.error !== undefined ? [b.identity.error] : []));
  const cursors = new Map(batches.flatMap((b) => (b.identity && b.identity.error === undefined ? [[b.identity.identityId, b.identity.cursor ?? null] as const] : [])));
  return { batches, contributions: batches.flatMap((b) => b.contributions), cursor: batches.at(-1)?.cursor ?? cursor, cursors, failures, error: error as Error | undefined };
}

describe('feed parser', () => {
  it('refuses entity declarations instead of expanding them', () => {
    expect(() => parseFeed(entityBomb)).toThrow(/declares XML entities/);
  });
  it('reports malformed XML and non-feeds', () => {
    expect(() => parseFeed(malformedXml)).toThrow(/not well-formed XML/);
    expect(() => parseFeed('<html><body>hi</body></html>')).toThrow(/not an RSS, Atom or RDF feed/);
  });
});

describe('feeds source', () => {
  it('maps posts, videos and podcast episodes about Magento and ignores the rest', async () => {
    const { contributions, error } = await run([feed(1, '/blog/feed'), feed(2, '/youtube'), feed(3, '/podcast'), feed(4, '/rdf')]);
    expect(error).toBeUndefined();
    const byTitle = new Map(contributions.map((c) => [c.title, c]));
    expect([...byTitle.keys()].sort()).toEqual(
      ['Building Hyvä themes faster', 'Declarative schema in Magento 2 & you', 'Episode 12: Adobe Commerce upgrades', 'Mage-OS release walkthrough', 'Magento cron explained', 'Tagged only'].sort(),
    );
    expect(byTitle.get('Declarative schema in Magento 2 & you')).toMatchObject({
      kind: 'blogPost',
      externalId: 'post:https://jane.example/2026/01/declarative-schema',
      url: 'https://jane.example/2026/01/declarative-schema/?utm_source=rss&utm_medium=rss',
      occurredAt: '2026-01-05T09:30:00.000Z',
    });
    expect(byTitle.get('Mage-OS release walkthrough')).toMatchObject({ kind: 'video', occurredAt: '2026-01-10T15:00:00.000Z' });
    expect(byTitle.get('Episode 12: Adobe Commerce upgrades')).toMatchObject({ kind: 'podcastEpisode', externalId: 'guid:pod-ep-12' });
  });

  it('counts a cross-posted article once, also on later runs', async () => {
    const identities = [feed(1, '/blog/feed'), feed(5, '/devto/jane')];
    const first = await run(identities);
    const declarative = first.contributions.filter((c) => c.title.startsWith('Declarative schema'));
    expect(declarative).toHaveLength(1);
    // The blog is not due this time; its cursor still tells the dev.to feed what it recorded.
    const second = await run([{ ...feed(1, '/blog/feed'), cursor: first.cursors.get(1)!, due: false }, { ...feed(5, '/devto/jane'), cursor: first.cursors.get(5)! }]);
    expect(second.contributions.filter((c) => c.title.startsWith('Declarative schema'))).toHaveLength(0);
  });

  it('answers unchanged feeds with 304 and produces the same records', async () => {
    const http = createHttpClient({ clock: fakeClock(), validators: memoryValidatorStore(), allowPrivateAddresses: ['127.0.0.1/32'] });
    const first = await run([feed(1, '/blog/feed')], null, http);
    const second = await run([feed(1, '/blog/feed')], first.cursor, http);
    expect(http.stats.notModified).toBe(1);
    expect(second.contributions.map((c) => c.externalId)).toEqual(first.contributions.map((c) => c.externalId));
  });

  it('keeps going past bad feeds and names each one in its own error', async () => {
    const { contributions, error, batches, failures } = await run([feed(1, '/broken'), feed(2, '/bomb'), feed(3, '/huge'), feed(4, '/rdf'), feed(6, '/gone')]);
    expect(error).toBeUndefined();
    expect(contributions.map((c) => c.title)).toEqual(['Magento cron explained']);
    expect(batches.flatMap((b) => b.goneIdentities ?? [])).toEqual([{ identityId: 6, reason: expect.stringContaining('HTTP 404') }]);
    expect(batches.flatMap((b) => (b.identity?.error ? [b.identity.identityId] : []))).toEqual([1, 2, 3, 6]);
    expect(failures[0]).toMatch(/\/broken: not well-formed XML/);
    expect(failures[1]).toMatch(/\/bomb: the document declares XML entities/);
    expect(failures[2]).toMatch(/\/huge.*exceeds the 5242880-byte limit/);
    // One feed's error names that feed only.
    expect(failures[0]).not.toMatch(/bomb|huge|rdf|gone/);
  });

  it('refuses user feeds that point or redirect to private addresses', async () => {
    const { failures } = await run([feed(1, '/to-metadata'), feed(2, '/to-loopback')]);
    expect(failures[0]).toMatch(/to-metadata.*169\.254\.169\.254/);
    expect(failures[1]).toMatch(/to-loopback.*127\.0\.0\.2/);
    const strict = await run([feed(1, '/blog/feed')], null, createHttpClient({ clock: fakeClock() }));
    expect(strict.failures[0]).toMatch(/refusing 127\.0\.0\.1/);
  });

  it('reads nothing for a feed that is backing off', async () => {
    const before = server.requests.length;
    const { batches } = await run([{ ...feed(1, '/blog/feed'), due: false }]);
    expect(batches).toEqual([]);
    expect(server.requests.length).toBe(before);
  });
});
