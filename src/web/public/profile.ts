// An ambassador's profile (avatar, bio, verified identities, status, category chart,
// contribution calendar, timeline with points and their reasons) and their SVG badge.
import { CATEGORY_LABELS, isCategory } from '../../domain/categories.js';
import { PLATFORM_LABELS, type Platform } from '../../domain/identities.js';
import { findMember } from '../../store/members.js';
import { handleAlias } from '../../store/member-console.js';
import { memberStatuses } from '../../store/statuses.js';
import type { WebContext } from '../context.js';
import { escapeHtml, externalLink, html } from '../html.js';
import { currentYear, scoresVisibleTo, yearAsked, yearInRange } from '../queries/public.js';
import { countryName } from '../../domain/countries.js';
import { pointsText } from '../../domain/awards.js';
import { isActiveStatus } from '../../domain/status.js';
import { memberAwards } from '../../store/awards.js';
import { awardPath } from './awards.js';
import { profileLinks, publicStatus, statusFor, visibleMember } from './privacy.js';
import { findProfileMember, identityUrl, loadProfile, TIMELINE_PAGE, yearRank } from '../queries/profile.js';
import { pageInRange, pageParam } from '../views/paging.js';
import { page, paramsOf, queryOf, type Route } from '../routing.js';

const BADGE_CACHE = 'public, max-age=3600, stale-while-revalidate=86400';
import { categoryChart, contributionCalendar } from '../views/charts.js';
import { avatar, emptyState, pagination, statusBadge, time } from '../views/components.js';
import { notFound } from '../errors.js';

