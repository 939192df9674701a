// Feed documents as real publishers write them (WordPress RSS 2.0, dev.to, Medium, YouTube
// Atom, a podcast with an audio enclosure, RDF/RSS 1.0) and the hostile ones: malformed XML and
// an entity-expansion bomb. Served by the generic fake server as static routes.

export const wordpressRss = (base: string) => `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
  <title>Jane's Blog</title>
  <atom:link href="${base}/blog/feed" rel="self" type="application/rss+xml" />
  <link>https://jane.example/</link>
  <description>PHP and e-commerce</description>
  <item>
    <title>Declarative schema in &lt;b&gt;Magento 2&lt;/b&gt; &amp; you</title>
    <link>https://jane.example/2026/01/declarative-schema/?utm_source=rss&amp;utm_medium=rss</link>
    <dc:creator><![CDATA[Jane]]></dc:creator>
    <pubDate>Mon, 05 Jan 2026 09:30:00 +0000</pubDate>
    <category><![CDATA[PHP]]></category>
    <guid isPermaLink="false">https://jane.example/?p=101</guid>
    <description><![CDATA[<p>How to use db_schema.xml.</p>]]></description>
  </item>
  <item>
    <title>Building Hyvä themes faster</title>
    <link>https://jane.example/2026/01/hyva-themes/</link>
    <pubDate>Tue, 06 Jan 2026 09:30:00 +0000</pubDate>
    <guid isPermaLink="false">https://jane.example/?p=102</guid>
    <description>Tailwind everywhere.</description>
  </item>
  <item>
    <title>My holiday in Portugal</title>
    <link>https://jane.example/2026/01/holiday/</link>
    <pubDate>Wed, 07 Jan 2026 09:30:00 +0000</pubDate>
    <guid isPermaLink="false">https://jane.example/?p=103</guid>
    <description>Sun and sea.</description>
  </item>
  <item>
    <title>Tagged only</title>
    <link>https://jane.example/2026/01/tagged/</link>
    <pubDate>Thu, 08 Jan 2026 09:30:00 +0000</pubDate>
    <category>Adobe-Commerce</category>
    <guid isPermaLink="false">https://jane.example/?p=104</guid>
  </item>
</channel>
</rss>`;

/** dev.to cross-post of the first WordPress post, with its own link. */
export const devtoRss = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>DEV Community: Jane</title><link>https://dev.to/jane</link>
  <item>
    <title>Declarative schema in Magento 2 &amp; you</title>
    <author>Jane</author>
    <pubDate>Fri, 09 Jan 2026 10:00:00 +0000</pubDate>
    <link>https://dev.to/jane/declarative-schema-in-magento-2-you-1k2j</link>
    <guid>https://dev.to/jane/declarative-schema-in-magento-2-you-1k2j</guid>
    <description>Cross-posted.</description>
    <category>magento</category><category>php</category>
  </item>
</channel></rss>`;

export const youtubeAtom = `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns:yt="http://www.youtube.com/xml/schemas/2015" xmlns:media="http://search.yahoo.com/mrss/" xmlns="http://www.w3.org/2005/Atom">
 <link rel="self" href="http://www.youtube.com/feeds/videos.xml?channel_id=UCabc"/>
 <id>yt:channel:UCabc</id>
 <yt:channelId>UCabc</yt:channelId>
 <title>Jane Codes</title>
 <link rel="alternate" href="https://www.youtube.com/channel/UCabc"/>
 <published>2020-01-01T00:00:00+00:00</published>
 <entry>
  <id>yt:video:dQw4w9WgXcQ</id>
  <yt:videoId>dQw4w9WgXcQ</yt:videoId>
  <yt:channelId>UCabc</yt:channelId>
  <title>Mage-OS release walkthrough</title>
  <link rel="alternate" href="https://www.youtube.com/watch?v=dQw4w9WgXcQ"/>
  <author><name>Jane Codes</name><uri>https://www.youtube.com/channel/UCabc</uri></author>
  <published>2026-01-10T15:00:00+00:00</published>
  <updated>2026-01-11T15:00:00+00:00</updated>
  <media:group>
   <media:title>Mage-OS release walkthrough</media:title>
   <media:content url="https://www.youtube.com/v/dQw4w9WgXcQ?version=3" type="application/x-shockwave-flash" width="640" height="390"/>
   <media:description>What is new in Mage-OS 1.1</media:description>
  </media:group>
 </entry>
</feed>`;

export const podcastRss = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel><title>Commerce Talk</title><link>https://pod.example</link>
  <item>
    <title>Episode 12: Adobe Commerce upgrades</title>
    <guid isPermaLink="false">pod-ep-12</guid>
    <pubDate>Sun, 11 Jan 2026 06:00:00 GMT</pubDate>
    <enclosure url="https://cdn.pod.example/ep12.mp3" length="51234567" type="audio/mpeg"/>
    <itunes:duration>00:45:10</itunes:duration>
  </item>
</channel></rss>`;

export const rdfFeed = `<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://old.example/"><title>Old school</title><link>https://old.example/</link></channel>
  <item rdf:about="https://old.example/magento-cron">
    <title>Magento cron explained</title>
    <link>https://old.example/magento-cron</link>
    <dc:date>2025-12-20T08:00:00Z</dc:date>
    <description>Cron groups.</description>
  </item>
</rdf:RDF>`;

/** A response cut off before its first element: nothing a lenient reader can read. */
export const malformedXml = `<?xml version="1.0"?>\n<rss version="2.0"`;

/** Unclosed and mismatched tags, which feedparser (and we) read as far as they go. */
export const unclosedTagsRss = `<?xml version="1.0"?><rss version="2.0"><channel><title>Broken</title><item><title>Magento</item></channel>`;

