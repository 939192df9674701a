// The leaderboard (year x category), the published awards and "How scoring works",
// generated from the live rules.
import { CATEGORIES, CATEGORY_LABELS, isCategory, type Category } from '../../domain/categories.js';
import { TIE_BREAK_DESCRIPTION } from '../../domain/leaderboard.js';
import { rulesVersions } from '../../domain/rules.js';
import type { AwardResults } from '../../domain/awards.js';
import { listSnapshots, publishedSnapshot, snapshotResults } from '../../store/awards.js';
import { queryStandings } from '../../store/standings.js';
import type { WebContext } from '../context.js';
import { html } from '../html.js';
import { currentYear, cycleBounds, scoresVisibleTo, yearsWithData } from '../queries/public.js';
import { page, paramsOf, positiveInt, queryOf, type Route } from '../routing.js';
import { miniStack } from '../views/charts.js';
import { emptyState, formatPoints, pagination, time } from '../views/components.js';
import { notFound } from '../errors.js';
import { antiGamingSection } from './anti-gaming.js';

const LEADERBOARD_PAGE = 50;

export function standingsRoutes(context: WebContext): Route[] {
  return [
    {
      method: 'GET',
      url: '/leaderboard',
      access: 'anyone',
      kind: 'page',
      cache: true,
      summary: 'leaderboard by year and category',
      handler: async (request, reply) => {
        const query = queryOf(request);
        const thisYear = currentYear(context);
        const year = Math.max(2000, positiveInt(query.year, thisYear, thisYear + 1));
        const category: Category | undefined = query.category && isCategory(query.category) ? query.category : undefined;
        const pageNumber = positiveInt(query.page, 1, 10_000);
        const bounds = cycleBounds(context, year);
        const [standings, years] = await Promise.all([
          queryStandings(context.db, { from: bounds.start, to: bounds.end, category, limit: LEADERBOARD_PAGE, offset: (pageNumber - 1) * LEADERBOARD_PAGE }),
          yearsWithData(context),
        ]);
        const showPoints = scoresVisibleTo(context, request.viewer);
        const pages = Math.max(1, Math.ceil(standings.total / LEADERBOARD_PAGE));
        const tab = (value: Category | undefined, label: string) => {
          const href = `/leaderboard?year=${year}${value ? `&category=${value}` : ''}`;
          return value === category ? html`<li><a href="${href}" aria-current="page">${label}</a></li>` : html`<li><a href="${href}">${label}</a></li>`;
        };
        return page(context, request, reply, {
          title: `Leaderboard ${year}${category ? ` · ${CATEGORY_LABELS[category]}` : ''}`,
          description: `The Magento ambassadors ranked by their counted contributions in ${year}.`,
          main: html`
          <h1>Leaderboard ${year}${category ? html` <span class="subtle">· ${CATEGORY_LABELS[category]}</span>` : ''}</h1>
          <p class="meta">Cycle ${time(bounds.start)} to ${time(bounds.end)}. Ties are broken by ${TIE_BREAK_DESCRIPTION.join(', then ')}.</p>
          <form method="get" action="/leaderboard" class="inline-form">
            <label for="f-year">Year</label>
            <select id="f-year" name="year">${years.map((y) => html`<option value="${y}"${y === year ? html` selected` : ''}>${y}</option>`)}</select>
            ${category ? html`<input type="hidden" name="category" value="${category}">` : ''}
            <button type="submit" class="small">Show</button>
          </form>
          <nav aria-label="Category"><ul class="tabs">${tab(undefined, 'All categories')}${CATEGORIES.map((c) => tab(c, CATEGORY_LABELS[c]))}</ul></nav>
          ${standings.rows.length === 0
            ? emptyState(`No counted contributions in ${year}${category ? ` for ${CATEGORY_LABELS[category].toLowerCase()}` : ''}`, 'The leaderboard fills up as contributions are counted.')
            : html`<div class="table-wrap" tabindex="0" role="region" aria-label="Leaderboard">
              <table class="leaderboard">
                <caption class="visually-hidden">Leaderboard ${year}${category ? `, ${CATEGORY_LABELS[category]}` : ''}, page ${pageNumber} of ${pages}</caption>
                <thead><tr><th scope="col">Rank</th><th scope="col">Ambassador</th>
                  ${showPoints ? html`<th scope="col" class="num">Points</th>` : ''}
                  <th scope="col" class="num">Contributions</th>
                  ${showPoints && !category ? html`<th scope="col">Categories</th>` : ''}</tr></thead>
                <tbody>${standings.rows.map(
                  (row) => html`<tr${row.rank <= 3 ? html` class="top top-${row.rank}"` : ''}>
                    <td class="rank">${row.rank}</td>
                    <td><a href="/ambassadors/${row.handle}">${row.name}</a> <span class="meta">@${row.handle}</span></td>
                    ${showPoints ? html`<td class="num">${formatPoints(category ? row.categories[category] : row.points)}</td>` : ''}
                    <td class="num">${row.contributions}</td>
                    ${showPoints && !category
                      ? html`<td class="cats">${miniStack(row.categories, row.points)}<span class="visually-hidden">${CATEGORIES.filter((c) => row.categories[c] > 0).map((c) => `${CATEGORY_LABELS[c]} ${formatPoints(row.categories[c])}`).join(', ')}</span></td>`
                      : ''}
                  </tr>`,
                )}</tbody>
              </table></div>
              ${showPoints && !category ? html`<ul class="legend-list" aria-hidden="true">${CATEGORIES.map((c) => html`<li><span class="dot" data-category="${c}"></span>${CATEGORY_LABELS[c]}</li>`)}</ul>` : ''}`}
          ${pagination('/leaderboard', { year: String(year), category }, pageNumber, pages)}`,
        });
      },
    },
    {
      method: 'GET',
      url: '/awards',
      access: 'anyone',
      kind: 'page',
      cache: true,
      summary: 'published awards, all years',
      handler: async (request, reply) => {
        const published = (await listSnapshots(context.db)).filter((s) => s.status === 'published');
        const latest = published[0];
        return page(context, request, reply, {
          title: 'Ambassador Awards',
          main: html`<h1>Ambassador Awards</h1>
            <p class="lead">Every year the Ambassador Awards name the Top Ambassadors and a winner in each category, from a frozen snapshot of the year's counted contributions.
            ${context.config.awards.cycle.announcement ? html` Winners are announced ${context.config.awards.cycle.announcement}.` : ''}</p>
            ${latest ? awardsBody(snapshotResults(latest), scoresVisibleTo(context, request.viewer)) : emptyState('No awards published yet', 'The first winners appear here once they are announced.')}
            ${published.length > 1 ? html`<h2>Earlier years</h2><ul>${published.slice(1).map((s) => html`<li><a href="/awards/${s.year}">${s.year}</a></li>`)}</ul>` : ''}`,
        });
      },
    },
    {
      method: 'GET',
      url: '/awards/:year',
      access: 'anyone',
      kind: 'page',
      cache: true,
      summary: 'published awards of a year',
      handler: async (request, reply) => {
        const year = Number(paramsOf(request).year);
        const snapshot = Number.isInteger(year) && year >= 2000 && year <= 2999 ? await publishedSnapshot(context.db, year) : undefined;
        if (!snapshot) throw notFound(`the ${paramsOf(request).year} awards are not published`);
        return page(context, request, reply, {
          title: `Ambassador Awards ${year}`,
          main: html`<p><a href="/awards">← All awards</a></p>${awardsBody(snapshotResults(snapshot), scoresVisibleTo(context, request.viewer))}`,
        });
      },
    },
    {
      method: 'GET',
      url: '/scoring',
      access: 'anyone',
      kind: 'page',
      cache: true,
      summary: 'how scoring works, from the live rules',
      handler: async (request, reply) => page(context, request, reply, { title: 'How scoring works', main: scoringBody(context) }),
    },
  ];
}

