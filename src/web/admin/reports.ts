// The console's reports: members and active members over time, counted contributions per month
// by category, the lapse rate and members per country. Each chart is an SVG drawn on the
// server with a title and description, its figures in a table beside it, and no colour that
// carries meaning alone (category bars have patterns and a legend; lines have markers and
// labels).
import { CATEGORIES, CATEGORY_LABELS } from '../../domain/categories.js';
import { countryName } from '../../domain/countries.js';
import { programReport, type MonthFigures } from '../../store/reports.js';
import type { WebContext } from '../context.js';
import { escapeHtml, html, raw, type Html } from '../html.js';
import { page, type Route } from '../routing.js';
import { categoryColor, categoryPatternDefs, categoryPatternId, legendSwatch } from '../views/charts.js';
import { adminNav } from './nav.js';

const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const monthLabel = (month: string) => `${MONTH_NAMES[Number(month.slice(5, 7)) - 1]} ${month.slice(2, 4)}`;
const W = 640;
const H = 220;
const LEFT = 44;
const BOTTOM = 28;

function axis(max: number, months: MonthFigures[], step: number): string {
  const ticks = [0, 0.5, 1].map((f) => {
    const y = H - BOTTOM - f * (H - BOTTOM - 10);
    return `<line x1="${LEFT}" x2="${W}" y1="${y}" y2="${y}" class="chart-grid"/><text x="${LEFT - 6}" y="${y + 4}" text-anchor="end" class="chart-value">${Math.round(max * f)}</text>`;
  });
  const labels = months.map(
    (m, i) =>
      `<text x="${LEFT + step * i + step / 2}" y="${H - 8}" text-anchor="middle" class="chart-label">${monthLabel(m.month)}</text>`,
  );
  return ticks.join('') + labels.join('');
}

function membersChart(months: MonthFigures[]): Html {
  const max = Math.max(1, ...months.map((m) => m.members));
  const step = (W - LEFT) / months.length;
  const y = (v: number) => H - BOTTOM - (v / max) * (H - BOTTOM - 10);
  const line = (key: 'members' | 'active', cls: string, marker: (x: number, y: number) => string) =>
    `<polyline class="${cls}" fill="none" points="${months.map((m, i) => `${LEFT + step * i + step / 2},${y(m[key])}`).join(' ')}"/>` +
    months.map((m, i) => marker(LEFT + step * i + step / 2, y(m[key]))).join('');
  const last = months[months.length - 1]!;
  const summary = `At the end of ${monthLabel(last.month)}: ${last.members} members, ${last.active} active. Twelve months earlier: ${months[0]!.members} members, ${months[0]!.active} active.`;
  return html`<svg
      viewBox="0 0 ${W} ${H}"
      role="img"
      aria-labelledby="members-chart-title members-chart-desc"
      class="line-chart"
    >
      <title id="members-chart-title">Members and active members at each month's end</title>
      <desc id="members-chart-desc">${summary}</desc>
      ${raw(axis(max, months, step))}
      ${raw(line('members', 'line-members', (x, yy) => `<circle cx="${x}" cy="${yy}" r="4" class="line-members-mark"/>`))}
      ${raw(line('active', 'line-active', (x, yy) => `<rect x="${x - 4}" y="${yy - 4}" width="8" height="8" class="line-active-mark"/>`))}
    </svg>
    <p class="legend">
      <span class="legend-item"
        ><svg width="14" height="14" aria-hidden="true">
          <circle cx="7" cy="7" r="5" class="line-members-mark" />
        </svg>
        Members</span
      >
      <span class="legend-item"
        ><svg width="14" height="14" aria-hidden="true">
          <rect x="2" y="2" width="10" height="10" class="line-active-mark" />
        </svg>
        Active members</span
      >
    </p>`;
}

