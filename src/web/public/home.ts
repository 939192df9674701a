// The home page (what the program is, live counts, recent contributions, how to join, the
// Association) and the Atom feed of recent contributions.
import { pointsText } from '../../domain/awards.js';
import { CATEGORY_LABELS, isCategory } from '../../domain/categories.js';
import type { WebContext } from '../context.js';
import { escapeHtml, externalLink, html, safeUrl } from '../html.js';
import { programCounts, recentContributions, scoresVisibleTo, type RecentContribution } from '../queries/public.js';
import { page, type Route } from '../routing.js';
import { time } from '../views/components.js';

export function contributionList(items: RecentContribution[], showPoints: boolean, kinds: Record<string, { label: string }>) {
  return html`<ol class="feed-list">${items.map(
    (item) => html`<li>
      <span class="dot" data-category="${item.category}" aria-hidden="true"></span>
      <div>
        <p class="feed-title">${externalLink(item.url, item.title)}</p>
        <p class="meta"><a href="/ambassadors/${item.handle}">${item.name}</a> · ${kinds[item.kind]?.label ?? item.kind} ·
          ${isCategory(item.category) ? CATEGORY_LABELS[item.category] : item.category} · ${time(item.occurred_at)}
          ${showPoints ? html` · <strong>${pointsText(item.points)}</strong>` : ''}</p>
      </div>
    </li>`,
  )}</ol>`;
}

export function homeRoutes(context: WebContext): Route[] {
  const program = context.config.program;
  return [
    {
      method: 'GET',
      url: '/',
      access: 'anyone',
      kind: 'page',
      cache: true,
      summary: 'home page',
      handler: async (request, reply) => {
        const [counts, recent] = await Promise.all([programCounts(context), recentContributions(context, 8)]);
        const showPoints = scoresVisibleTo(context, request.viewer);
        return page(context, request, reply, {
          title: program.name,
          description: 'The people who build the Magento ecosystem: code, content, events, documentation, education and community leadership.',
          main: html`
          <section class="hero">
            <div>
              <p class="eyebrow">Magento Open Source community</p>
              <h1>${program.name}</h1>
              <p class="lead">Ambassadors are the people who move the Magento ecosystem forward: they write code and documentation,
                answer questions, speak at events, teach and lead local communities. Their public contributions are tracked,
                scored with open rules and celebrated every year with the Ambassador Awards.</p>
              <p class="actions"><a class="button" href="/join">Become an ambassador</a> <a class="button secondary" href="/ambassadors">Meet the ambassadors</a></p>
            </div>
          </section>
          <section aria-labelledby="counts-title">
            <h2 id="counts-title" class="visually-hidden">The program in numbers</h2>
            <dl class="stats">
              <div><dt>Ambassadors</dt><dd>${counts.ambassadors.toLocaleString('en-US')}</dd></div>
              <div><dt>Active now</dt><dd>${counts.active.toLocaleString('en-US')}</dd></div>
              <div><dt>Countries</dt><dd>${counts.countries.toLocaleString('en-US')}</dd></div>
              <div><dt>Contributions this year</dt><dd>${counts.countedThisYear.toLocaleString('en-US')}</dd></div>
            </dl>
          </section>
          <div class="columns">
            <section aria-labelledby="recent-title" class="card">
              <h2 id="recent-title">Recent contributions</h2>
              ${recent.length ? contributionList(recent, showPoints, context.config.kinds) : html`<p>No contributions yet.</p>`}
              <p><a href="/feed.atom">Follow them in your feed reader</a></p>
            </section>
            <div class="stack">
              <section aria-labelledby="join-title" class="card">
                <h2 id="join-title">How to join</h2>
                <ol class="steps">
                  <li><strong>Sign up</strong> with your name, handle and email.</li>
                  <li><strong>Link your identities</strong> (GitHub, Stack Exchange, your blog's feed) and verify them with a code.</li>
                  <li><strong>Contribute.</strong> Merged pull requests, answers and posts are found automatically; submit talks, workshops and mentoring for review.</li>
                  <li><strong>Stay active</strong> with one counted contribution every ${context.config.activity.windowMonths} months.</li>
                </ol>
                <p><a class="button" href="/join">Join the program</a></p>
              </section>
              <section aria-labelledby="association-title" class="card accent">
                <h2 id="association-title">Support the Magento Association</h2>
                <p>The Magento Association keeps Magento Open Source thriving. Members shape its roadmap and events, and membership
                  counts as a community leadership contribution.</p>
                <p>${externalLink(program.associationUrl, 'Become a Magento Association member')}</p>
              </section>
            </div>
          </div>`,
        });
      },
    },
    {
      method: 'GET',
      url: '/feed.atom',
      access: 'anyone',
      kind: 'page',
      cache: true,
      summary: 'Atom feed of recent contributions',
      handler: async (request, reply) => {
        const items = await recentContributions(context, 50);
        const showPoints = scoresVisibleTo(context, request.viewer);
        const base = context.baseUrl;
        const updated = (items[0]?.occurred_at ?? context.now()).toISOString();
        const entries = items
          .map((item) => {
            const link = safeUrl(item.url) ?? `${base}/ambassadors/${item.handle}`;
            const label = context.config.kinds[item.kind]?.label ?? item.kind;
            const summary = `${item.name} (${label}, ${isCategory(item.category) ? CATEGORY_LABELS[item.category] : item.category})${showPoints ? `: ${item.explanation}` : ''}`;
            return `<entry><id>${escapeHtml(`${base}/contributions/${item.id}`)}</id><title>${escapeHtml(item.title)}</title>` +
              `<link rel="alternate" href="${escapeHtml(link)}"/><updated>${item.occurred_at.toISOString()}</updated>` +
              `<author><name>${escapeHtml(item.name)}</name><uri>${escapeHtml(`${base}/ambassadors/${item.handle}`)}</uri></author>` +
              `<category term="${escapeHtml(item.category)}"/><summary>${escapeHtml(summary)}</summary></entry>`;
          })
          .join('\n');
        reply.type('application/atom+xml; charset=utf-8');
        return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<id>${escapeHtml(`${base}/feed.atom`)}</id>
<title>${escapeHtml(program.name)}: recent contributions</title>
<link rel="self" href="${escapeHtml(`${base}/feed.atom`)}"/>
<link rel="alternate" href="${escapeHtml(`${base}/`)}"/>
<updated>${updated}</updated>
${entries}
</feed>
`;
      },
    },
  ];
}

