// Parses RSS 2.0, Atom and RDF (RSS 1.0) documents into plain entries, safely: documents that
// declare entities are refused before parsing (no entity expansion, so no "billion laughs"),
// the parser expands no entities itself, and every string comes out as capped plain text or
// an http(s) URL. Knows the extensions blogs, dev.to, Medium, YouTube and podcasts use.

import { XMLParser } from 'fast-xml-parser';
import { decodeEntities, isoInstant, plainText, safeUrl } from './plain-text.js';

export interface FeedEntry {
  guid: string | null;
  title: string;
  link: string | null;
  /** rel="canonical" (Atom), feedburner:origLink or a canonical URL the feed names. */
  canonicalLink: string | null;
  publishedAt: string | null;
  categories: string[];
  /** Text to look for keywords in: summary or content, as plain text, capped. */
  summary: string;
  enclosures: { url: string; type: string }[];
  /** The entry is a video (YouTube or media:group, or a video enclosure). */
  video: boolean;
}

export interface ParsedFeed {
  format: 'rss' | 'atom' | 'rdf';
  title: string;
  link: string | null;
  entries: FeedEntry[];
}

export class FeedParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FeedParseError';
  }
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  isArray: (name) => ['item', 'entry', 'link', 'category', 'enclosure', 'dc:subject', 'atom:link', 'media:content'].includes(name),
});

type Node = Record<string, unknown>;

/** The text of an element that may be a string or {#text, @_attrs}. */
function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return text(value[0]);
  if (value && typeof value === 'object') return text((value as Node)['#text'] ?? '');
  return '';
}

function nodes(value: unknown): Node[] {
  if (Array.isArray(value)) return value.filter((v): v is Node => Boolean(v) && typeof v === 'object');
  return value && typeof value === 'object' ? [value as Node] : [];
}

function url(value: unknown, base?: string | null): string | null {
  if (!text(value).trim()) return null;
  return safeUrl(decodeEntities(text(value)), base ?? undefined);
}

