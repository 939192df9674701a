// Charts drawn on the server as SVG, each with a text alternative: a title and description
// for assistive technology and a table or sentence for everyone.
import { CATEGORIES, CATEGORY_LABELS, type CategoryPoints } from '../../domain/categories.js';
import { daysBetween, daysInMonth } from '../../domain/dates.js';
import { html, raw, type Html } from '../html.js';
import { formatPoints } from './components.js';

/**
 * One hue per category, at least 40 degrees apart, each with at least 4.5:1 contrast against
 * white; and a pattern per category, so no bar relies on colour alone.
 */
export const CATEGORY_COLORS: Record<string, string> = {
  code: '#1d4ed8',
  content: '#b45309',
  events: '#7e22ce',
  documentation: '#047857',
  education: '#4d7c0f',
  leadership: '#be123c',
};

export function categoryColor(category: string): string {
  return CATEGORY_COLORS[category] ?? '#475569';
}

/** White marks drawn over a category's colour: stripes, dots, lines, a grid, chevrons. */
const PATTERN_MARKS: Record<string, string> = {
  code: '<path d="M-2 2 L2 -2 M0 8 L8 0 M6 10 L10 6" stroke="#fff" stroke-width="1.6" stroke-opacity=".75"/>',
  content: '<circle cx="4" cy="4" r="1.5" fill="#fff" fill-opacity=".8"/>',
  events: '<path d="M0 2 H8 M0 6 H8" stroke="#fff" stroke-width="1.2" stroke-opacity=".7"/>',
  documentation: '<path d="M2 0 V8 M6 0 V8" stroke="#fff" stroke-width="1.2" stroke-opacity=".7"/>',
  education: '<path d="M0 4 H8 M4 0 V8" stroke="#fff" stroke-width="1.1" stroke-opacity=".75"/>',
  leadership: '<path d="M0 6 L4 2 L8 6" fill="none" stroke="#fff" stroke-width="1.3" stroke-opacity=".8"/>',
};

export function categoryPatternId(category: string): string {
  return `pattern-${category}`;
}

/** The patterns, once per page (an invisible SVG that every chart's fill refers to). */
export function categoryPatternDefs(): Html {
  const patterns = CATEGORIES.map(
    (c) => `<pattern id="${categoryPatternId(c)}" width="8" height="8" patternUnits="userSpaceOnUse"><rect width="8" height="8" fill="${categoryColor(c)}"/>${PATTERN_MARKS[c]}</pattern>`,
  ).join('');
  return html`<svg class="pattern-defs" width="0" height="0" aria-hidden="true" focusable="false"><defs>${raw(patterns)}</defs></svg>`;
}

/** A small square of a category's colour and pattern, for legends. */
export function legendSwatch(category: string): Html {
  return html`<svg class="swatch" width="14" height="14" viewBox="0 0 14 14" aria-hidden="true" focusable="false"><rect width="14" height="14" rx="2" fill="url(#${categoryPatternId(category)}) ${categoryColor(category)}" stroke="${categoryColor(category)}"/></svg>`;
}

/**
 * A day's shade on the calendar, like GitHub's: 0 for no contribution, then 1 to 4 by the
 * quartiles of the days that have any, so one busy day does not make every other day pale and
 * a year of single contributions is not all the darkest shade.
 */
export function calendarLevels(counts: Iterable<number>): (count: number) => number {
  const active = [...counts].filter((n) => n > 0).sort((a, b) => a - b);
  const quantile = (q: number) => (active.length ? active[Math.min(active.length - 1, Math.floor(q * (active.length - 1)))]! : 0);
  const [q1, q2, q3] = [quantile(0.25), quantile(0.5), quantile(0.75)];
  return (count) => (count <= 0 ? 0 : count <= q1 ? 1 : count <= q2 ? 2 : count <= q3 ? 3 : 4);
}

