// The profile's contribution calendar in few bytes: every day of the year keeps its square where
// it was, its shade and its tooltip, while the markup stays under a budget measured for a typical
// year (a square was 113 bytes; the 365 tooltips alone are about 16 KB).
import { describe, expect, it } from 'vitest';
import { calendarLevels, contributionCalendar } from '../../src/web/views/charts.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

interface Day {
  date: string;
  x: number;
  y: number;
  shade: number;
  title: string;
}

/** The days a calendar draws, in order: where each square is, its shade and its tooltip. */
function drawnDays(markup: string, id: string): Day[] {
  const rows = new Map<string, number>();
  for (const match of markup.matchAll(/<rect id="([^"]+)" y="(\d+)" width="12" height="12" rx="2"\/>/g)) rows.set(match[1]!, Number(match[2]));
  expect(rows.size).toBe(7);
  const shaded = markup.slice(markup.indexOf('<g class="cal-0">'));
  const days: Day[] = [];
  let x = Number.NaN;
  for (const match of shaded.matchAll(/<g transform="translate\((\d+)\)">|<use href="#([^"]+)"(?: class="cal-(\d)")?><title>([^<]*)<\/title><\/use>/g)) {
    if (match[1]) {
      x = Number(match[1]);
      continue;
    }
    expect(match[2]!.startsWith(id)).toBe(true);
    days.push({ date: '', x, y: rows.get(match[2]!)!, shade: Number(match[3] ?? 0), title: match[4]! });
  }
  return days;
}

/** Each day of a year where the calendar drew it before: weeks from Monday as columns. */
function expectedDays(year: number, counts: Map<string, number>): Day[] {
  const levelOf = calendarLevels(counts.values());
  const days: Day[] = [];
  const firstWeekday = (new Date(Date.UTC(year, 0, 1)).getUTCDay() + 6) % 7;
  for (let time = Date.UTC(year, 0, 1), index = 0; new Date(time).getUTCFullYear() === year; time += 86_400_000, index += 1) {
    const day = new Date(time);
    const date = day.toISOString().slice(0, 10);
    const count = counts.get(date) ?? 0;
    const slot = index + firstWeekday;
    days.push({
      date,
      x: 30 + Math.floor(slot / 7) * 15,
      y: 18 + (slot % 7) * 15,
      shade: levelOf(count),
      title: `${MONTHS[day.getUTCMonth()]} ${day.getUTCDate()}, ${year}: ${count} contribution${count === 1 ? '' : 's'}`,
    });
  }
  return days;
}

/** About 50 active days of a year, a few contributions each, the same on every run. */
function typicalCounts(year: number, activeDays = 50): Map<string, number> {
  let seed = year;
  const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
  const counts = new Map<string, number>();
  while (counts.size < activeDays) {
    const date = new Date(Date.UTC(year, 0, 1 + Math.floor(next() * 365))).toISOString().slice(0, 10);
    counts.set(date, 1 + Math.floor(next() * next() * 12));
  }
  return counts;
}

describe('contribution calendar markup', () => {
  // Leap years starting on a Monday (2024) and a Saturday (2028), a century that is not a leap
  // year (2100), and years starting on a Thursday (2026) and a Sunday (2023).
  for (const year of [2023, 2024, 2026, 2028, 2100]) {
    it(`draws every day of ${year} once, where it was, with its shade and tooltip`, () => {
      const counts = typicalCounts(year);
      const markup = contributionCalendar(year, counts, 'cal').value;
      const expected = expectedDays(year, counts);
      const drawn = drawnDays(markup, 'cal');
      expect(drawn).toHaveLength(expected.length);
      expect(drawn.length).toBe(year % 4 === 0 && year % 100 !== 0 ? 366 : 365);
      expect(drawn).toEqual(expected.map((day) => ({ ...day, date: '' })));
      // Exactly one tooltip per day (plus the chart's own title), each text once.
      expect(markup.match(/<title[ >]/g)).toHaveLength(expected.length + 1);
      for (const day of expected) expect(markup.split(`<title>${day.title}</title>`), day.date).toHaveLength(2);
      // Only the days with contributions name their shade; the others take shade 0 from the group.
      expect(markup.match(/ class="cal-[1-4]"><title>/g)).toHaveLength(counts.size);
      expect(drawn.filter((day) => day.shade > 0)).toHaveLength(counts.size);
    });
  }

  it('keeps the squares free of their own fill, so the shade of each day reaches them', () => {
    const markup = contributionCalendar(2026, typicalCounts(2026), 'cal').value;
    const defs = markup.slice(markup.indexOf('<defs>'), markup.indexOf('</defs>'));
    expect(defs).not.toMatch(/fill|class|style/);
    expect(markup.indexOf('<defs>')).toBeLessThan(markup.indexOf('<g class="cal-0">'));
    // The accessible name, description and summary are as before.
    expect(markup).toContain('aria-labelledby="cal-title cal-desc"');
    expect(markup).toContain('<title id="cal-title">Contribution calendar 2026</title>');
    expect(markup).toMatch(/<desc id="cal-desc">\d+ counted contributions on 50 days in 2026<\/desc>/);
    expect(markup).toContain('<span class="legend" aria-hidden="true">Less <i class="cal-0"></i><i class="cal-1"></i><i class="cal-2"></i><i class="cal-3"></i><i class="cal-4"></i> More</span>');
  });

  it('names its squares after its own id, so two calendars on a page do not share them', () => {
    const one = contributionCalendar(2026, new Map(), 'one').value;
    const two = contributionCalendar(2026, new Map(), 'two').value;
    expect(one).toContain('<rect id="one0" ');
    expect(one).not.toContain('#two');
    expect(two).toContain('<use href="#two3">');
    expect(two).not.toContain('#one');
    expect(contributionCalendar(2026, new Map(), 'x"y').value).not.toContain('x"y');
  });

  it('stays under its byte budget for a typical year', () => {
    // Measured: 28.7 KB for 2026 with 50 active days, where the squares as rects were 43.6 KB.
    for (const year of [2024, 2026]) {
      const bytes = Buffer.byteLength(contributionCalendar(year, typicalCounts(year), 'cal').value);
      expect(bytes, String(year)).toBeLessThanOrEqual(29_500);
    }
    // A year without contributions is no larger.
    expect(Buffer.byteLength(contributionCalendar(2026, new Map(), 'cal').value)).toBeLessThanOrEqual(29_000);
  });
});
