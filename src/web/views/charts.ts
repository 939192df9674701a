// Charts drawn on the server as SVG, each with a text alternative: a title and description
// for assistive technology and a table or sentence for everyone.
import { CATEGORIES, CATEGORY_LABELS, type CategoryPoints } from '../../domain/categories.js';
import { addDays, daysBetween } from '../../domain/dates.js';
import { html, raw, type Html } from '../html.js';
import { formatDate, formatPoints } from './components.js';

const CATEGORY_COLORS: Record<string, string> = {
  code: '#c2410c',
  content: '#1d4ed8',
  events: '#7e22ce',
  documentation: '#047857',
  education: '#b45309',
  leadership: '#be123c',
};

export function categoryColor(category: string): string {
  return CATEGORY_COLORS[category] ?? '#475569';
}

/** Horizontal bars, one per category, with the figures as text next to each bar. */
export function categoryChart(categories: CategoryPoints, id: string, unit = 'points'): Html {
  const max = Math.max(1, ...CATEGORIES.map((c) => categories[c]));
  const rowHeight = 30;
  const width = 480;
  const labelWidth = 170;
  const barMax = width - labelWidth - 70;
  const summary = CATEGORIES.map((c) => `${CATEGORY_LABELS[c]}: ${formatPoints(categories[c])} ${unit}`).join('; ');
  const rows = CATEGORIES.map((category, index) => {
    const y = index * rowHeight;
    const value = categories[category];
    const barWidth = value > 0 ? Math.max(3, Math.round((value / max) * barMax)) : 0;
    return `<g transform="translate(0 ${y})"><text x="0" y="19" class="chart-label">${CATEGORY_LABELS[category]}</text>` +
      `<rect x="${labelWidth}" y="6" width="${barMax}" height="18" rx="3" class="chart-track"/>` +
      `<rect x="${labelWidth}" y="6" width="${barWidth}" height="18" rx="3" fill="${categoryColor(category)}"/>` +
      `<text x="${labelWidth + barMax + 8}" y="19" class="chart-value">${formatPoints(value)}</text></g>`;
  }).join('');
  return html`<figure class="chart">
    <svg viewBox="0 0 ${width} ${CATEGORIES.length * rowHeight}" role="img" aria-labelledby="${id}-title ${id}-desc" class="bars">
      <title id="${id}-title">${`${unit === 'points' ? 'Points' : 'Contributions'} by category`}</title>
      <desc id="${id}-desc">${summary}</desc>
      ${raw(rows)}
    </svg>
    <figcaption class="visually-hidden">${summary}</figcaption>
  </figure>`;
}

/** A year of days as a grid of squares (weeks as columns), darker for more contributions. */
export function contributionCalendar(year: number, counts: Map<string, number>, id: string): Html {
  const start = `${year}-01-01`;
  const end = `${year}-12-31`;
  const firstWeekday = (new Date(Date.UTC(year, 0, 1)).getUTCDay() + 6) % 7; // Monday = 0
  const days = daysBetween(start, end) + 1;
  const cell = 12;
  const gap = 3;
  const left = 30;
  const top = 18;
  const max = Math.max(1, ...counts.values());
  let squares = '';
  let total = 0;
  let activeDays = 0;
  for (let i = 0; i < days; i += 1) {
    const date = addDays(start, i);
    const slot = i + firstWeekday;
    const week = Math.floor(slot / 7);
    const weekday = slot % 7;
    const count = counts.get(date) ?? 0;
    total += count;
    if (count > 0) activeDays += 1;
    const level = count === 0 ? 0 : Math.min(4, Math.ceil((count / max) * 4));
    squares += `<rect x="${left + week * (cell + gap)}" y="${top + weekday * (cell + gap)}" width="${cell}" height="${cell}" rx="2" class="cal-${level}"><title>${formatDate(date)}: ${count} contribution${count === 1 ? '' : 's'}</title></rect>`;
  }
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const monthLabels = months
    .map((label, month) => {
      const offset = daysBetween(start, `${year}-${String(month + 1).padStart(2, '0')}-01`) + firstWeekday;
      return `<text x="${left + Math.floor(offset / 7) * (cell + gap)}" y="11" class="chart-small">${label}</text>`;
    })
    .join('');
  const dayLabels = ['Mon', '', 'Wed', '', 'Fri', '', '']
    .map((label, index) => (label ? `<text x="0" y="${top + index * (cell + gap) + 10}" class="chart-small">${label}</text>` : ''))
    .join('');
  const width = left + 54 * (cell + gap);
  const height = top + 7 * (cell + gap);
  const summary = `${total} counted contribution${total === 1 ? '' : 's'} on ${activeDays} day${activeDays === 1 ? '' : 's'} in ${year}`;
  return html`<figure class="chart calendar">
    <div class="scroll-x" tabindex="0" role="group" aria-label="Contribution calendar ${year}">
    <svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="${id}-title ${id}-desc">
      <title id="${id}-title">Contribution calendar ${year}</title>
      <desc id="${id}-desc">${summary}</desc>
      ${raw(monthLabels + dayLabels + squares)}
    </svg>
    </div>
    <figcaption>${summary}. <span class="legend" aria-hidden="true">Less <i class="cal-0"></i><i class="cal-1"></i><i class="cal-2"></i><i class="cal-3"></i><i class="cal-4"></i> More</span></figcaption>
  </figure>`;
}

/** A stacked bar of the six categories for a leaderboard row. */
export function miniStack(categories: CategoryPoints, total: number): Html {
  if (total <= 0) return html``;
  let x = 0;
  let parts = '';
  for (const category of CATEGORIES) {
    const width = (categories[category] / total) * 100;
    if (width <= 0) continue;
    parts += `<rect x="${x.toFixed(2)}" y="0" width="${width.toFixed(2)}" height="8" fill="${categoryColor(category)}"/>`;
    x += width;
  }
  return html`<svg class="mini-stack" viewBox="0 0 100 8" preserveAspectRatio="none" aria-hidden="true" focusable="false">${raw(parts)}</svg>`;
}