function contributionsChart(months: MonthFigures[]): Html {
  const totals = months.map((m) => CATEGORIES.reduce((sum, c) => sum + m.contributions[c], 0));
  const max = Math.max(1, ...totals);
  const step = (W - LEFT) / months.length;
  const bars = months
    .map((m, i) => {
      let top = H - BOTTOM;
      return CATEGORIES.map((c) => {
        const height = (m.contributions[c] / max) * (H - BOTTOM - 10);
        if (height <= 0) return '';
        top -= height;
        return `<rect x="${LEFT + step * i + step * 0.15}" y="${top}" width="${step * 0.7}" height="${height}" fill="url(#${categoryPatternId(c)}) ${categoryColor(c)}" stroke="#fff" stroke-width=".5" data-category="${c}"/>`;
      }).join('');
    })
    .join('');
  const summary = months.map((m, i) => `${monthLabel(m.month)}: ${totals[i]}`).join('; ');
  return html`${categoryPatternDefs()}<svg
      viewBox="0 0 ${W} ${H}"
      role="img"
      aria-labelledby="contrib-chart-title contrib-chart-desc"
      class="bar-chart"
    >
      <title id="contrib-chart-title">Counted contributions per month, stacked by category</title>
      <desc id="contrib-chart-desc">${summary}</desc>
      ${raw(axis(max, months, step))}${raw(bars)}
    </svg>
    <p class="legend">
      ${CATEGORIES.map((c) => html`<span class="legend-item">${legendSwatch(c)} ${CATEGORY_LABELS[c]}</span>`)}
    </p>`;
}

function lapseChart(months: MonthFigures[]): Html {
  const step = (W - LEFT) / months.length;
  const rates = months.map((m) => m.lapseRate ?? 0);
  const max = Math.max(0.1, ...rates);
  const bars = months
    .map((m, i) => {
      const height = ((m.lapseRate ?? 0) / max) * (H - BOTTOM - 10);
      return (
        `<rect x="${LEFT + step * i + step * 0.2}" y="${H - BOTTOM - height}" width="${step * 0.6}" height="${height}" class="lapse-bar"/>` +
        `<text x="${LEFT + step * i + step / 2}" y="${H - BOTTOM - height - 4}" text-anchor="middle" class="chart-value">${m.lapseRate === null ? '–' : `${Math.round(m.lapseRate * 100)}%`}</text>`
      );
    })
    .join('');
  const ticks = [0, 0.5, 1]
    .map((f) => {
      const y = H - BOTTOM - f * (H - BOTTOM - 10);
      return `<line x1="${LEFT}" x2="${W}" y1="${y}" y2="${y}" class="chart-grid"/><text x="${LEFT - 6}" y="${y + 4}" text-anchor="end" class="chart-value">${Math.round(max * f * 100)}%</text>`;
    })
    .join('');
  const labels = months
    .map(
      (m, i) =>
        `<text x="${LEFT + step * i + step / 2}" y="${H - 8}" text-anchor="middle" class="chart-label">${monthLabel(m.month)}</text>`,
    )
    .join('');
  return html`<svg
    viewBox="0 0 ${W} ${H}"
    role="img"
    aria-labelledby="lapse-chart-title lapse-chart-desc"
    class="bar-chart"
  >
    <title id="lapse-chart-title">Lapse rate per month</title>
    <desc id="lapse-chart-desc">
      ${months.map((m) => `${monthLabel(m.month)}: ${m.lapseRate === null ? 'no one was active' : `${Math.round(m.lapseRate * 100)}%`}`).join('; ')}
    </desc>
    ${raw(ticks + labels + bars)}
  </svg>`;
}

function countriesChart(countries: { country: string | null; members: number }[]): Html {
  const top = countries.slice(0, 15);
  const max = Math.max(1, ...top.map((c) => c.members));
  const rowHeight = 24;
  const labelWidth = 180;
  const barMax = W - labelWidth - 60;
  const rows = top
    .map((c, i) => {
      const width = Math.max(2, Math.round((c.members / max) * barMax));
      const name = c.country ? countryName(c.country) : 'Not given';
      return `<g transform="translate(0 ${i * rowHeight})"><text x="0" y="16" class="chart-label">${escapeHtml(name)}</text><rect x="${labelWidth}" y="4" width="${width}" height="16" rx="2" class="country-bar"/><text x="${labelWidth + width + 6}" y="16" class="chart-value">${c.members}</text></g>`;
    })
    .join('');
  return html`<svg
    viewBox="0 0 ${W} ${Math.max(1, top.length) * rowHeight}"
    role="img"
    aria-labelledby="country-chart-title country-chart-desc"
    class="bars"
  >
    <title id="country-chart-title">Members per country (the 15 largest)</title>
    <desc id="country-chart-desc">
      ${top.map((c) => `${c.country ? countryName(c.country) : 'Not given'}: ${c.members}`).join('; ')}
    </desc>
    ${raw(rows)}
  </svg>`;
}

