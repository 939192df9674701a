// Feed and calendar documents built from plain data, in the dialects publishers really write:
// WordPress RSS 2.0 (tracking parameters on links, dc:creator, CDATA, categories), dev.to RSS,
// a static-site Atom feed, RDF/RSS 1.0 with dc:date and dc:subject, a YouTube channel's Atom
// feed (yt: and media: namespaces, www. links) and iCalendar with a monthly RRULE, a cancelled
// event and a future one. The data says what a post or event is; the builders say how it looks.

export interface FeedPost {
  title: string;
  /** The post's own address, as a reader would share it (no tracking parameters, no www.). */
  link: string;
  publishedAt: string;
  categories: string[];
  summary: string;
  /** Ground truth for the test: is this post about Magento? */
  magento: boolean;
}

export type FeedFormat = 'wordpress' | 'devto' | 'atom' | 'rdf' | 'youtube';

export interface FeedDocument {
  format: FeedFormat;
  title: string;
  site: string;
  posts: FeedPost[];
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const rfc822 = (iso: string) => new Date(iso).toUTCString().replace('GMT', '+0000');

export function feedXml(feed: FeedDocument): string {
  switch (feed.format) {
    case 'wordpress':
      return wordpressFeed(feed);
    case 'devto':
      return devtoFeed(feed);
    case 'atom':
      return atomFeed(feed);
    case 'rdf':
      return rdfFeed(feed);
    case 'youtube':
      return youtubeFeed(feed);
  }
}

export function feedContentType(format: FeedFormat): string {
  if (format === 'atom' || format === 'youtube') return 'application/atom+xml; charset=UTF-8';
  if (format === 'rdf') return 'application/rdf+xml';
  return 'application/rss+xml; charset=UTF-8';
}

function wordpressFeed(feed: FeedDocument): string {
  const items = feed.posts.map(
    (post, index) => `  <item>
    <title>${escapeXml(post.title)}</title>
    <link>${escapeXml(`${post.link}/?utm_source=rss&utm_medium=rss&utm_campaign=${index}`)}</link>
    <dc:creator><![CDATA[${feed.title}]]></dc:creator>
    <pubDate>${rfc822(post.publishedAt)}</pubDate>
${post.categories.map((c) => `    <category><![CDATA[${c}]]></category>`).join('\n')}
    <guid isPermaLink="false">${escapeXml(`${feed.site}/?p=${1000 + index}`)}</guid>
    <description><![CDATA[<p>${escapeXml(post.summary)}</p>]]></description>
    <content:encoded><![CDATA[<p>${escapeXml(post.summary)}</p><p>The post <a href="${post.link}">${escapeXml(post.title)}</a> appeared first on ${escapeXml(feed.title)}.</p>]]></content:encoded>
  </item>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/">
<channel>
  <title>${escapeXml(feed.title)}</title>
  <atom:link href="${feed.site}/feed/" rel="self" type="application/rss+xml" />
  <link>${feed.site}</link>
  <description>Notes on e-commerce</description>
  <lastBuildDate>${rfc822(feed.posts[0]?.publishedAt ?? '2026-01-01T00:00:00Z')}</lastBuildDate>
  <language>en-US</language>
  <sy:updatePeriod>hourly</sy:updatePeriod>
  <generator>https://wordpress.org/?v=6.7.1</generator>
${items.join('\n')}
</channel>
</rss>`;
}

function devtoFeed(feed: FeedDocument): string {
  const items = feed.posts.map(
    (post) => `    <item>
      <title>${escapeXml(post.title)}</title>
      <dc:creator>${escapeXml(feed.title)}</dc:creator>
      <pubDate>${rfc822(post.publishedAt)}</pubDate>
      <link>${post.link}</link>
      <guid>${post.link}</guid>
      <description>${escapeXml(`<p>${post.summary}</p>`)}</description>
${post.categories.map((c) => `      <category>${escapeXml(c)}</category>`).join('\n')}
    </item>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>DEV Community: ${escapeXml(feed.title)}</title>
    <description>The latest articles on DEV Community by ${escapeXml(feed.title)}.</description>
    <link>${feed.site}</link>
    <language>en</language>
${items.join('\n')}
  </channel>
</rss>`;
}

function atomFeed(feed: FeedDocument): string {
  const entries = feed.posts.map(
    (post) => `  <entry>
    <title type="html">${escapeXml(post.title)}</title>
    <link href="${post.link}" rel="alternate" type="text/html" title="${escapeXml(post.title)}" />
    <published>${post.publishedAt}</published>
    <updated>${post.publishedAt}</updated>
    <id>${post.link}</id>
    <content type="html" xml:base="${post.link}">${escapeXml(`<p>${post.summary}</p>`)}</content>
    <author><name>${escapeXml(feed.title)}</name></author>
${post.categories.map((c) => `    <category term="${escapeXml(c)}" />`).join('\n')}
    <summary type="html">${escapeXml(post.summary)}</summary>
  </entry>`,
  );
  return `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
  <generator uri="https://jekyllrb.com/" version="4.3.3">Jekyll</generator>
  <link href="${feed.site}/feed.xml" rel="self" type="application/atom+xml" />
  <link href="${feed.site}/" rel="alternate" type="text/html" />
  <updated>${feed.posts[0]?.publishedAt ?? '2026-01-01T00:00:00Z'}</updated>
  <id>${feed.site}/feed.xml</id>
  <title type="html">${escapeXml(feed.title)}</title>
${entries.join('\n')}
</feed>`;
}

function rdfFeed(feed: FeedDocument): string {
  const items = feed.posts.map(
    (post) => `  <item rdf:about="${post.link}">
    <title>${escapeXml(post.title)}</title>
    <link>${post.link}</link>
    <description>${escapeXml(post.summary)}</description>
    <dc:date>${post.publishedAt}</dc:date>
${post.categories.map((c) => `    <dc:subject>${escapeXml(c)}</dc:subject>`).join('\n')}
  </item>`,
  );
  return `<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="${feed.site}/">
    <title>${escapeXml(feed.title)}</title>
    <link>${feed.site}/</link>
    <description>Old school blog</description>
    <items><rdf:Seq>${feed.posts.map((p) => `<rdf:li rdf:resource="${p.link}" />`).join('')}</rdf:Seq></items>
  </channel>
${items.join('\n')}
</rdf:RDF>`;
}

/** YouTube titles are plain text and YouTube refuses `<` and `>` in them: the blog's markup goes. */
const youtubeTitle = (title: string) => title.replace(/<\/?[a-z]+>/g, '');

function youtubeFeed(feed: FeedDocument): string {
  const channelId = new URL(feed.site).pathname.split('/').pop() ?? 'UC';
  const entries = feed.posts.map((post) => {
    const videoId = new URL(post.link).searchParams.get('v') ?? '';
    return ` <entry>
  <id>yt:video:${videoId}</id>
  <yt:videoId>${videoId}</yt:videoId>
  <yt:channelId>${channelId}</yt:channelId>
  <title>${escapeXml(youtubeTitle(post.title))}</title>
  <link rel="alternate" href="${post.link.replace('https://youtube.com/', 'https://www.youtube.com/')}"/>
  <author><name>${escapeXml(feed.title)}</name><uri>https://www.youtube.com/channel/${channelId}</uri></author>
  <published>${post.publishedAt.replace('Z', '+00:00')}</published>
  <updated>${post.publishedAt.replace('Z', '+00:00')}</updated>
  <media:group>
   <media:title>${escapeXml(youtubeTitle(post.title))}</media:title>
   <media:content url="https://www.youtube.com/v/${videoId}?version=3" type="application/x-shockwave-flash" width="640" height="390"/>
   <media:thumbnail url="https://i2.ytimg.com/vi/${videoId}/hqdefault.jpg" width="480" height="360"/>
   <media:description>${escapeXml(post.summary)}</media:description>
   <media:community><media:starRating count="41" average="5.00" min="1" max="5"/><media:statistics views="1203"/></media:community>
  </media:group>
 </entry>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns:yt="http://www.youtube.com/xml/schemas/2015" xmlns:media="http://search.yahoo.com/mrss/" xmlns="http://www.w3.org/2005/Atom">
 <link rel="self" href="http://www.youtube.com/feeds/videos.xml?channel_id=${channelId}"/>
 <id>yt:channel:${channelId.replace(/^UC/, '')}</id>
 <yt:channelId>${channelId.replace(/^UC/, '')}</yt:channelId>
 <title>${escapeXml(feed.title)}</title>
 <link rel="alternate" href="https://www.youtube.com/channel/${channelId}"/>
 <author><name>${escapeXml(feed.title)}</name><uri>https://www.youtube.com/channel/${channelId}</uri></author>
 <published>2019-04-02T09:12:44+00:00</published>
${entries.join('\n')}
</feed>`;
}

export interface CalendarEvent {
  uid: string;
  summary: string;
  /** UTC instant of the (first) start. */
  start: string;
  durationHours: number;
  /** A monthly series of this many occurrences (RRULE:FREQ=MONTHLY;COUNT=n). */
  monthlyCount?: number;
  cancelled?: boolean;
  location?: string;
  url?: string;
}

const icsInstant = (iso: string) => iso.replace(/[-:]/g, '').replace(/\.\d{3}/, '');

/** A calendar as Google Calendar exports it (CRLF line ends, DTSTAMP, UTC times). */
export function calendarIcs(name: string, events: CalendarEvent[]): string {
  const lines = ['BEGIN:VCALENDAR', 'PRODID:-//Google Inc//Google Calendar 70.9054//EN', 'VERSION:2.0', 'CALSCALE:GREGORIAN', 'METHOD:PUBLISH', `X-WR-CALNAME:${name}`, 'X-WR-TIMEZONE:UTC'];
  for (const event of events) {
    const end = new Date(Date.parse(event.start) + event.durationHours * 3_600_000).toISOString();
    lines.push('BEGIN:VEVENT', `DTSTART:${icsInstant(event.start)}`, `DTEND:${icsInstant(end)}`, 'DTSTAMP:20251001T080000Z', `UID:${event.uid}`);
    if (event.monthlyCount) lines.push(`RRULE:FREQ=MONTHLY;COUNT=${event.monthlyCount}`);
    lines.push('CREATED:20250901T080000Z', `SUMMARY:${event.summary.replace(/([,;])/g, '\\$1')}`, `STATUS:${event.cancelled ? 'CANCELLED' : 'CONFIRMED'}`, 'TRANSP:OPAQUE');
    if (event.location) lines.push(`LOCATION:${event.location.replace(/([,;])/g, '\\$1')}`);
    if (event.url) lines.push(`URL:${event.url}`);
    lines.push('END:VEVENT');
  }
  lines.push('END:VCALENDAR');
  return `${lines.join('\r\n')}\r\n`;
}