export function profileRoutes(context: WebContext): Route[] {
  return [
    {
      method: 'GET',
      url: '/ambassadors/:handle',
      access: 'anyone',
      kind: 'page',
      cache: true,
      summary: 'ambassador profile',
      handler: async (request, reply) => {
        const { handle } = paramsOf(request);
        const thisYear = currentYear(context);
        const query = queryOf(request);
        const asked = query.year;
        const timelinePage = pageParam(query.page);
        // The year asked for is read with the years there are, and checked against them after.
        const found = await findProfileMember(context, handle ?? '', yearAsked(asked, thisYear) ?? thisYear, timelinePage);
        const years = found.years;
        yearInRange(asked, years, thisYear);
        const profile = await loadProfile(context, found);
        if (!profile) {
          // A former handle (changed in the console) redirects to the current one.
          const current = await handleAlias(context.db, handle ?? '');
          if (current) return reply.code(301).header('location', `/ambassadors/${current}${request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : ''}`).send();
          throw notFound(`no ambassador with the handle "${handle}"`);
        }
        const { settings, awards } = profile;
        const timelinePages = Math.max(1, Math.ceil(profile.contributionCount / TIMELINE_PAGE));
        pageInRange(timelinePage, timelinePages, `the ${profile.contributionCount} counted ${profile.contributionCount === 1 ? 'contribution' : 'contributions'} of ${profile.year}`);
        const member = visibleMember(profile.member, settings, request.viewer);
        const status = profile.status ? { ...profile.status, status: statusFor(context, request.viewer, member.id, profile.status.status) } : undefined;
        const showPoints = scoresVisibleTo(context, request.viewer, member.id);
        const links = profileLinks(settings);
        const verified = profile.verifiedIdentities;
        const kinds = context.config.kinds;
        return page(context, request, reply, {
          title: `${member.name} (@${member.handle})`,
          description: `${member.name}, Magento ambassador${member.country ? ` from ${countryName(member.country)}` : ''}${awards[0] ? `, ${awards[0].title}` : ''}.`,
          og: { image: `/ambassadors/${member.handle}/card.png`, imageAlt: `Share card of ${member.name}`, type: 'profile' },
          main: html`
          <article class="profile">
            <header class="profile-head card">
              ${avatar(member, 112)}
              <div class="profile-id">
                <h1>${member.name}</h1>
                <p class="meta">@${member.handle}${member.country ? html` · ${countryName(member.country)}` : ''}${member.company ? html` · ${member.company}` : ''} · joined ${time(member.joined_at)}</p>
                ${awards.length ? html`<ul class="award-pills" aria-label="Awards">${awards.map((a) => html`<li><a class="pill award-pill" href="${awardPath(a.year, member.handle)}">🏆 ${a.title}${a.key === 'top' ? `, rank ${a.rank}` : ''}</a></li>`)}</ul>` : ''}
                <p>${status ? statusBadge(status.status) : ''}
                  ${status?.activeUntil && (status.status === 'active' || status.status === 'lapsing') ? html` <span class="pill">Active until ${time(status.activeUntil)}</span>` : ''}
                  ${profile.rank ? html` <span class="pill">Rank ${profile.rank} of ${profile.ranked} in ${profile.year}</span>` : ''}
                  ${member.is_staff ? html` <span class="pill">Program staff</span>` : ''}</p>
                ${member.bio ? html`<p class="bio">${member.bio}</p>` : ''}
                ${links.length ? html`<ul class="profile-links" aria-label="Links">${links.map((link) => html`<li><a href="${link.url}" rel="me noopener">${link.label}</a></li>`)}</ul>` : ''}
                ${verified.length
                  ? html`<ul class="identities" aria-label="Verified identities">${verified.map(
                      (identity) => html`<li><span class="platform">${PLATFORM_LABELS[identity.platform as Platform] ?? identity.platform}</span>
                        ${externalLink(identityUrl(identity.platform, identity.external_id), identity.external_id)} <span class="verified" title="verified">✓ verified</span></li>`,
                    )}</ul>`
                  : ''}
              </div>
            </header>
            <nav class="year-switch" aria-label="Year">
              <span>Year:</span>
              ${years.map((y) => (y === profile.year ? html`<span aria-current="page">${y}</span>` : html`<a href="/ambassadors/${member.handle}?year=${y}">${y}</a>`))}
            </nav>
            <div class="profile-grid">
              <section class="card" aria-labelledby="breakdown-title">
                <h2 id="breakdown-title">${showPoints ? html`${pointsText(profile.points)} in ${profile.year}` : html`Contributions in ${profile.year}`}</h2>
                ${showPoints
                  ? categoryChart(profile.categories, 'breakdown')
                  : categoryChart(profile.categoryCounts, 'breakdown', 'contributions')}
              </section>
              <section class="card" aria-labelledby="standing-title">
                <h2 id="standing-title">Status</h2>
                <dl class="facts">
                  <div><dt>Status</dt><dd>${status ? statusBadge(status.status) : '—'}</dd></div>
                  <div><dt>Active until</dt><dd>${status?.activeUntil && (status.status === 'active' || status.status === 'lapsing') ? time(status.activeUntil) : '—'}</dd></div>
                  <div><dt>Last counted contribution</dt><dd>${status?.lastContributionAt ? time(status.lastContributionAt) : '—'}</dd></div>
                  <div><dt>Rank in ${profile.year}</dt><dd>${profile.rank ? `${profile.rank} of ${profile.ranked}` : '—'}</dd></div>
                  <div><dt>Counted contributions in ${profile.year}</dt><dd>${profile.contributionCount}</dd></div>
                </dl>
              </section>
              <section class="card calendar-card" aria-labelledby="calendar-title">
                <h2 id="calendar-title">Calendar</h2>
                ${contributionCalendar(profile.year, profile.byDay, 'cal')}
              </section>
            </div>
            <section class="card" aria-labelledby="timeline-title">
              <h2 id="timeline-title">Timeline</h2>
              ${timelinePages > 1
                ? html`<p class="meta">${timelineRange(timelinePage, profile.contributions.length, profile.contributionCount)}, newest first</p>`
                : ''}
              ${profile.contributions.length === 0
                ? emptyState(`No counted contributions in ${profile.year}`, 'Contributions appear here once they are found or approved.')
                : html`<ol class="timeline">${profile.contributions.map(
                    (row) => html`<li>
                      <span class="dot" data-category="${row.category}" aria-hidden="true"></span>
                      <div class="timeline-body">
                        <p class="feed-title">${externalLink(row.url, row.title)}</p>
                        <p class="meta">${time(row.occurred_at)} · ${kinds[row.kind]?.label ?? row.kind} · ${isCategory(row.category) ? CATEGORY_LABELS[row.category] : row.category}</p>
                        ${showPoints ? html`<p class="explanation"><strong>${pointsText(row.points)}</strong> <span>${row.explanation}</span></p>` : ''}
                      </div>
                    </li>`,
                  )}</ol>`}
              ${pagination(`/ambassadors/${member.handle}`, { year: String(profile.year) }, timelinePage, timelinePages)}
            </section>
            <section class="card" aria-labelledby="badge-title">
              <h2 id="badge-title">Badge and share card</h2>
              <p><img class="badge-img" src="/badge/${member.handle}.svg" alt="Magento Ambassador badge of ${member.name}" height="20"></p>
              <label for="badge-md">Markdown for a README or blog</label>
              <input id="badge-md" class="code" readonly value="${`[![Magento Ambassador](${context.baseUrl}/badge/${member.handle}.svg)](${context.baseUrl}/ambassadors/${member.handle})`}">
              <p><img class="share-card" src="/ambassadors/${member.handle}/card.png" width="600" height="315" alt="Share card of ${member.name}"></p>
              ${status && isActiveStatus(status.status) ? html`<p><a href="/ambassadors/${member.handle}/credential.jwt" download>Open Badges credential of the active status</a></p>` : ''}
            </section>
          </article>`,
        });
      },
    },
    {
      method: 'GET',
      url: '/badge/:file',
      access: 'anyone',
      kind: 'page',
      cache: true,
      summary: 'SVG badge of an ambassador',
      handler: async (request, reply) => {
        const file = paramsOf(request).file ?? '';
        const handle = file.endsWith('.svg') ? file.slice(0, -4) : '';
        const member = handle ? await findMember(context.db, handle) : undefined;
        // A former handle redirects to the current one's badge, as its profile does.
        const current = !member && handle ? await handleAlias(context.db, handle) : null;
        if (current) return reply.code(301).header('location', `/badge/${current}.svg`).header('cache-control', BADGE_CACHE).send();
        reply.type('image/svg+xml; charset=utf-8').header('cache-control', BADGE_CACHE);
        // A README shows an image, not a page: an unknown badge is an SVG that says so.
        if (!member || member.state === 'withdrawn') return reply.code(404).send(badgeSvg('Magento Ambassador', 'not found', '#9ca3af'));
        const year = currentYear(context);
        const [[status], rank, awards] = await Promise.all([
          memberStatuses(context.db, context.config, context.today(), { memberIds: [member.id] }),
          yearRank(context, member.id, year),
          memberAwards(context.db, member.id),
        ]);
        const active = status && isActiveStatus(publicStatus(context, status.status));
        const top = awards.find((a) => a.key === 'top') ?? awards[0];
        const right = [active ? 'active' : 'inactive', top ? `${top.title.replace(/ award /, ' Award ')}` : rank ? `#${rank} in ${year}` : ''].filter(Boolean).join(' · ');
        return badgeSvg('Magento Ambassador', right, active ? '#c2410c' : '#64748b');
      },
    },
  ];
}