export function reportRoutes(context: WebContext): Route[] {
  return [
    {
      method: 'GET',
      url: '/manage/reports',
      access: 'manager',
      kind: 'page',
      summary: 'reports: members, activity, contributions, lapse rate, countries',
      handler: async (request, reply) => {
        const report = await programReport(context.db, context.config, context.today());
        const { months, countries } = report;
        const numbers = (caption: string, head: Html, rows: Html[]) =>
          html`<details>
            <summary>${caption}</summary>
            <div class="table-wrap" tabindex="0" role="region" aria-label="${caption}">
              <table>
                <thead>
                  ${head}
                </thead>
                <tbody>
                  ${rows}
                </tbody>
              </table>
            </div>
          </details>`;
        return page(context, request, reply, {
          title: 'Reports',
          main: html`${adminNav('/manage/reports')}
            <h1>Reports</h1>
            <p class="meta">
              The last twelve months to ${context.today()}.
              <a href="/manage/exports/members.csv">Members CSV</a> (status, active until, points, last
              contribution).
            </p>
            <section class="card" aria-labelledby="r-members">
              <h2 id="r-members">Members and active members</h2>
              ${membersChart(months)}
              ${numbers(
                'Members and active members, the numbers',
                html`<tr>
                  <th scope="col">Month</th>
                  <th scope="col" class="num">Members</th>
                  <th scope="col" class="num">Active</th>
                </tr>`,
                months.map(
                  (m) =>
                    html`<tr>
                      <th scope="row">${monthLabel(m.month)}</th>
                      <td class="num">${m.members}</td>
                      <td class="num">${m.active}</td>
                    </tr>`,
                ),
              )}
            </section>
            <section class="card" aria-labelledby="r-contrib">
              <h2 id="r-contrib">Contributions per month by category</h2>
              ${contributionsChart(months)}
              ${numbers(
                'Contributions per month, the numbers',
                html`<tr>
                  <th scope="col">Month</th>
                  ${CATEGORIES.map((c) => html`<th scope="col" class="num">${CATEGORY_LABELS[c]}</th>`)}
                </tr>`,
                months.map(
                  (m) =>
                    html`<tr>
                      <th scope="row">${monthLabel(m.month)}</th>
                      ${CATEGORIES.map((c) => html`<td class="num">${m.contributions[c]}</td>`)}
                    </tr>`,
                ),
              )}
            </section>
            <section class="card" aria-labelledby="r-lapse">
              <h2 id="r-lapse">Lapse rate</h2>
              <p class="meta">
                Of those active at the end of the month before, the share no longer active at the month's end.
              </p>
              ${lapseChart(months)}
              ${numbers(
                'Lapse rate, the numbers',
                html`<tr>
                  <th scope="col">Month</th>
                  <th scope="col" class="num">Lapse rate</th>
                </tr>`,
                months.map(
                  (m) =>
                    html`<tr>
                      <th scope="row">${monthLabel(m.month)}</th>
                      <td class="num">
                        ${m.lapseRate === null ? '–' : `${(m.lapseRate * 100).toFixed(1)}%`}
                      </td>
                    </tr>`,
                ),
              )}
            </section>
            <section class="card" aria-labelledby="r-countries">
              <h2 id="r-countries">Countries</h2>
              ${countriesChart(countries)}
              ${numbers(
                'Members per country, the numbers',
                html`<tr>
                  <th scope="col">Country</th>
                  <th scope="col" class="num">Members</th>
                </tr>`,
                countries.map(
                  (c) =>
                    html`<tr>
                      <th scope="row">${c.country ? countryName(c.country) : 'Not given'}</th>
                      <td class="num">${c.members}</td>
                    </tr>`,
                ),
              )}
            </section>`,
        });
      },
    },
  ];
}