/** A winner's name, linked to their profile unless they were erased (no handle left). */
function winnerName(entry: { handle: string; name: string }) {
  return entry.handle ? html`<a href="/ambassadors/${entry.handle}">${entry.name}</a>` : html`<span class="former">${entry.name}</span>`;
}

export function awardsBody(results: AwardResults, showPoints: boolean) {
  const winners = CATEGORIES.filter((c) => results.categoryWinners[c]);
  return html`<section aria-labelledby="awards-${results.year}">
    <h2 id="awards-${results.year}">Ambassador Awards ${results.year}</h2>
    <p class="meta">Cycle ${time(results.cycle.start)} to ${time(results.cycle.end)} · ${results.eligibleCount} eligible ambassadors</p>
    <h3>Top Ambassadors</h3>
    <ol class="winners">${results.topAmbassadors.map(
      (entry) => html`<li class="card winner">
        <span class="medal" aria-hidden="true">${entry.rank}</span>
        <div><p class="winner-name">${winnerName(entry)}${showPoints ? html` <span class="pill">${formatPoints(entry.points)} pts</span>` : ''}</p>
        <p class="citation">${entry.citation}</p></div>
      </li>`,
    )}</ol>
    ${winners.length
      ? html`<h3>Category awards</h3><ul class="category-winners">${winners.map((category) => {
          const entry = results.categoryWinners[category]!;
          return html`<li class="card" data-category="${category}"><p class="eyebrow">${CATEGORY_LABELS[category]}</p>
            <p class="winner-name">${winnerName(entry)}</p><p class="citation">${entry.citation}</p></li>`;
        })}</ul>`
      : ''}
  </section>`;
}

