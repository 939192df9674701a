// Parses RSS 0.9x/2.0, Atom (1.0 and 0.3) and RDF (RSS 1.0) documents into plain entries the
// way a mature reader (Python's feedparser) reads them, safely:
// - bytes are decoded by BOM, XML declaration, then HTTP charset (text-decoding.ts);
// - the XML is tokenized by htmlparser2 in XML mode, which is lenient like feedparser
//   (whitespace before `<?xml`, unclosed tags) and never expands entities; documents that declare
//   entities are refused outright (no "billion laughs");
// - elements are recognised by namespace URI, whatever prefix the feed chose (`a10:link` is an
//   Atom link), with the conventional prefix when a feed forgets to declare one;
// - text is decoded once per layer: the XML layer (character references, CDATA as is), then,
//   only for HTML content (Atom type="html"/"xhtml", or RSS text that looks like HTML, as
//   feedparser decides), the HTML layer by a real tokenizer. Plain text keeps its `<...>`;
// - links are resolved against xml:base and the feed's URL; dates read with named zones, UTC
//   when there is none (feed-dates.ts).

import render from 'dom-serializer';
import { isCDATA, isTag, isText, type AnyNode, type Element } from 'domhandler';
import { parseDocument } from 'htmlparser2';
import { parseFeedDate } from './feed-dates.js';
import { cleanText, decodeEntities, htmlToText, safeUrl } from './plain-text.js';
import { decodeXml } from './text-decoding.js';

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
  /** The encoding the document was read in (WHATWG name), when it came as bytes. */
  encoding?: string;
  title: string;
  link: string | null;
  entries: FeedEntry[];
}

export interface ParseFeedOptions {
  maxEntries?: number;
  /** The URL the feed was fetched from: relative links resolve against it (after xml:base). */
  url?: string;
}

export class FeedParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FeedParseError';
  }
}

/** Namespace URIs (lowercased, without a trailing slash or #) to the short names used below. */
const NAMESPACES: Record<string, string> = {
  'http://www.w3.org/2005/atom': 'atom',
  'http://purl.org/atom/ns': 'atom',
  'http://purl.org/rss/1.0': '',
  'http://my.netscape.com/rdf/simple/0.9': '',
  'http://backend.userland.com/rss2': '',
  'http://backend.userland.com/rss': '',
  'http://www.w3.org/1999/02/22-rdf-syntax-ns': 'rdf',
  'http://purl.org/dc/elements/1.1': 'dc',
  'http://purl.org/dc/terms': 'dcterms',
  'http://purl.org/rss/1.0/modules/content': 'content',
  'http://search.yahoo.com/mrss': 'media',
  'http://www.youtube.com/xml/schemas/2015': 'yt',
  'http://rssnamespace.org/feedburner/ext/1.0': 'feedburner',
  'http://www.itunes.com/dtds/podcast-1.0.dtd': 'itunes',
  'http://www.w3.org/1999/xhtml': 'xhtml',
};
/** Prefixes feeds use without declaring them. */
const CONVENTIONAL: Record<string, string> = { atom: 'atom', a10: 'atom', dc: 'dc', dcterms: 'dcterms', content: 'content', media: 'media', yt: 'yt', feedburner: 'feedburner', itunes: 'itunes', rdf: 'rdf' };

interface Info {
  /** 'title', 'atom:link', 'dc:date', ... (local name lowercased). */
  key: string;
  /** The base URL in effect for the element (xml:base chain over the feed URL). */
  base: string | undefined;
}

const MAX_TEXT = 200_000;

class FeedDocument {
  private readonly info = new WeakMap<Element, Info>();

