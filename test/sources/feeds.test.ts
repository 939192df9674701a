import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LinkedIdentity, SourceBatch, SourceCursor } from '../../src/sources/contract.js';
import { parseFeed } from '../../src/sources/feed-parser.js';
import { feedsSource } from '../../src/sources/feeds.js';
import { createHttpClient, type HttpClient } from '../../src/sources/http.js';
import { memoryValidatorStore } from '../../src/sources/validators.js';
import { atomTextConstructs, bomAndWhitespaceRss, devtoRss, entityBomb, latin1Rss, malformedXml, planetRss, unclosedTagsRss, podcastRss, rdfFeed, windows1252Rss, wordpressRss, youtubeAtom } from '../fakes/feeds.js';
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
      case '/latin1': return { body: latin1Rss(), headers: { 'content-type': 'text/xml' } };
      case '/cp1252': return { body: windows1252Rss(), headers: { 'content-type': 'application/rss+xml; charset=windows-1252' } };
      case '/bom': return { body: bomAndWhitespaceRss(), headers: { 'content-type': 'application/rss+xml; charset=utf-8' } };
      case '/pat/atom.xml': return { body: atomTextConstructs, headers: { 'content-type': 'application/atom+xml' } };
      case '/planet': return xml(planetRss);
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
  it('reads malformed XML as far as it goes, like feedparser, and reports non-feeds', () => {
    expect(parseFeed(unclosedTagsRss).entries.map((e) => e.title)).toEqual(['Magento']);
    expect(() => parseFeed(malformedXml)).toThrow(/not well-formed XML: no root element/);
    expect(() => parseFeed('<html><body>hi</body></html>')).toThrow(/not an RSS, Atom or RDF feed/);
  });
});

describe('feed parser on real shapes', () => {
  it('reads Atom text constructs of every type, decoding each layer once', () => {
    const parsed = parseFeed(atomTextConstructs, { url: 'https://pat.example/feed.xml' });
    expect(parsed.title).toBe('Pat\u2019s blog');
    expect(parsed.link).toBe('https://pat.example/');
    expect(parsed.entries.map((e) => e.title)).toEqual(['Magento checkout & Hyv\u00e4', 'Pat\u2019s Magento notes', 'Why isType<T>() narrows in Magento PWA Studio', 'Bold Magento <head> tips']);
  });
  it('resolves relative links against xml:base and the feed URL', () => {
    const parsed = parseFeed(atomTextConstructs, { url: 'https://pat.example/feed.xml' });
    expect(parsed.entries.map((e) => e.link)).toEqual(['https://pat.example/blog/2026/01/checkout.html', 'https://pat.example/other/notes.html', 'https://pat.example/blog/is-type', 'https://pat.example/blog/head']);
    const rss = parseFeed(bomAndWhitespaceRss().toString('utf8').slice(1), { url: 'https://ws.example/feed/' });
    expect(rss.entries.map((e) => e.link).slice(0, 3)).toEqual(['https://ws.example/preference-node', 'https://ws.example/posts/queues', 'https://ws.example/feed/posts/bangalore']);
  });
  it('reads dates with named zones and localised months, and dates without a zone as UTC', () => {
    const rss = parseFeed(bomAndWhitespaceRss().toString('utf8').slice(1));
    expect(rss.entries.map((e) => e.publishedAt)).toEqual([
      '2026-01-03T10:00:00.000Z',
      '2026-01-04T11:00:00.000Z',
      '2026-01-04T06:30:00.000Z',
      '2026-01-04T23:00:00.000Z',
      '2026-01-05T09:00:00.000Z',
      '2026-03-06T08:00:00.000Z',
    ]);
    expect(parseFeed(atomTextConstructs).entries[2]!.publishedAt).toBe('2026-01-09T10:00:00.000Z');
  });
  it('keeps literal angle brackets in plain-text titles', () => {
    const rss = parseFeed(bomAndWhitespaceRss().toString('utf8').slice(1));
    expect(rss.entries[0]!.title).toBe('Using the <preference> node in Magento di.xml');
  });
});

describe('feeds source', () => {
  it('decodes by BOM, XML declaration, then HTTP charset, so keywords match in any encoding', async () => {
    const { contributions, error } = await run([feed(1, '/latin1'), feed(2, '/cp1252'), feed(3, '/bom')]);
    expect(error).toBeUndefined();
    const titles = contributions.map((c) => c.title);
    expect(titles).toContain('Temas Hyv\u00e4 em portugu\u00eas');
    expect(titles).toContain('\u201cHyv\u00e4\u201d checkout, explained');
    // Whitespace and a BOM before <?xml cost nothing: all six posts of that feed are read.
    expect(contributions.filter((c) => c.identityId === 3)).toHaveLength(6);
  });

  it('gives a post found in two feeds one owner and one metadata value, so a re-sync changes nothing', async () => {
    const http = createHttpClient({ clock: fakeClock(), validators: memoryValidatorStore(), allowPrivateAddresses: ['127.0.0.1/32'] });
    // The planet feed (member 2, identity 7) is listed first; the author's own feed has the lower id.
    const identities = [feed(7, '/planet', 2), feed(1, '/blog/feed')];
    const first = await run(identities, null, http);
    const second = await run([...identities].reverse(), first.cursor, http);
    const owner = (r: typeof first) => r.contributions.filter((c) => c.externalId === 'post:https://jane.example/2026/01/declarative-schema');
    expect(owner(first)).toHaveLength(1);
    expect(owner(first)[0]).toMatchObject({ identityId: 1, metadata: { feed: `${server.url}/blog/feed` } });
    expect(owner(second)).toEqual(owner(first));
    expect(http.stats.notModified).toBe(2);
  });

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
