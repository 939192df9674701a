// The feeds source: blogs, dev.to, Medium, YouTube channels and podcasts linked by a person
// (identity externalId = the feed URL, fetched through the SSRF guard with conditional
// requests). Entries become 'blogPost', 'video' or 'podcastEpisode' when they are about
// Magento (keywords and categories, configurable). A post cross-posted to several feeds of the
// same member counts once, for the feed that recorded it first: each feed identity's cursor
// remembers the titles it recorded and their ids, and a feed skips what a sibling feed owns.
// Each feed is one identity's check: a broken feed fails (and backs off) alone.

import { z } from 'zod';
import type { LinkedIdentity, NormalizedContribution, SourceBatch, SourceCursor } from './contract.js';
import { identitiesOn, type SourceContext } from './context.js';
import { parseFeedBytes, type FeedEntry } from './feed-parser.js';
import { isHttpStatus } from './http-errors.js';

export const feedsSettingsSchema = z.object({
  keywords: z.array(z.string().min(1)).default(['magento', 'adobe commerce', 'mage-os', 'mageos', 'hyva', 'hyvä', 'pwa studio']),
  /** Categories/tags that make an entry relevant on their own (compared case-insensitively). */
  categories: z.array(z.string().min(1)).default(['magento', 'magento2', 'magento-2', 'adobe-commerce', 'mage-os', 'hyva']),
  maxBytes: z.number().int().positive().default(5 * 1024 * 1024),
  maxEntriesPerFeed: z.number().int().positive().default(200),
  /** Cross-post memory per member (titles), bounded. */
  crossPostMemory: z.number().int().positive().default(500),
});
export type FeedsSettings = z.infer<typeof feedsSettingsSchema>;

/** The shared cursor of earlier versions (read only, to keep the cross-post memory). */
interface LegacyFeedsCursor {
  /** memberId -> normalized title -> externalId it was recorded under. */
  titles: Record<string, Record<string, string>>;
}

/** One feed identity's cursor. */
interface FeedCursor {
  /** Normalized title -> externalId this feed recorded it under. */
  titles: Record<string, string>;
}

function feedCursor(cursor: SourceCursor | undefined): FeedCursor {
  const titles = (cursor as Partial<FeedCursor> | null | undefined)?.titles;
  return { titles: titles && typeof titles === 'object' ? { ...titles } : {} };
}

const SOURCE = 'feeds';

/** Lowercase, without diacritics (hyvä = hyva), punctuation folded to spaces. */
export function foldText(text: string): string {
  return text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
}

export function isRelevant(entry: FeedEntry, settings: FeedsSettings): boolean {
  const categories = new Set(entry.categories.map((c) => foldText(c)));
  if (settings.categories.some((c) => categories.has(foldText(c)))) return true;
  const haystack = ` ${foldText(`${entry.title} ${entry.categories.join(' ')} ${entry.summary}`)} `;
  return settings.keywords.some((keyword) => haystack.includes(` ${foldText(keyword)} `) || haystack.includes(` ${foldText(keyword)}2 `));
}

/** Same post, different URL decorations: no fragment, no tracking parameters, no trailing slash. */
export function normalizeLink(link: string): string {
  const url = new URL(link);
  url.hash = '';
  url.hostname = url.hostname.toLowerCase().replace(/^www\./, '');
  for (const name of [...url.searchParams.keys()]) if (/^(utm_|ref$|source$|fbclid$|gclid$)/i.test(name)) url.searchParams.delete(name);
  url.protocol = 'https:';
  return url.toString().replace(/\/$/, '');
}

export function entryKind(entry: FeedEntry): 'blogPost' | 'video' | 'podcastEpisode' {
  if (entry.video || entry.enclosures.some((e) => e.type.startsWith('video/'))) return 'video';
  if (entry.enclosures.some((e) => e.type.startsWith('audio/'))) return 'podcastEpisode';
  return 'blogPost';
}

function entryId(entry: FeedEntry): string | null {
  const link = entry.canonicalLink ?? entry.link;
  if (link) return `post:${normalizeLink(link)}`;
  if (entry.guid) return `guid:${entry.guid}`;
  if (entry.title && entry.publishedAt) return `title:${foldText(entry.title)}@${entry.publishedAt.slice(0, 10)}`;
  return null;
}

