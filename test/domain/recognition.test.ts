// The pure parts of recognition: countries as ISO codes, the category palette (distinct hues,
// contrast, a pattern each), calendar shades by quartile, and which kinds sources find.
import { describe, expect, it } from 'vitest';
import { COUNTRY_CODES, countryName, matchCountry, parseCountryField } from '../../src/domain/countries.js';
import { CATEGORIES } from '../../src/domain/categories.js';
import { DEFAULT_CONFIG } from '../../src/domain/default-config.js';
import { KINDS_FOUND_BY_SOURCE } from '../../src/sources/kinds-found.js';
import { entryKind } from '../../src/sources/feeds.js';
import { calendarLevels, categoryChart, CATEGORY_COLORS, contributionCalendar, miniStack } from '../../src/web/views/charts.js';
import { howFound, monthDayText } from '../../src/web/public/scoring.js';

function rgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}
function luminance(hex: string): number {
  const [r, g, b] = rgb(hex).map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
function contrast(a: string, b: string): number {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p) as [number, number];
  return (x + 0.05) / (y + 0.05);
}
function hue(hex: string): number {
  const [r, g, b] = rgb(hex).map((c) => c / 255) as [number, number, number];
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const d = max - min;
  const h = max === r ? ((g - b) / d) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  return (h * 60 + 360) % 360;
}

describe('countries', () => {
  it('matches codes and names in common languages to one ISO code', () => {
    expect(COUNTRY_CODES).toHaveLength(249);
    expect(['PT', 'pt', 'Portugal', ' portugal ', 'PORTUGAL'].map(matchCountry)).toEqual(['PT', 'PT', 'PT', 'PT', 'PT']);
    expect(['Deutschland', 'Germany', 'DE', 'Allemagne'].map(matchCountry)).toEqual(['DE', 'DE', 'DE', 'DE']);
    expect(['USA', 'United States', 'UK', 'England', 'Türkiye', 'Turkey', 'Nederland', 'Holland', 'Polska', 'Україна'].map(matchCountry)).toEqual(['US', 'US', 'GB', 'GB', 'TR', 'TR', 'NL', 'NL', 'PL', 'UA']);
    expect(matchCountry('Atlantis')).toBeNull();
    expect(matchCountry('ZZ')).toBeNull();
    expect(matchCountry('x'.repeat(10_000))).toBeNull();
    expect(countryName('PT')).toBe('Portugal');
    expect(parseCountryField('Narnia')).toMatchObject({ ok: false });
    expect(parseCountryField('')).toEqual({ ok: true, code: null });
  });
});

describe('category palette', () => {
  it('gives every category its own hue, readable on white, and a pattern on every bar', () => {
    const colors = CATEGORIES.map((c) => CATEGORY_COLORS[c]!);
    for (const color of colors) expect(contrast(color, '#ffffff'), color).toBeGreaterThanOrEqual(4.5);
    for (let i = 0; i < colors.length; i += 1) {
      for (let j = i + 1; j < colors.length; j += 1) {
        const gap = Math.abs(hue(colors[i]!) - hue(colors[j]!));
        expect(Math.min(gap, 360 - gap), `${CATEGORIES[i]} / ${CATEGORIES[j]}`).toBeGreaterThanOrEqual(40);
      }
    }
    // The old code and education colours were 9 degrees apart.
    expect(Math.abs(hue('#c2410c') - hue('#b45309'))).toBeLessThan(40);
    const points = { code: 10, content: 5, events: 3, documentation: 2, education: 1, leadership: 1 };
    const chart = categoryChart(points, 'c').value;
    const stack = miniStack(points, 22).value;
    for (const category of CATEGORIES) {
      expect(chart).toContain(`fill="url(#pattern-${category}) ${CATEGORY_COLORS[category]}"`);
      expect(stack).toContain(`fill="url(#pattern-${category}) ${CATEGORY_COLORS[category]}"`);
      expect(chart).toContain(`<pattern id="pattern-${category}"`);
    }
    expect(chart).toContain('Education: 1 point;');
  });
});

describe('calendar shades', () => {
  it('shades by the quartiles of active days, like GitHub, so single contributions are not the darkest', () => {
    const ones = calendarLevels([1, 1, 1, 1]);
    expect(ones(1)).toBe(1);
    expect(ones(0)).toBe(0);
    const spread = calendarLevels([1, 2, 3, 4, 5, 6, 7, 8, 30]);
    expect([1, 3, 5, 7, 30].map(spread)).toEqual([1, 1, 2, 3, 4]);
    // One busy day does not make every other day pale.
    const busy = calendarLevels([1, 1, 2, 2, 3, 3, 40]);
    expect(busy(3)).toBeGreaterThanOrEqual(3);
  });
});

describe('contribution calendar', () => {
  it('draws a square per day in weeks from Monday, each titled with its day and count, whoever it is of', () => {
    const leap = contributionCalendar(2024, new Map([['2024-02-29', 2]]), 'a').value;
    expect(leap.match(/<use /g)).toHaveLength(366);
    // A square per weekday row (y = 18 + row * 15), each day a reference to its row's square in its week's column.
    expect(leap).toContain('<rect id="a0" y="18" width="12" height="12" rx="2"/>');
    expect(leap).toContain('<rect id="a3" y="63" width="12" height="12" rx="2"/>');
    // 2024-01-01 is a Monday: the first week's first row; 29 February is in week 8 (x = 30 + 8 * 15), a Thursday.
    expect(leap).toContain('<g class="cal-0"><g transform="translate(30)"><use href="#a0"><title>Jan 1, 2024: 0 contributions</title></use>');
    expect(leap).toMatch(/<g transform="translate\(150\)">(<use href="#a\d"><title>[^<]*<\/title><\/use>){3}<use href="#a3" class="cal-[1-4]"><title>Feb 29, 2024: 2 contributions<\/title><\/use>/);
    // The year's squares are made once; another person's counts do not carry over.
    const other = contributionCalendar(2024, new Map([['2024-12-31', 1]]), 'b').value;
    expect(other).toContain('<title>Feb 29, 2024: 0 contributions</title>');
    expect(other).toContain('<title>Dec 31, 2024: 1 contribution</title>');
    expect(other).not.toContain('href="#a');
    expect(contributionCalendar(2025, new Map(), 'c').value.match(/<use /g)).toHaveLength(365);
  });
});

describe('how kinds are found', () => {
  it('lists only kinds of the rules, and says feeds find blog posts and videos', () => {
    for (const finding of Object.values(KINDS_FOUND_BY_SOURCE)) for (const kind of finding.kinds) expect(DEFAULT_CONFIG.kinds[kind], kind).toBeDefined();
    const base = { title: 't', url: 'https://x', published: null, summary: '', categories: [], enclosures: [], video: false, author: null, id: 'x', content: '' };
    expect(KINDS_FOUND_BY_SOURCE.feeds!.kinds).toContain(entryKind({ ...base, video: true } as never));
    expect(KINDS_FOUND_BY_SOURCE.feeds!.kinds).toContain(entryKind(base as never));
    expect(howFound('blogPost', true)).toMatch(/^found automatically on your linked feeds/);
    expect(howFound('talk', true)).toBe('submitted by you, reviewed by a manager');
    expect(howFound('issueTriaged', false)).toBe('recorded by the program managers or a connected system');
    expect(monthDayText('01-01')).toBe('1 January');
    expect(monthDayText('12-31')).toBe('31 December');
  });
});