  constructor(
    readonly root: Element,
    url: string | undefined,
  ) {
    // One iterative pass (documents can nest deeply): namespaces and xml:base per element.
    const stack: [Element, Map<string, string>, string | undefined][] = [[root, new Map(), url]];
    while (stack.length > 0) {
      const [element, parentNs, parentBase] = stack.pop()!;
      let ns = parentNs;
      for (const [name, value] of Object.entries(element.attribs)) {
        if (name !== 'xmlns' && !name.startsWith('xmlns:')) continue;
        if (ns === parentNs) ns = new Map(parentNs);
        ns.set(name === 'xmlns' ? '' : name.slice(6), value.trim().toLowerCase().replace(/[/#]$/, ''));
      }
      const colon = element.name.indexOf(':');
      const prefix = colon === -1 ? '' : element.name.slice(0, colon);
      const local = (colon === -1 ? element.name : element.name.slice(colon + 1)).toLowerCase();
      const uri = ns.get(prefix);
      const alias = uri !== undefined ? (NAMESPACES[uri] ?? (prefix ? prefix.toLowerCase() : '')) : prefix ? (CONVENTIONAL[prefix.toLowerCase()] ?? prefix.toLowerCase()) : '';
      const xmlBase = element.attribs['xml:base'];
      const base = xmlBase !== undefined ? (safeUrl(decodeEntities(xmlBase), parentBase) ?? parentBase) : parentBase;
      this.info.set(element, { key: alias ? `${alias}:${local}` : local, base });
      // Content markup (xhtml, html in CDATA) needs no entry of its own below a text construct.
      for (const child of element.children) if (isTag(child)) stack.push([child, ns, base]);
    }
  }

  key(element: Element): string {
    return this.info.get(element)?.key ?? element.name.toLowerCase();
  }

  base(element: Element): string | undefined {
    return this.info.get(element)?.base;
  }

  children(element: Element, ...keys: string[]): Element[] {
    return element.children.filter((c): c is Element => isTag(c) && keys.includes(this.key(c)));
  }

  child(element: Element, ...keys: string[]): Element | undefined {
    // The first of the keys that is present wins (keys are in order of preference).
    const found = this.children(element, ...keys);
    for (const key of keys) {
      const match = found.find((c) => this.key(c) === key);
      if (match) return match;
    }
    return undefined;
  }

  /** An attribute by local name, whatever its prefix (rdf:about, about). */
  attr(element: Element | undefined, name: string): string | undefined {
    if (!element) return undefined;
    const direct = element.attribs[name];
    if (direct !== undefined) return decodeEntities(direct);
    const entry = Object.entries(element.attribs).find(([key]) => key.toLowerCase() === name || key.toLowerCase().endsWith(`:${name}`));
    return entry ? decodeEntities(entry[1]) : undefined;
  }

  /** A URL attribute or text, resolved against the element's base. */
  url(element: Element | undefined, value: string | undefined): string | null {
    if (!element || value === undefined || !value.trim()) return null;
    return safeUrl(value.trim(), this.base(element));
  }
}

/** The XML layer of an element's text: character references decoded once, CDATA as is. */
function xmlText(element: Element | undefined): string {
  if (!element) return '';
  const parts: string[] = [];
  let length = 0;
  const stack: AnyNode[] = [...element.children].reverse();
  while (stack.length > 0 && length < MAX_TEXT) {
    const node = stack.pop()!;
    if (isText(node)) {
      const inCdata = node.parent !== null && isCDATA(node.parent);
      const value = inCdata ? node.data : decodeEntities(node.data);
      parts.push(value);
      length += value.length;
    } else if (isCDATA(node) || isTag(node)) {
      for (let i = node.children.length - 1; i >= 0; i -= 1) stack.push(node.children[i]!);
    }
  }
  return parts.join('');
}

/** Tags feedparser accepts in text it guesses to be HTML (its sanitizer's list). */
const HTML_TAGS = new Set(
  'a abbr acronym address area article aside audio b big blockquote br button canvas caption center cite code col colgroup command datagrid datalist dd del details dfn dialog dir div dl dt em event-source fieldset figcaption figure font footer form h1 h2 h3 h4 h5 h6 header hr i img input ins kbd keygen label legend li m map menu meter multicol nav nextid noscript ol optgroup option output p pre progress q s samp section select small sound source spacer span strike strong sub sup table tbody td textarea tfoot th thead time tr tt u ul var video'.split(' '),
);

/**
 * feedparser's guess for RSS text: HTML when it has a closing tag or a character reference,
 * every tag is a known HTML element and every named reference is a known HTML entity.
 */
export function looksLikeHtml(text: string): boolean {
  const sample = text.slice(0, MAX_TEXT);
  if (!/<\/[a-z][\w-]*>/i.test(sample) && !/&#?\w+;/.test(sample)) return false;
  for (const match of sample.matchAll(/<\/?([a-z][\w-]*)/gi)) if (!HTML_TAGS.has(match[1]!.toLowerCase())) return false;
  for (const match of sample.matchAll(/&([a-z]\w*);/gi)) if (decodeEntities(match[0]) === match[0]) return false;
  return true;
}

export class FeedText {
  /** An Atom text construct: type="text" (default), "html" or "xhtml" (or their MIME types). */
  static atom(element: Element | undefined, maxLength = 300): string {
    if (!element) return '';
    const type = (element.attribs.type ?? 'text').trim().toLowerCase();
    if (type === 'xhtml' || type === 'application/xhtml+xml') {
      // The markup itself is the content: serialize it as written, then read it as HTML once.
      return cleanText(htmlToText(render(element.children, { xmlMode: true, decodeEntities: false }), maxLength * 20), maxLength);
    }
    const text = xmlText(element);
    if (type === 'html' || type === 'text/html') return cleanText(htmlToText(text, maxLength * 20), maxLength);
    return cleanText(text, maxLength);
  }

  /** RSS/RDF text: plain unless it looks like HTML (feedparser's rule). */
  static rss(element: Element | undefined, maxLength = 300): string {
    const text = xmlText(element);
    return cleanText(looksLikeHtml(text) ? htmlToText(text, maxLength * 20) : text, maxLength);
  }

  /** Content that is HTML by convention (RSS description, content:encoded). */
  static html(element: Element | undefined, maxLength = 2000): string {
    if (!element) return '';
    if (element.attribs.type !== undefined) return FeedText.atom(element, maxLength);
    return cleanText(htmlToText(xmlText(element), maxLength * 20), maxLength);
  }
}

/** Parses a feed from the bytes received, decoding them as XML readers do. */
export function parseFeedBytes(bytes: Uint8Array, httpCharset: string | null, options: ParseFeedOptions = {}): ParsedFeed {
  const decoded = decodeXml(bytes, httpCharset);
  return { ...parseFeed(decoded.text, options), encoding: decoded.encoding };
}

export function parseFeed(xml: string, options: ParseFeedOptions | number = {}): ParsedFeed {
  const { maxEntries = 500, url } = typeof options === 'number' ? { maxEntries: options } : options;
  const head = xml.slice(0, 20_000);
  if (/<!DOCTYPE[^>]*\[/i.test(head) || /<!ENTITY/i.test(head)) {
    throw new FeedParseError('the document declares XML entities; refused (entity expansion is not allowed)');
  }
  const document = parseDocument(xml, { xmlMode: true, decodeEntities: false, recognizeCDATA: true });
  const root = document.children.find(isTag);
  if (!root) throw new FeedParseError('not well-formed XML: no root element');
  const doc = new FeedDocument(root, url);
  const rootKey = doc.key(root);
  if (rootKey === 'rss') {
    const channel = doc.child(root, 'channel') ?? root;
    const items = doc.children(channel, 'item');
    return parseRss(doc, channel, items.length > 0 ? items : doc.children(root, 'item'), maxEntries);
  }
  if (rootKey === 'atom:feed' || rootKey === 'feed') return parseAtom(doc, root, maxEntries);
  if (rootKey === 'rdf:rdf') {
    const channel = doc.child(root, 'channel');
    return { ...parseRss(doc, channel ?? root, doc.children(root, 'item'), maxEntries), format: 'rdf' };
  }
  throw new FeedParseError('not an RSS, Atom or RDF feed');
}

const VIDEO_HOSTS = /^https?:\/\/(www\.)?(youtube\.com|youtu\.be|vimeo\.com)\//;

function enclosuresOf(doc: FeedDocument, item: Element): { url: string; type: string }[] {
  const group = doc.child(item, 'media:group');
  const list = [...doc.children(item, 'enclosure', 'media:content'), ...(group ? doc.children(group, 'media:content') : [])];
  const out = list
    .map((e) => ({ url: doc.url(e, doc.attr(e, 'url')), type: (doc.attr(e, 'type') ?? '').toLowerCase() || (doc.attr(e, 'medium') === 'video' ? 'video/*' : '') }))
    .filter((e): e is { url: string; type: string } => e.url !== null);
  for (const link of doc.children(item, 'atom:link', 'link')) {
    if (doc.attr(link, 'rel') !== 'enclosure') continue;
    const href = doc.url(link, doc.attr(link, 'href'));
    if (href) out.push({ url: href, type: (doc.attr(link, 'type') ?? '').toLowerCase() });
  }
  return out.slice(0, 5);
}

/** An Atom-style <link rel href> among the children (atom:link in RSS, link in Atom). */
function atomLink(doc: FeedDocument, parent: Element, keys: string[], rel: string): string | null {
  for (const link of doc.children(parent, ...keys)) {
    if ((doc.attr(link, 'rel') ?? 'alternate').trim().toLowerCase() !== rel) continue;
    const href = doc.url(link, doc.attr(link, 'href'));
    if (href) return href;
  }
  return null;
}

function categories(values: string[]): string[] {
  return [...new Set(values.map((c) => cleanText(c, 200)).filter(Boolean))].slice(0, 60);
}

/** Tags of an item as feedparser reads them: category, dc:subject, itunes:category and itunes:keywords. */
function tagsOf(doc: FeedDocument, item: Element): string[] {
  const tags = doc.children(item, 'category', 'dc:subject').map((c) => xmlText(c) || doc.attr(c, 'term') || '');
  for (const category of doc.children(item, 'itunes:category')) tags.push(doc.attr(category, 'text') ?? '');
  for (const keywords of doc.children(item, 'itunes:keywords')) tags.push(...xmlText(keywords).split(','));
  return categories(tags);
}

function parseRss(doc: FeedDocument, channel: Element, items: Element[], maxEntries: number): ParsedFeed {
  const channelLinkElement = doc.children(channel, 'link').find((l) => xmlText(l).trim() || doc.attr(l, 'href'));
  const feedLink = doc.url(channelLinkElement, xmlText(channelLinkElement).trim() || doc.attr(channelLinkElement, 'href')) ?? atomLink(doc, channel, ['atom:link'], 'alternate');
  const entries = items.slice(0, maxEntries).map((item): FeedEntry => {
    const guidElement = doc.child(item, 'guid');
    const guid = xmlText(guidElement).trim() || doc.attr(item, 'about') || null;
    const linkElement = doc.children(item, 'link').find((l) => xmlText(l).trim() || doc.attr(l, 'href'));
    const permalink = guidElement && (doc.attr(guidElement, 'ispermalink') ?? 'true').trim().toLowerCase() !== 'false' ? doc.url(guidElement, guid ?? undefined) : null;
    const link =
      doc.url(linkElement, linkElement ? xmlText(linkElement).trim() || doc.attr(linkElement, 'href') : undefined) ??
      atomLink(doc, item, ['atom:link'], 'alternate') ??
      (permalink && /^https?:/i.test(guid ?? '') ? permalink : null) ??
      doc.url(item, doc.attr(item, 'about'));
    const date = doc.child(item, 'pubdate', 'dc:date', 'atom:published', 'atom:updated', 'dcterms:issued', 'dcterms:modified', 'dcterms:created');
    const summary = doc.child(item, 'content:encoded', 'description', 'atom:content', 'atom:summary', 'media:description');
    return {
      guid: guid ? cleanText(guid, 500) : null,
      title: FeedText.rss(doc.child(item, 'title', 'dc:title', 'atom:title')),
      link,
      canonicalLink: atomLink(doc, item, ['atom:link'], 'canonical') ?? doc.url(doc.child(item, 'feedburner:origlink'), xmlText(doc.child(item, 'feedburner:origlink'))),
      publishedAt: parseFeedDate(xmlText(date)),
      categories: tagsOf(doc, item),
      summary: FeedText.html(summary),
      enclosures: enclosuresOf(doc, item),
      video: doc.child(item, 'media:group') !== undefined || (link !== null && VIDEO_HOSTS.test(link)),
    };
  });
  return { format: 'rss', title: FeedText.rss(doc.child(channel, 'title', 'dc:title')), link: feedLink, entries };
}

const ATOM = (...locals: string[]) => locals.flatMap((l) => [`atom:${l}`, l]);

function parseAtom(doc: FeedDocument, feed: Element, maxEntries: number): ParsedFeed {
  const feedLink = atomLink(doc, feed, ATOM('link'), 'alternate');
  const entries = doc.children(feed, ...ATOM('entry')).slice(0, maxEntries).map((entry): FeedEntry => {
    const link = atomLink(doc, entry, ATOM('link'), 'alternate');
    const media = doc.child(entry, 'media:group');
    const id = xmlText(doc.child(entry, ...ATOM('id'))).trim();
    const date = doc.child(entry, ...ATOM('published', 'updated', 'issued', 'modified', 'created'), 'dc:date');
    const summary = doc.child(entry, ...ATOM('summary', 'content')) ?? (media ? doc.child(media, 'media:description') : undefined);
    return {
      guid: id ? cleanText(id, 500) : null,
      title: FeedText.atom(doc.child(entry, ...ATOM('title'))),
      link,
      canonicalLink: atomLink(doc, entry, ATOM('link'), 'canonical'),
      publishedAt: parseFeedDate(xmlText(date)),
      categories: categories([...doc.children(entry, ...ATOM('category')).map((c) => doc.attr(c, 'term') || doc.attr(c, 'label') || ''), ...doc.children(entry, 'dc:subject').map(xmlText)]),
      summary: FeedText.atom(summary, 2000),
      enclosures: enclosuresOf(doc, entry),
      video: doc.child(entry, 'yt:videoid') !== undefined || media !== undefined || (link !== null && VIDEO_HOSTS.test(link)),
    };
  });
  return { format: 'atom', title: FeedText.atom(doc.child(feed, ...ATOM('title'))), link: feedLink, entries };
}
