// The feeds source: blogs, dev.to, Medium, YouTube channels and podcasts linked by a person
// (identity externalId = the feed URL, fetched through the SSRF guard with conditional
// requests). Entries become 'blogPost', 'video' or 'podcastEpisode' when they are about
// Magento (keywords and categories, configurable). A post cross-posted to several feeds of the
// same member counts once: the cursor remembers which id each title was first recorded under.

import { z } from 'zod';
import type { LinkedIdentity, NormalizedContribution, SourceBatch, SourceCursor } from './contract.js';
import { SourceError, identitiesOn, type SourceContext } from './context.js';
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

interface FeedsCursor {
  /** memberId -> normalized title -> externalId it was recorded under. */
  titles: Record<string, Record<string, string>>;
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
  const state: FeedsCursor = { titles: { ...((cursor as Partial<FeedsCursor> | null)?.titles ?? {}) } };
  const failures: string[] = [];
  // A post in two feeds (a cross-post, a planet) has one owner and one metadata value: the feed
  // of the lowest identity id that has it, so repeated runs write the same row (0 updated).
  const emitted = new Set<string>();
  const feeds = [...identitiesOn('feed', identities)].sort((a, b) => a.identityId - b.identityId);
  for (const identity of feeds) {
    let entries: FeedEntry[];
    try {
      const response = await context.http.get(identity.externalId, { untrusted: true, maxBytes: settings.maxBytes, headers: { accept: 'application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9, text/xml;q=0.8' } });
      entries = parseFeedBytes(response.body, response.charset, { maxEntries: settings.maxEntriesPerFeed, url: response.url }).entries;
    } catch (error) {
      if (isHttpStatus(error, 404, 410)) {
        yield { contributions: [], cursor: { ...state }, goneIdentities: [{ identityId: identity.identityId, reason: `feed ${identity.externalId} answered HTTP ${error.status}` }] };
        continue;
      }
      failures.push(`${identity.externalId}: ${(error as Error).message}`);
      continue;
    }
    const memberTitles = { ...state.titles[String(identity.memberId)] };
    const contributions = new Map<string, NormalizedContribution>();
    for (const entry of entries) {
      if (!entry.title || !entry.publishedAt || !isRelevant(entry, settings)) continue;
      const titleKey = foldText(entry.title).slice(0, 200);
      const externalId = entryId(entry);
      if (!externalId || contributions.has(externalId) || emitted.has(externalId)) continue;
      // Known under another id: a cross-post of something already counted.
      if (memberTitles[titleKey] !== undefined && memberTitles[titleKey] !== externalId) continue;
      memberTitles[titleKey] = externalId;
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
    for (const externalId of contributions.keys()) emitted.add(externalId);
    state.titles[String(identity.memberId)] = Object.fromEntries(Object.entries(memberTitles).slice(-settings.crossPostMemory));
    yield { contributions: [...contributions.values()], cursor: { ...state } };
  }
  if (failures.length > 0) {
    throw new SourceError(SOURCE, `${failures.length} feed(s) failed: ${failures.slice(0, 10).join('; ')}`);
  }
}