/** "Contributions 51–100 of 230": which part of the year a timeline page shows. */
function timelineRange(page: number, shown: number, total: number): string {
  const first = (page - 1) * TIMELINE_PAGE + 1;
  return `Contributions ${first}–${first + shown - 1} of ${total}`;
}

/** A flat badge: label on the left, value on the right; widths estimated from the text. */
export function badgeSvg(label: string, value: string, color: string): string {
  const width = (text: string) => Math.round(text.length * 6.6 + 14);
  const left = width(label);
  const right = width(value);
  const total = left + right;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${total}" height="20" role="img" aria-label="${escapeHtml(`${label}: ${value}`)}">` +
    `<title>${escapeHtml(`${label}: ${value}`)}</title>` +
    `<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>` +
    `<clipPath id="r"><rect width="${total}" height="20" rx="3" fill="#fff"/></clipPath>` +
    `<g clip-path="url(#r)"><rect width="${left}" height="20" fill="#1f2937"/><rect x="${left}" width="${right}" height="20" fill="${color}"/><rect width="${total}" height="20" fill="url(#s)"/></g>` +
    `<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">` +
    `<text x="${left / 2}" y="14">${escapeHtml(label)}</text><text x="${left + right / 2}" y="14">${escapeHtml(value)}</text></g></svg>`;
}