/** Horizontal bars, one per category, with the figures as text next to each bar. */
export function categoryChart(categories: CategoryPoints, id: string, unit = 'points'): Html {
  const max = Math.max(1, ...CATEGORIES.map((c) => categories[c]));
  const rowHeight = 30;
  const width = 480;
  const labelWidth = 170;
  const barMax = width - labelWidth - 70;
  const one = unit === 'points' ? 'point' : unit === 'contributions' ? 'contribution' : unit;
  const summary = CATEGORIES.map((c) => `${CATEGORY_LABELS[c]}: ${formatPoints(categories[c])} ${categories[c] === 1 ? one : unit}`).join('; ');
  const rows = CATEGORIES.map((category, index) => {
    const y = index * rowHeight;
    const value = categories[category];
    const barWidth = value > 0 ? Math.max(3, Math.round((value / max) * barMax)) : 0;
    return `<g transform="translate(0 ${y})"><text x="0" y="19" class="chart-label">${CATEGORY_LABELS[category]}</text>` +
      `<rect x="${labelWidth}" y="6" width="${barMax}" height="18" rx="3" class="chart-track"/>` +
      `<rect x="${labelWidth}" y="6" width="${barWidth}" height="18" rx="3" fill="url(#${categoryPatternId(category)}) ${categoryColor(category)}" stroke="${categoryColor(category)}" data-category="${category}"/>` +
      `<text x="${labelWidth + barMax + 8}" y="19" class="chart-value">${formatPoints(value)}</text></g>`;
  }).join('');
  return html`<figure class="chart">${categoryPatternDefs()}
    <svg viewBox="0 0 ${width} ${CATEGORIES.length * rowHeight}" role="img" aria-labelledby="${id}-title ${id}-desc" class="bars">
      <title id="${id}-title">${`${unit === 'points' ? 'Points' : 'Contributions'} by category`}</title>
      <desc id="${id}-desc">${summary}</desc>
      ${raw(rows)}
    </svg>
    <figcaption class="visually-hidden">${summary}</figcaption>
  </figure>`;
}

const SHORT_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The parts of a year's calendar squares that do not depend on whose it is: each day's date, and its square's markup before the shade and before the count. */
interface CalendarCells {
  dates: string[];
  before: string[];
  after: string[];
}

// A year's squares are the same for every profile: made once per year (a handful of years).
const CALENDAR_CELLS = new Map<number, CalendarCells>();

function calendarCells(year: number): CalendarCells {
  const known = CALENDAR_CELLS.get(year);
  if (known) return known;
  const firstWeekday = (new Date(Date.UTC(year, 0, 1)).getUTCDay() + 6) % 7; // Monday = 0
  const cells: CalendarCells = { dates: [], before: [], after: [] };
  let slot = firstWeekday;
  for (let month = 1; month <= 12; month += 1) {
    const monthLength = daysInMonth(year, month);
    for (let day = 1; day <= monthLength; day += 1, slot += 1) {
      cells.dates.push(`${String(year).padStart(4, '0')}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`);
      const x = CALENDAR_LEFT + Math.floor(slot / 7) * (CALENDAR_CELL + CALENDAR_GAP);
      const y = CALENDAR_TOP + (slot % 7) * (CALENDAR_CELL + CALENDAR_GAP);
      cells.before.push(`<rect x="${x}" y="${y}" width="${CALENDAR_CELL}" height="${CALENDAR_CELL}" rx="2" class="cal-`);
      cells.after.push(`"><title>${SHORT_MONTHS[month - 1]} ${day}, ${year}: `);
    }
  }
  if (CALENDAR_CELLS.size >= 32) CALENDAR_CELLS.clear();
  CALENDAR_CELLS.set(year, cells);
  return cells;
}

const CALENDAR_CELL = 12;
const CALENDAR_GAP = 3;
const CALENDAR_LEFT = 30;
const CALENDAR_TOP = 18;

/** A year of days as a grid of squares (weeks as columns), darker for more contributions. */
export function contributionCalendar(year: number, counts: Map<string, number>, id: string): Html {
  const start = `${year}-01-01`;
  const firstWeekday = (new Date(Date.UTC(year, 0, 1)).getUTCDay() + 6) % 7; // Monday = 0
  const cell = CALENDAR_CELL;
  const gap = CALENDAR_GAP;
  const left = CALENDAR_LEFT;
  const top = CALENDAR_TOP;
  const levelOf = calendarLevels(counts.values());
  let squares = '';
  let total = 0;
  let activeDays = 0;
  const { dates, before, after } = calendarCells(year);
  for (let i = 0; i < dates.length; i += 1) {
    const count = counts.get(dates[i]!) ?? 0;
    total += count;
    if (count > 0) activeDays += 1;
    squares += `${before[i]}${levelOf(count)}${after[i]}${count} contribution${count === 1 ? '' : 's'}</title></rect>`;
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
    <svg viewBox="0 0 ${width} ${height}" class="calendar-svg" role="img" aria-labelledby="${id}-title ${id}-desc">
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
    // y is 0 by default; a tenth of the 100-wide box is finer than the bar's pixels.
    parts += `<rect x="${x.toFixed(1)}" width="${width.toFixed(1)}" height="8" fill="url(#${categoryPatternId(category)}) ${categoryColor(category)}"/>`;
    x += width;
  }
  return html`<svg class="mini-stack" viewBox="0 0 100 8" preserveAspectRatio="none" aria-hidden="true" focusable="false">${raw(parts)}</svg>`;
}