function scoringBody(context: WebContext) {
  const config = context.config;
  const versions = rulesVersions(config);
  const current = versions[versions.length - 1]!;
  const kindsByCategory = CATEGORIES.map((category) => ({
    category,
    kinds: Object.entries(current.kinds).filter(([, kind]) => kind.category === category),
  }));
  const describeModifier = (m: (typeof current.modifiers)[number]) => {
    const condition = m.label !== undefined ? `labelled "${m.label}"` : m.flag !== undefined ? `${m.name ?? m.flag}` : `per ${m.field}`;
    const effect =
      m.base !== undefined ? `base ${m.base} points` : m.add !== undefined ? `+${m.add} points` : m.multiply !== undefined ? `x ${m.multiply}` : `+${m.perUnit} per unit${m.max !== undefined ? `, at most ${m.max}` : ''}`;
    return { kinds: m.kinds.map((k) => current.kinds[k]?.label ?? k).join(', '), condition, effect };
  };
  return html`<h1>How scoring works</h1>
    <p class="lead">Every counted contribution earns points by its kind, adjusted by the labels and signals it carries. Each point on a profile says which record and which rule made it,
      for example <q>60 = merged pull request 10 + 30 (Award: advanced) + 20 (Award: complex)</q>.</p>
    <p class="meta">Rules version <code>${current.id}</code>, in force since ${time(current.effectiveFrom)}.${current.note ? html` ${current.note}` : ''}</p>
    <section class="card"><h2>Points by kind</h2>
    ${kindsByCategory.map(
      ({ category, kinds }) => html`<h3>${CATEGORY_LABELS[category]}</h3>
      <table class="rules"><thead><tr><th scope="col">Contribution</th><th scope="col" class="num">Points</th><th scope="col">How it is found</th><th scope="col">Limit</th></tr></thead>
      <tbody>${kinds.map(([name, kind]) => {
        const cap = current.caps[name];
        return html`<tr><td>${kind.label}</td><td class="num">${formatPoints(current.points[name] ?? 0)}</td>
          <td>${kind.submittable ? 'submitted by you, reviewed by a manager' : 'found automatically'}</td>
          <td>${cap ? [cap.perDay ? `${cap.perDay} a day` : '', cap.perWeek ? `${cap.perWeek} a week` : ''].filter(Boolean).join(', ') : '—'}</td></tr>`;
      })}</tbody></table>`,
    )}</section>
    <section class="card"><h2>Adjustments</h2>
      <table class="rules"><thead><tr><th scope="col">Applies to</th><th scope="col">When</th><th scope="col">Effect</th></tr></thead>
      <tbody>${current.modifiers.map((m) => {
        const d = describeModifier(m);
        return html`<tr><td>${d.kinds}</td><td>${d.condition}</td><td>${d.effect}</td></tr>`;
      })}</tbody></table>
      <p>Over a limit, a contribution is kept with 0 points and the reason, so nothing is hidden.</p>
    </section>
    ${antiGamingSection(context)}
    <section class="card"><h2>Status</h2>
      <p>You are an active ambassador for ${config.activity.windowMonths} months after you join and after each counted contribution. In the last
      ${config.activity.lapseWarningDays} days we remind you; after that your status lapses until your next counted contribution. Pending and rejected submissions do not count.</p>
    </section>
    <section class="card"><h2>Awards</h2>
      <p>The award cycle runs from ${config.awards.cycle.start} to ${config.awards.cycle.end} (month-day, UTC). The top ${config.awards.topN} eligible ambassadors
      ${config.awards.categoryWinners ? 'and the leader of each category ' : ''}are named from a frozen snapshot.
      ${config.awards.eligibility.excludeStaff ? 'Program staff are not eligible. ' : ''}${config.awards.eligibility.minPoints > 0 ? `At least ${config.awards.eligibility.minPoints} points are needed. ` : ''}
      ${config.awards.eligibility.requireActiveAtCycleEnd ? 'You must be active on the last day of the cycle.' : ''}</p>
      <p>Ties are broken by ${TIE_BREAK_DESCRIPTION.join(', then ')}.</p>
    </section>
    ${versions.length > 1
      ? html`<section class="card"><h2>Rules history</h2><ul>${versions.map((v) => html`<li><code>${v.id}</code> from ${time(v.effectiveFrom)}${v.note ? html`: ${v.note}` : ''}</li>`)}</ul></section>`
      : ''}
    <p>Scores are ${config.visibility.scores === 'public' ? 'public: points and explanations show on every profile' : 'private: only you and the program managers see your points and their explanations'}.</p>`;
}
