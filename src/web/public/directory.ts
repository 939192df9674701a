// The directory of registered ambassadors: search by name, filters by country, category and
// status, pagination. Filters are a plain GET form, so it works without JavaScript.
import { CATEGORIES, CATEGORY_LABELS, isCategory } from '../../domain/categories.js';
import type { ActivityStatus } from '../../domain/status.js';
import type { WebContext } from '../context.js';
import { html } from '../html.js';
import { countries, directory, scoresVisibleTo } from '../queries/public.js';
import { page, queryOf, type Route } from '../routing.js';
import { countryName, matchCountry } from '../../domain/countries.js';
import { pointsText } from '../../domain/awards.js';
import { pageInRange, pageParam } from '../views/paging.js';
import { avatar, emptyState, pagination, select, STATUS_LABELS, statusBadge } from '../views/components.js';

const STATUS_FILTERS: ActivityStatus[] = ['active', 'lapsing', 'inactive'];

export function directoryRoutes(context: WebContext): Route[] {
  return [
    {
      method: 'GET',
      url: '/ambassadors',
      access: 'anyone',
      kind: 'page',
      cache: true,
      summary: 'directory of ambassadors',
      handler: async (request, reply) => {
        const query = queryOf(request);
        const category = query.category && isCategory(query.category) ? query.category : undefined;
        const status = STATUS_FILTERS.includes(query.status as ActivityStatus) ? (query.status as ActivityStatus) : undefined;
        const pageNumber = pageParam(query.page);
        const pageSize = context.web.pageSize;
        const country = query.country ? (matchCountry(query.country) ?? query.country.slice(0, 100)) : undefined;
        const [result, countryList] = await Promise.all([
          directory(context, { search: query.q?.slice(0, 100), country, category, status, page: pageNumber, pageSize, publicStatuses: true }),
          countries(context),
        ]);
        const showPoints = scoresVisibleTo(context, request.viewer);
        const pages = Math.max(1, Math.ceil(result.total / pageSize));
        pageInRange(pageNumber, pages, `${result.total.toLocaleString('en-US')} ${result.total === 1 ? 'ambassador' : 'ambassadors'}${query.q || country || category || status ? ' matching these filters' : ''}`);
        const filters = { q: query.q, country, category, status };
        return page(context, request, reply, {
          title: 'Ambassadors',
          description: 'Every registered Magento ambassador, searchable by name, country, category and status.',
          main: html`
          <h1>Ambassadors</h1>
          <form class="filters card" method="get" action="/ambassadors" role="search" aria-label="Filter ambassadors">
            <div class="field"><label for="f-q">Name or handle</label><input id="f-q" type="search" name="q" value="${query.q ?? ''}" maxlength="100"></div>
            ${select({ name: 'country', label: 'Country', value: country ?? '', choices: [{ value: '', label: 'All countries' }, ...countryList.map((c) => ({ value: c, label: countryName(c) }))] })}
            ${select({ name: 'category', label: 'Category (this year)', value: category ?? '', choices: [{ value: '', label: 'All categories' }, ...CATEGORIES.map((c) => ({ value: c, label: CATEGORY_LABELS[c] }))] })}
            ${select({ name: 'status', label: 'Status', value: status ?? '', choices: [{ value: '', label: 'Any status' }, ...STATUS_FILTERS.map((s) => ({ value: s, label: STATUS_LABELS[s] }))] })}
            <div class="filter-actions"><button type="submit">Filter</button> <a href="/ambassadors">Reset</a></div>
          </form>
          <p class="result-count" role="status">${result.total.toLocaleString('en-US')} ambassador${result.total === 1 ? '' : 's'}</p>
          ${result.entries.length === 0
            ? emptyState('No ambassadors match', 'Try another name or fewer filters.')
            : html`<ul class="people">${result.entries.map(
                ({ member, status: memberStatus, points }) => html`<li class="person card">
                  ${avatar(member, 56)}
                  <div>
                    <h2 class="person-name"><a href="/ambassadors/${member.handle}">${member.name}</a></h2>
                    <p class="meta">@${member.handle}${member.country ? html` · ${countryName(member.country)}` : ''}${member.company ? html` · ${member.company}` : ''}</p>
                    <p>${memberStatus ? statusBadge(memberStatus.status) : ''}${showPoints && points > 0 ? html` <span class="pill">${pointsText(points)} this year</span>` : ''}</p>
                  </div>
                </li>`,
              )}</ul>`}
          ${pagination('/ambassadors', filters, pageNumber, pages)}`,
        });
      },
    },
  ];
}
