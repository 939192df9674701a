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

export const malformedXml = `<?xml version="1.0"?><rss version="2.0"><channel><title>Broken</title><item><title>Magento</item></channel>`;

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