export function parseFeed(xml: string, maxEntries = 500): ParsedFeed {
  const head = xml.slice(0, 20_000);
  if (/<!DOCTYPE[^>]*\[/i.test(head) || /<!ENTITY/i.test(head)) {
    throw new FeedParseError('the document declares XML entities; refused (entity expansion is not allowed)');
  }
  let doc: Node;
  try {
    doc = parser.parse(xml, true) as Node;
  } catch (error) {
    throw new FeedParseError(`not well-formed XML: ${plainText((error as Error).message, 200)}`);
  }
  const rss = doc.rss as Node | undefined;
  if (rss && typeof rss === 'object') return parseRss((nodes(rss.channel)[0] ?? {}) as Node, maxEntries);
  if (doc.feed && typeof doc.feed === 'object') return parseAtom(doc.feed as Node, maxEntries);
  const rdf = doc['rdf:RDF'] as Node | undefined;
  if (rdf && typeof rdf === 'object') return parseRdf(rdf, maxEntries);
  throw new FeedParseError('not an RSS, Atom or RDF feed');
}

function enclosuresOf(item: Node): { url: string; type: string }[] {
  const list = [...nodes(item.enclosure), ...nodes(item['media:content'])];
  return list
    .map((e) => ({ url: url(e['@_url']), type: text(e['@_type']).toLowerCase() || (text(e['@_medium']) === 'video' ? 'video/*' : '') }))
    .filter((e): e is { url: string; type: string } => e.url !== null)
    .slice(0, 5);
}

function parseRss(channel: Node, maxEntries: number): ParsedFeed {
  const feedLink = url(nodes(channel.link).map(text).find(Boolean) ?? channel.link);
  const entries = nodes(channel.item).slice(0, maxEntries).map((item): FeedEntry => {
    const atomLinks = nodes(item['atom:link']);
    const canonical = atomLinks.find((l) => text(l['@_rel']) === 'canonical');
    const guid = text(item.guid) || null;
    const link = url(text(nodes(item.link)[0] ?? item.link) || text(item.link), feedLink) ?? (guid && text((item.guid as Node)?.['@_isPermaLink']) !== 'false' ? url(guid) : null);
    return {
      guid: guid ? plainText(guid, 500) : null,
      title: plainText(text(item.title)),
      link,
      canonicalLink: url(canonical?.['@_href']) ?? url(item['feedburner:origLink']),
      publishedAt: isoInstant(text(item.pubDate) || text(item['dc:date']) || text(item['a10:updated'])),
      categories: [...nodes(item.category).map(text), ...(item.category ?? []) as unknown[]].map((c) => plainText(text(c), 100)).filter(Boolean).slice(0, 30),
      summary: plainText(text(item['content:encoded']) || text(item.description), 2000),
      enclosures: enclosuresOf(item),
      video: Boolean(item['media:group']) || (link !== null && /^https?:\/\/(www\.)?(youtube\.com|youtu\.be|vimeo\.com)\//.test(link)),
    };
  });
  return { format: 'rss', title: plainText(text(channel.title)), link: feedLink, entries: dedupeCategories(entries) };
}

function parseAtom(feed: Node, maxEntries: number): ParsedFeed {
  const links = (value: unknown) => nodes(value);
  const pick = (value: unknown, rel: string) => links(value).find((l) => (text(l['@_rel']) || 'alternate') === rel);
  const feedLink = url(pick(feed.link, 'alternate')?.['@_href']);
  const entries = nodes(feed.entry).slice(0, maxEntries).map((entry): FeedEntry => {
    const link = url(pick(entry.link, 'alternate')?.['@_href'], feedLink);
    const media = entry['media:group'] as Node | undefined;
    return {
      guid: text(entry.id) ? plainText(text(entry.id), 500) : null,
      title: plainText(text(entry.title)),
      link,
      canonicalLink: url(pick(entry.link, 'canonical')?.['@_href']),
      publishedAt: isoInstant(text(entry.published) || text(entry.updated)),
      categories: nodes(entry.category).map((c) => plainText(text(c['@_term']) || text(c['@_label']), 100)).filter(Boolean).slice(0, 30),
      summary: plainText(text(entry.summary) || text(entry.content) || text(media?.['media:description']), 2000),
      enclosures: [...enclosuresOf(entry), ...links(entry.link).filter((l) => text(l['@_rel']) === 'enclosure').map((l) => ({ url: url(l['@_href']) ?? '', type: text(l['@_type']).toLowerCase() })).filter((e) => e.url)],
      video: Boolean(entry['yt:videoId'] || media) || (link !== null && /^https?:\/\/(www\.)?(youtube\.com|youtu\.be|vimeo\.com)\//.test(link)),
    };
  });
  return { format: 'atom', title: plainText(text(feed.title)), link: feedLink, entries };
}

function parseRdf(rdf: Node, maxEntries: number): ParsedFeed {
  const channel = (nodes(rdf.channel)[0] ?? {}) as Node;
  const entries = nodes(rdf.item).slice(0, maxEntries).map((item): FeedEntry => {
    const link = url(text(nodes(item.link)[0] ?? item.link) || text(item.link)) ?? url(item['@_rdf:about']);
    return {
      guid: text(item['@_rdf:about']) || null,
      title: plainText(text(item.title)),
      link,
      canonicalLink: null,
      publishedAt: isoInstant(text(item['dc:date'])),
      categories: nodes(item['dc:subject']).map(text).concat(((item['dc:subject'] ?? []) as unknown[]).map(text)).map((c) => plainText(c, 100)).filter(Boolean).slice(0, 30),
      summary: plainText(text(item.description), 2000),
      enclosures: [],
      video: false,
    };
  });
  return { format: 'rdf', title: plainText(text(channel.title)), link: url(text(nodes(channel.link)[0] ?? channel.link)), entries: dedupeCategories(entries) };
}

function dedupeCategories(entries: FeedEntry[]): FeedEntry[] {
  return entries.map((e) => ({ ...e, categories: [...new Set(e.categories)] }));
}
