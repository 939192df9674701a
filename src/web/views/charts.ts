// Charts drawn on the server as SVG, each with a text alternative: a title and description
// for assistive technology and a table or sentence for everyone.
import { CATEGORIES, CATEGORY_LABELS, type CategoryPoints } from '../../domain/categories.js';
import { daysInMonth } from '../../domain/dates.js';
import { escapeHtml, html, raw, type Html } from '../html.js';
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

const CALENDAR_CELL = 12;
const CALENDAR_STEP = CALENDAR_CELL + 3; // a square and the gap after it
const CALENDAR_LEFT = 30;
const CALENDAR_TOP = 18;

/**
 * What a year's calendar is made of besides its counts: the markup before the first day (the
 * squares, the labels), each day's date, its square's markup before the shade (with the start of
 * its week's column on a Monday) and its tooltip before the count.
 */
interface CalendarFrame {
  start: string;
  dates: string[];
  before: string[];
  after: string[];
}

/**
 * A day's shade as the rest of its square's opening tag. The squares are drawn in a group of
 * shade 0 and take their fill from it (a `<use>` passes its fill on to the square it draws), so
 * only the days with contributions name a shade.
 */
const SHADE_ATTRIBUTES = ['>', ' class="cal-1">', ' class="cal-2">', ' class="cal-3">', ' class="cal-4">'];

// A year's frame is the same for every profile: made once per year and calendar id (a handful).
const CALENDAR_FRAMES = new Map<string, CalendarFrame>();

/**
 * The squares cost most of a profile page's bytes (365 tooltips), so each day is only a
 * reference to its weekday's square, `<use href="#{id}{weekday}">`, inside its week's column,
 * `<g transform="translate(…)">`. (A nested `<svg x="…">` is shorter, but Chromium snaps its
 * viewport to pixels and the squares' edges come out differently.) The squares keep their
 * geometry as attributes, not CSS, which every browser draws alike.
 */
function calendarFrame(year: number, id: string): CalendarFrame {
  const key = `${year} ${id}`;
  const known = CALENDAR_FRAMES.get(key);
  if (known) return known;
  const squareId = escapeHtml(id);
  const squares = [0, 1, 2, 3, 4, 5, 6]
    .map((weekday) => `<rect id="${squareId}${weekday}" y="${CALENDAR_TOP + weekday * CALENDAR_STEP}" width="${CALENDAR_CELL}" height="${CALENDAR_CELL}" rx="2"/>`)
    .join('');
  const frame: CalendarFrame = { start: '', dates: [], before: [], after: [] };
  let monthLabels = '';
  let slot = (new Date(Date.UTC(year, 0, 1)).getUTCDay() + 6) % 7; // Monday = 0
  for (let month = 1; month <= 12; month += 1) {
    const monthLength = daysInMonth(year, month);
    monthLabels += `<text x="${CALENDAR_LEFT + Math.floor(slot / 7) * CALENDAR_STEP}" y="11">${SHORT_MONTHS[month - 1]}</text>`;
    for (let day = 1; day <= monthLength; day += 1, slot += 1) {
      const weekday = slot % 7;
      const first = frame.dates.length === 0;
      const column = first || weekday === 0 ? `${first ? '' : '</g>'}<g transform="translate(${CALENDAR_LEFT + Math.floor(slot / 7) * CALENDAR_STEP})">` : '';
      frame.dates.push(`${String(year).padStart(4, '0')}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`);
      frame.before.push(`${column}<use href="#${squareId}${weekday}"`);
      frame.after.push(`<title>${SHORT_MONTHS[month - 1]} ${day}, ${year}: `);
    }
  }
  const dayLabels = ['Mon', '', 'Wed', '', 'Fri', '', '']
    .map((label, weekday) => (label ? `<text x="0" y="${CALENDAR_TOP + weekday * CALENDAR_STEP + 10}">${label}</text>` : ''))
    .join('');
  frame.start = `<defs>${squares}</defs><g class="chart-small">${monthLabels}${dayLabels}</g><g class="cal-0">`;
  if (CALENDAR_FRAMES.size >= 32) CALENDAR_FRAMES.clear();
  CALENDAR_FRAMES.set(key, frame);
  return frame;
}

/**
 * A year of days as a grid of squares (weeks as columns), darker for more contributions.
 * `id` starts the calendar's ids (`{id}-title`, `{id}-desc`, `{id}0` to `{id}6`), unique on the
 * page; a short one saves bytes, since every day repeats it.
 */
export function contributionCalendar(year: number, counts: Map<string, number>, id: string): Html {
  const levelOf = calendarLevels(counts.values());
  const { start, dates, before, after } = calendarFrame(year, id);
  let squares = start;
  let total = 0;
  let activeDays = 0;
  for (let i = 0; i < dates.length; i += 1) {
    const count = counts.get(dates[i]!) ?? 0;
    total += count;
    if (count > 0) activeDays += 1;
    squares += `${before[i]}${SHADE_ATTRIBUTES[levelOf(count)]}${after[i]}${count} contribution${count === 1 ? '' : 's'}</title></use>`;
  }
  squares += '</g></g>'; // the last week's column, then the group of shade 0
  const width = CALENDAR_LEFT + 54 * CALENDAR_STEP;
  const height = CALENDAR_TOP + 7 * CALENDAR_STEP;
  const summary = `${total} counted contribution${total === 1 ? '' : 's'} on ${activeDays} day${activeDays === 1 ? '' : 's'} in ${year}`;
  return html`<figure class="chart calendar">
    <div class="scroll-x" tabindex="0" role="group" aria-label="Contribution calendar ${year}">
    <svg viewBox="0 0 ${width} ${height}" class="calendar-svg" role="img" aria-labelledby="${id}-title ${id}-desc">
      <title id="${id}-title">Contribution calendar ${year}</title>
      <desc id="${id}-desc">${summary}</desc>
      ${raw(squares)}
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
