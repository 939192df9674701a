import { describe, expect, it } from 'vitest';
import { awardCycle, computeAwards, cycleTiming, plural, pointsText, type Candidate } from '../../src/domain/awards.js';
import { rankStandings } from '../../src/domain/leaderboard.js';
import { emptyCategoryPoints } from '../../src/domain/categories.js';
import { configWith } from './fixtures.js';

const awards = configWith({ awards: { topN: 3 } }).awards;

function candidate(memberId: number, handle: string, points: Partial<Record<string, number>>, over: Partial<Candidate> = {}): Candidate {
  const categories = { ...emptyCategoryPoints(), ...points };
  return {
    memberId,
    handle,
    name: handle.toUpperCase(),
    points: Object.values(categories).reduce((a, b) => a + b, 0),
    categories,
    contributions: 3,
    lastContributionAt: '2026-06-01T00:00:00.000Z',
    isStaff: false,
    isBot: false,
    state: 'registered',
    activeAtCycleEnd: true,
    kindCounts: { 'merged pull request': 3 },
    ...over,
  };
}

describe('award cycle', () => {
  it('is the calendar year by default and follows the configured dates', () => {
    expect(awardCycle(awards, 2026)).toEqual({ year: 2026, start: '2026-01-01', end: '2026-12-31' });
    const program = configWith({ awards: { cycle: { start: '02-01', end: '12-31', review: 'January', announcement: 'February' } } }).awards;
    expect(awardCycle(program, 2026)).toEqual({ year: 2026, start: '2026-02-01', end: '2026-12-31' });
    const leap = configWith({ awards: { cycle: { start: '01-01', end: '02-29' } } }).awards;
    expect(awardCycle(leap, 2026).end).toBe('2026-02-28');
  });
});

describe('awards', () => {
  const cycle = awardCycle(awards, 2026);
  const people = [
    candidate(1, 'ada', { code: 120, content: 20 }),
    candidate(2, 'bob', { events: 150 }),
    candidate(3, 'cy', { documentation: 90 }),
    candidate(4, 'staffer', { code: 500 }, { isStaff: true }),
    candidate(5, 'botty', { code: 400 }, { isBot: true }),
    candidate(6, 'gone', { education: 300 }, { state: 'suspended' }),
    candidate(7, 'dee', { education: 40, leadership: 20 }),
  ];

  it('names the top N eligible people and the category winners with citations', () => {
    const results = computeAwards(awards, cycle, ['2019-01-01.abc'], people);
    expect(results.topAmbassadors.map((e) => [e.rank, e.handle, e.points])).toEqual([
      [1, 'bob', 150],
      [2, 'ada', 140],
      [3, 'cy', 90],
    ]);
    expect(results.topAmbassadors[1]!.citation).toBe(
      'Top Ambassador 2026, rank 2: 140 points across 2 categories, including 3 merged pull requests.',
    );
    expect(results.categoryWinners.code?.handle).toBe('ada');
    expect(results.categoryWinners.education?.handle).toBe('dee');
    expect(results.categoryWinners.leadership?.handle).toBe('dee');
    expect(results.categoryWinners.education?.citation).toMatch(/^Education award 2026, 40 points in education: /);
    expect(results.eligibleCount).toBe(4);
    expect(results.ineligible.map(({ handle, reason, kind }) => ({ handle, reason, kind }))).toEqual([
      { handle: 'botty', reason: 'bot account', kind: 'bot' },
      { handle: 'gone', reason: 'membership suspended', kind: 'membership' },
      { handle: 'staffer', reason: 'program staff', kind: 'staff' },
    ]);
    // Nobody goes missing silently: each excluded person keeps their place on the leaderboard.
    const staffer = results.ineligible.find((e) => e.handle === 'staffer')!;
    expect(staffer.rank).toBe(rankStandings(people).find((s) => s.handle === 'staffer')!.rank);
    expect(staffer.points).toBe(people.find((p) => p.handle === 'staffer')!.points);
    expect(results.recognisedCount).toBe(people.filter((p) => !p.isBot && p.points > 0).length);
  });

  it('says how many days of the cycle remain, and when it has ended', () => {
    expect(cycleTiming(cycle, '2026-12-01')).toEqual({ ended: false, daysRemaining: 31 });
    expect(cycleTiming(cycle, '2026-12-31')).toEqual({ ended: false, daysRemaining: 1 });
    expect(cycleTiming(cycle, '2027-01-01')).toEqual({ ended: true, daysRemaining: 0 });
  });

  it('writes points with the right plural', () => {
    expect(pointsText(1)).toBe('1 point');
    expect(pointsText(2)).toBe('2 points');
    expect(pointsText(1.5)).toBe('1.50 points');
    expect(pointsText(1200)).toBe('1,200 points');
  });

  it('gives the same input hash for the same inputs in any order, and another for any change', () => {
    const a = computeAwards(awards, cycle, ['v1'], people);
    const b = computeAwards(awards, cycle, ['v1'], [...people].reverse());
    expect(b.inputHash).toBe(a.inputHash);
    expect(b).toEqual(a);
    const changed = computeAwards(awards, cycle, ['v1'], people.map((p) => (p.handle === 'cy' ? { ...p, points: 91 } : p)));
    expect(changed.inputHash).not.toBe(a.inputHash);
    expect(computeAwards(awards, cycle, ['v2'], people).inputHash).not.toBe(a.inputHash);
  });

  it('can require activity at the end of the cycle', () => {
    const strict = configWith({ awards: { topN: 3, eligibility: { requireActiveAtCycleEnd: true } } }).awards;
    const results = computeAwards(strict, cycle, ['v1'], people.map((p) => (p.handle === 'bob' ? { ...p, activeAtCycleEnd: false } : p)));
    expect(results.topAmbassadors.map((e) => e.handle)).toEqual(['ada', 'cy', 'dee']);
  });

  it('pluralises kind labels for citations', () => {
    expect(plural('talk')).toBe('talks');
    expect(plural('answer')).toBe('answers');
    expect(plural('extension release')).toBe('extension releases');
    expect(plural('podcast episode')).toBe('podcast episodes');
  });
});
