// The leaderboard (year x category), the published awards and "How scoring works",
// generated from the live rules.
import { CATEGORIES, CATEGORY_LABELS, isCategory, type Category } from '../../domain/categories.js';
import { TIE_BREAK_DESCRIPTION } from '../../domain/leaderboard.js';
import { queryStandings } from '../../store/standings.js';
import type { WebContext } from '../context.js';
import { html } from '../html.js';
import { currentYear, cycleBounds, scoresVisibleTo, yearAsked, yearInRange, yearsSince, yearsWithData } from '../queries/public.js';
import { pageInRange, pageParam } from '../views/paging.js';
import { categoryPatternDefs } from '../views/charts.js';
import { page, queryOf, type Route } from '../routing.js';
import { scoringBody } from './scoring.js';
import { legendSwatch, miniStack } from '../views/charts.js';
import { emptyState, formatPoints, pagination, time } from '../views/components.js';
import { notFound } from '../errors.js';

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
        // A year that could have data is read with the years in one round trip, and checked
        // against them after; any other is answered by yearInRange's 404.
        const asked = yearAsked(query.year, thisYear) ?? yearInRange(query.year, await yearsWithData(context), thisYear);
        const category: Category | undefined = query.category && isCategory(query.category) ? query.category : undefined;
        const pageNumber = pageParam(query.page);
        const bounds = cycleBounds(context, asked);
        const standings = await queryStandings(context.db, { from: bounds.start, to: bounds.end, category, limit: LEADERBOARD_PAGE, offset: (pageNumber - 1) * LEADERBOARD_PAGE, firstCounted: true });
        const years = yearsSince(context, standings.firstCounted ?? null);
        const year = yearInRange(query.year, years, thisYear);
        if (query.category && !isCategory(query.category)) throw notFound(`There is no category "${query.category.slice(0, 30)}"; the categories are ${CATEGORIES.join(', ')}.`);
        const showPoints = scoresVisibleTo(context, request.viewer);
        const pages = Math.max(1, Math.ceil(standings.total / LEADERBOARD_PAGE));
        pageInRange(pageNumber, pages, `${standings.total} ranked ${standings.total === 1 ? 'ambassador' : 'ambassadors'}`);
        const tab = (value: Category | undefined, label: string) => {
          const href = `/leaderboard?year=${year}${value ? `&category=${value}` : ''}`;
          return value === category ? html`<li><a href="${href}" aria-current="page">${label}</a></li>` : html`<li><a href="${href}">${label}</a></li>`;
        };
        return page(context, request, reply, {
          title: `Leaderboard ${year}${category ? ` · ${CATEGORY_LABELS[category]}` : ''}`,
          description: `The Magento ambassadors ranked by their counted contributions in ${year}.`,
          main: html`
          <h1>Leaderboard ${year}${category ? html` <span class="subtle">· ${CATEGORY_LABELS[category]}</span>` : ''}</h1>
          ${showPoints && !category ? categoryPatternDefs() : ''}
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
              ${showPoints && !category ? html`<ul class="legend-list" aria-hidden="true">${CATEGORIES.map((c) => html`<li>${legendSwatch(c)}${CATEGORY_LABELS[c]}</li>`)}</ul>` : ''}`}
          ${pagination('/leaderboard', { year: String(year), category }, pageNumber, pages)}`,
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