export async function* feedsSource(
  rawSettings: z.input<typeof feedsSettingsSchema>,
  identities: LinkedIdentity[],
  cursor: SourceCursor,
  context: SourceContext,
): AsyncGenerator<SourceBatch> {
  const settings = feedsSettingsSchema.parse(rawSettings);
  const legacy = (cursor as Partial<LegacyFeedsCursor> | null)?.titles ?? {};
  const feeds = [...identitiesOn('feed', identities)].sort((a, b) => a.identityId - b.identityId);
  // Every feed's titles, due or not, so that a cross-post is known whichever feed is read.
  const titlesOf = new Map(feeds.map((identity) => [identity.identityId, feedCursor(identity.cursor).titles]));
  // A post in several people's feeds (a planet, a shared blog) has one owner and one metadata
  // value: the feed of the lowest identity id that recorded it, read or not this run.
  const ownerOf = new Map<string, number>();
  for (const identity of feeds) {
    for (const id of Object.values(titlesOf.get(identity.identityId) ?? {})) if (!ownerOf.has(id)) ownerOf.set(id, identity.identityId);
  }
  const feedsOf = new Map<number, LinkedIdentity[]>();
  for (const identity of feeds) feedsOf.set(identity.memberId, [...(feedsOf.get(identity.memberId) ?? []), identity]);
  for (const identity of feeds) {
    if (identity.due === false) continue;
    let entries: FeedEntry[];
    try {
      const response = await context.http.get(identity.externalId, { untrusted: true, maxBytes: settings.maxBytes, headers: { accept: 'application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9, text/xml;q=0.8' } });
      entries = parseFeedBytes(response.body, response.charset, { maxEntries: settings.maxEntriesPerFeed, url: response.url }).entries;
    } catch (error) {
      if (isHttpStatus(error, 404, 410)) {
        const reason = `feed ${identity.externalId} answered HTTP ${error.status}`;
        yield { contributions: [], identity: { identityId: identity.identityId, error: reason }, goneIdentities: [{ identityId: identity.identityId, reason }] };
        continue;
      }
      yield { contributions: [], identity: { identityId: identity.identityId, error: `${identity.externalId}: ${(error as Error).message}` } };
      continue;
    }
    // Titles recorded by the member's other feeds (and by the shared cursor of earlier versions).
    const siblings = new Map<string, string>(Object.entries(legacy[String(identity.memberId)] ?? {}));
    const siblingIds = new Set<string>();
    for (const other of feedsOf.get(identity.memberId) ?? []) {
      if (other.identityId === identity.identityId) continue;
      for (const [title, id] of Object.entries(titlesOf.get(other.identityId) ?? {})) {
        siblings.set(title, id);
        siblingIds.add(id);
      }
    }
    const ownIds = new Set(Object.values(titlesOf.get(identity.identityId) ?? {}));
    const own: Record<string, string> = { ...titlesOf.get(identity.identityId) };
    const contributions = new Map<string, NormalizedContribution>();
    for (const entry of entries) {
      if (!entry.title || !entry.publishedAt || !isRelevant(entry, settings)) continue;
      const titleKey = foldText(entry.title).slice(0, 200);
      const externalId = entryId(entry);
      if (!externalId || contributions.has(externalId)) continue;
      const owner = ownerOf.get(externalId);
      if (owner !== undefined && owner !== identity.identityId) continue;
      ownerOf.set(externalId, identity.identityId);
      // Recorded by a sibling feed (same link or same title): a cross-post, counted there.
      if (siblingIds.has(externalId) && !ownIds.has(externalId)) continue;
      const known = siblings.get(titleKey);
      if (known !== undefined && known !== externalId && own[titleKey] === undefined) continue;
      if (own[titleKey] !== undefined && own[titleKey] !== externalId) continue;
      own[titleKey] = externalId;
      contributions.set(externalId, {
        source: SOURCE,
        externalId,
        kind: entryKind(entry),
        title: entry.title,
        url: entry.canonicalLink ?? entry.link,
        occurredAt: entry.publishedAt,
        identityId: identity.identityId,
        metadata: { feed: identity.externalId, categories: entry.categories.slice(0, 10) },
      });
    }
    const titles = Object.fromEntries(Object.entries(own).slice(-settings.crossPostMemory));
    titlesOf.set(identity.identityId, titles);
    yield { contributions: [...contributions.values()], identity: { identityId: identity.identityId, cursor: { titles } } };
  }
}