export const entityBomb = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title><item><title>Magento &lol9;</title><link>https://x.example/</link><pubDate>Mon, 05 Jan 2026 09:30:00 +0000</pubDate></item></channel></rss>`;

// Real shapes the documentation-shaped fakes above lacked (written for these tests, after what
// real publishers send): legacy encodings, BOM and whitespace before the declaration, Atom text
// constructs of every type, relative links, named time zones, literal angle brackets.

/** ISO-8859-1 bytes, the encoding named only by the XML declaration (served as text/xml). */
export const latin1Rss = (): Buffer =>
  Buffer.from(
    `<?xml version="1.0" encoding="ISO-8859-1"?>
<rss version="2.0"><channel><title>Not\u00edcias do Jo\u00e3o</title><link>https://joao.example/</link>
  <item>
    <title>Temas Hyv\u00e4 em portugu\u00eas</title>
    <link>https://joao.example/2026/01/hyva/</link>
    <pubDate>Mon, 05 Jan 2026 09:30:00 +0000</pubDate>
    <description>Como usar hyv\u00e4 com Magento: cora\u00e7\u00e3o</description>
  </item>
</channel></rss>`,
    'latin1',
  );

/** windows-1252 bytes named only by the HTTP Content-Type charset (no encoding= in the declaration). */
export const windows1252Rss = (): Buffer =>
  Buffer.concat([
    Buffer.from(`<?xml version="1.0"?>
<rss version="2.0"><channel><title>Caf\xe9 commerce</title>
  <item><title>`, 'latin1'),
    // 0x93 and 0x94 are curly quotes in windows-1252 (control characters in ISO-8859-1).
    Buffer.from([0x93]),
    Buffer.from('Hyv\xe4', 'latin1'),
    Buffer.from([0x94]),
    Buffer.from(` checkout, explained</title><link>https://cafe.example/hyva-checkout</link><pubDate>Tue, 06 Jan 2026 10:00:00 GMT</pubDate></item>
</channel></rss>`, 'latin1'),
  ]);

/** A UTF-8 BOM followed by the newline a WordPress plugin prints before `<?xml`. */
export const bomAndWhitespaceRss = (): Buffer =>
  Buffer.concat([
    Buffer.from([0xef, 0xbb, 0xbf]),
    Buffer.from(`\n  \n<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:a10="http://www.w3.org/2005/Atom"><channel><title>Whitespace first</title>
  <item>
    <title>Using the &lt;preference&gt; node in Magento di.xml</title>
    <a10:link href="https://ws.example/preference-node" />
    <pubDate>Sat, 03 Jan 2026 12:00:00 CEST</pubDate>
  </item>
  <item>
    <title>Magento queues, BST edition</title>
    <link>/posts/queues</link>
    <pubDate>Sun, 04 Jan 2026 12:00:00 BST</pubDate>
  </item>
  <item>
    <title>Magento in Bangalore</title>
    <link>posts/bangalore</link>
    <pubDate>Sun, 04 Jan 2026 12:00:00 IST</pubDate>
  </item>
  <item>
    <title>Magento meetup Sydney</title>
    <link>https://ws.example/sydney</link>
    <pubDate>Mon, 05 Jan 2026 09:00:00 AEST</pubDate>
  </item>
  <item>
    <title>Magento release without a zone</title>
    <link>https://ws.example/no-zone</link>
    <pubDate>Mon, 05 Jan 2026 09:00:00</pubDate>
  </item>
  <item>
    <title>Magento auf Deutsch</title>
    <link>https://ws.example/deutsch</link>
    <pubDate>Di, 06 Mär 2026 09:00:00 +0100</pubDate>
  </item>
</channel></rss>`),
  ]);

/** Atom text constructs of every type (jekyll-feed writes type="html"), xml:base, relative links. */
export const atomTextConstructs = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://pat.example/blog/">
  <title type="html">Pat&amp;#8217;s blog</title>
  <link href="/" rel="alternate" type="text/html" />
  <entry>
    <title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Magento <em>checkout</em> &amp; Hyv&#228;</div></title>
    <link href="2026/01/checkout.html" rel="alternate" type="text/html" />
    <id>https://pat.example/blog/2026/01/checkout</id>
    <published>2026-01-07T10:00:00+01:00</published>
  </entry>
  <entry xml:base="https://pat.example/other/">
    <title type="html">Pat&amp;#8217;s Magento notes</title>
    <link href="notes.html" />
    <id>https://pat.example/other/notes</id>
    <updated>2026-01-08T10:00:00Z</updated>
  </entry>
  <entry>
    <title>Why isType&lt;T&gt;() narrows in Magento PWA Studio</title>
    <link href="https://pat.example/blog/is-type" />
    <id>tag:pat.example,2026:is-type</id>
    <updated>2026-01-09T10:00:00</updated>
  </entry>
  <entry>
    <title type="html">&lt;b&gt;Bold&lt;/b&gt; Magento &amp;lt;head&amp;gt; tips</title>
    <link href="https://pat.example/blog/head" />
    <id>tag:pat.example,2026:head</id>
    <updated>2026-01-10T10:00:00Z</updated>
  </entry>
</feed>`;

/** Two feeds of two members carrying the same post (a cross-post to a planet feed). */
export const planetRss = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Planet Magento</title><link>https://planet.example/</link>
  <item>
    <title>Declarative schema in Magento 2 &amp; you</title>
    <link>https://jane.example/2026/01/declarative-schema/</link>
    <pubDate>Mon, 05 Jan 2026 09:30:00 +0000</pubDate>
    <category>planet</category>
  </item>
</channel></rss>`;
