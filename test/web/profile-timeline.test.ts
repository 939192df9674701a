// A profile's timeline comes in pages while its totals cover the whole year: the points,
// the category chart, the count and the calendar are the year's, whatever page is shown, and
// the pages together list every counted contribution of the year once, newest first.
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { pointsText } from '../../src/domain/awards.js';
import { upsertContributions } from '../../src/store/contributions.js';
import { TIMELINE_PAGE } from '../../src/web/queries/profile.js';
import { get, webTest, type WebTest } from './support.js';

const COUNTED_2026 = 123;

async function seed(t: WebTest) {
  const alice = await t.addPerson('alice', 'ambassador', { joinedAt: '2025-01-10' });
  const day = (n: number) => new Date(Date.UTC(2026, 0, 1 + n, 10)).toISOString();
  const rows = [];
  for (let n = 0; n < COUNTED_2026; n += 1) {
    // Four posts share an instant, across the boundary of the first two pages (ties break by id).
    const occurredAt = n >= 71 && n <= 74 ? day(71) : day(n);
    rows.push({ memberId: alice.id, source: 'feeds', externalId: `post-${n}`, kind: 'blogPost', title: `Post ${n}`, url: `https://alice.example/${n}`, occurredAt, reviewState: 'counted' as const, metadata: {} });
  }
  for (let n = 0; n < 5; n += 1) {
    rows.push({ memberId: alice.id, source: 'feeds', externalId: `draft-${n}`, kind: 'blogPost', title: `Pending ${n}`, url: `https://alice.example/p${n}`, occurredAt: day(n), reviewState: 'pending' as const, metadata: {} });
  }
  for (let n = 0; n < 10; n += 1) {
    rows.push({ memberId: alice.id, source: 'feeds', externalId: `old-${n}`, kind: 'blogPost', title: `Old ${n}`, url: `https://alice.example/o${n}`, occurredAt: new Date(Date.UTC(2025, 5, 1 + n, 10)).toISOString(), reviewState: 'counted' as const, metadata: {} });
  }
  await upsertContributions(t.store.db, t.config, rows);
  return alice;
}

/** The titles a timeline page lists, in order. */
function timelineTitles(body: string): string[] {
  const section = body.slice(body.indexOf('id="timeline-title"'), body.indexOf('id="badge-title"'));
  return [...section.matchAll(/>((?:Post|Pending|Old) \d+)</g)].map((match) => match[1]!);
}

describe('profile timeline pages', () => {
  let t: WebTest;
  afterEach(() => t.close());

  it('lists the year in pages, newest first, under totals of the whole year', async () => {
    t = await webTest();
    const alice = await seed(t);
    const expected = await sql<{ title: string; points: string }>`
      select title, points from contributions
      where member_id = ${alice.id} and review_state = 'counted' and occurred_at >= '2026-01-01' and occurred_at < '2027-01-01'
      order by occurred_at desc, id desc`.execute(t.store.db);
    expect(expected.rows).toHaveLength(COUNTED_2026);
    const total = expected.rows.reduce((sum, row) => sum + Number(row.points), 0);

    const pages = Math.ceil(COUNTED_2026 / TIMELINE_PAGE);
    const seen: string[] = [];
    for (let page = 1; page <= pages; page += 1) {
      const response = await get(t.app, null, `/ambassadors/alice?year=2026${page > 1 ? `&page=${page}` : ''}`);
      expect(response.statusCode, `page ${page}`).toBe(200);
      const titles = timelineTitles(response.body);
      expect(titles.length, `page ${page}`).toBe(page < pages ? TIMELINE_PAGE : COUNTED_2026 - (pages - 1) * TIMELINE_PAGE);
      seen.push(...titles);
      // The totals are the year's on every page.
      expect(response.body).toContain(`<dt>Counted contributions in 2026</dt><dd>${COUNTED_2026}</dd>`);
      expect(response.body).toContain(`${pointsText(total)} in 2026`);
      // The oldest post (on the last page only) is in the calendar of every page.
      expect(response.body).toContain('Jan 1, 2026: 1 contribution<');
      expect(response.body).toContain('Mar 13, 2026: 4 contributions<');
      const first = (page - 1) * TIMELINE_PAGE + 1;
      expect(response.body).toContain(`Contributions ${first}–${first + titles.length - 1} of ${COUNTED_2026}`);
      if (page < pages) expect(response.body).toMatch(new RegExp(`href="/ambassadors/alice\\?year=2026&(amp;)?page=${page + 1}" rel="next"`));
      else expect(response.body).not.toContain('rel="next"');
    }
    expect(seen).toEqual(expected.rows.map((row) => row.title));

    for (const page of ['4', '0', 'x', '99999999']) {
      const response = await get(t.app, null, `/ambassadors/alice?year=2026&page=${page}`);
      expect(response.statusCode, page).toBe(404);
    }
    expect((await get(t.app, null, '/ambassadors/alice?year=2026&page=4')).body).toContain(`the ${COUNTED_2026} counted contributions of 2026 fit on 3 pages`);
    // Another year: its own rows, one page, no pager.
    const old = await get(t.app, null, '/ambassadors/alice?year=2025');
    expect(timelineTitles(old.body)).toHaveLength(10);
    expect(old.body).not.toContain('aria-label="Pages"');
    expect(old.body).toContain('<dt>Counted contributions in 2025</dt><dd>10</dd>');
  });

  it('counts the whole year by category when scores are private', async () => {
    t = await webTest({ config: { visibility: { scores: 'private' } } });
    await seed(t);
    const response = await get(t.app, null, '/ambassadors/alice?year=2026&page=3');
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain(`Content: ${COUNTED_2026} contributions`);
    expect(response.body).not.toContain(' pts');
  });
});
