import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CATEGORIES, emptyCategoryPoints } from '../../src/domain/categories.js';
import { compareStandings, rankCategory, rankStandings, tallyStandings, type Standing } from '../../src/domain/leaderboard.js';

const standing = (over: Partial<Standing> & { handle: string }): Standing => ({
  memberId: over.handle.length,
  name: over.handle,
  points: 0,
  categories: emptyCategoryPoints(),
  contributions: 1,
  lastContributionAt: '2026-06-01T00:00:00.000Z',
  ...over,
});

describe('leaderboard ranking', () => {
  it('breaks ties by breadth, then count, then who got there first, then handle', () => {
    const wide = standing({ handle: 'wide', points: 50, categories: { ...emptyCategoryPoints(), code: 25, content: 25 } });
    const narrow = standing({ handle: 'narrow', points: 50, categories: { ...emptyCategoryPoints(), code: 50 }, contributions: 9 });
    const busy = standing({ handle: 'busy', points: 50, categories: { ...emptyCategoryPoints(), code: 50 }, contributions: 10 });
    const early = standing({ handle: 'early', points: 50, categories: { ...emptyCategoryPoints(), code: 50 }, contributions: 9, lastContributionAt: '2026-01-01T00:00:00.000Z' });
    const alpha = standing({ handle: 'Alpha', points: 50, categories: { ...emptyCategoryPoints(), code: 50 }, contributions: 9 });
    const top = standing({ handle: 'zed', points: 51, categories: { ...emptyCategoryPoints(), code: 51 } });
    const ranked = rankStandings([narrow, alpha, early, busy, wide, top]);
    expect(ranked.map((r) => [r.rank, r.handle])).toEqual([
      [1, 'zed'],
      [2, 'wide'],
      [3, 'busy'],
      [4, 'early'],
      [5, 'Alpha'],
      [6, 'narrow'],
    ]);
  });

  const standingArb = fc.record({
    handle: fc.stringMatching(/^[a-z][a-z0-9]{1,8}$/),
    code: fc.integer({ min: 0, max: 5 }),
    content: fc.integer({ min: 0, max: 5 }),
    contributions: fc.integer({ min: 1, max: 4 }),
    day: fc.integer({ min: 1, max: 3 }),
  });
  const listArb = fc.uniqueArray(standingArb, { selector: (s) => s.handle.toLowerCase(), maxLength: 30 }).map((list) =>
    list.map((s, index) =>
      standing({
        memberId: index + 1,
        handle: s.handle,
        points: s.code + s.content,
        categories: { ...emptyCategoryPoints(), code: s.code, content: s.content },
        contributions: s.contributions,
        lastContributionAt: `2026-01-0${s.day}T00:00:00.000Z`,
      }),
    ),
  );

  it('gives the same ranks whatever the input order (property)', () => {
    fc.assert(
      fc.property(listArb, fc.integer(), (list, seed) => {
        const shuffled = [...list].sort((a, b) => ((a.memberId * 7919 + seed) % 97) - ((b.memberId * 7919 + seed) % 97));
        expect(rankStandings(shuffled).map((r) => r.handle)).toEqual(rankStandings(list).map((r) => r.handle));
      }),
    );
  });

  it('ranks 1..n with points never increasing, and the order is total (property)', () => {
    fc.assert(
      fc.property(listArb, (list) => {
        const ranked = rankStandings(list);
        ranked.forEach((row, index) => {
          expect(row.rank).toBe(index + 1);
          if (index > 0) {
            expect(ranked[index - 1]!.points).toBeGreaterThanOrEqual(row.points);
            expect(compareStandings(ranked[index - 1]!, row)).toBeLessThan(0);
          }
        });
      }),
    );
  });

  it('ranks a category by its own points, leaving out people without any', () => {
    const a = standing({ handle: 'aa', memberId: 1, points: 90, categories: { ...emptyCategoryPoints(), code: 80, content: 10 } });
    const b = standing({ handle: 'bb', memberId: 2, points: 40, categories: { ...emptyCategoryPoints(), content: 40 } });
    const c = standing({ handle: 'cc', memberId: 3, points: 5, categories: { ...emptyCategoryPoints(), code: 5 } });
    expect(rankCategory([a, b, c], 'content').map((r) => [r.rank, r.handle])).toEqual([
      [1, 'bb'],
      [2, 'aa'],
    ]);
  });

  it('tallies counted contributions into standings per category', () => {
    const standings = tallyStandings(
      [
        { memberId: 1, handle: 'a', name: 'A' },
        { memberId: 2, handle: 'b', name: 'B' },
      ],
      [
        { memberId: 1, category: 'code', points: 10, occurredAt: '2026-02-01T10:00:00Z' },
        { memberId: 1, category: 'events', points: 30.5, occurredAt: '2026-03-01T10:00:00Z' },
        { memberId: 3, category: 'code', points: 99, occurredAt: '2026-03-01T10:00:00Z' },
      ],
    );
    expect(standings).toEqual([
      {
        memberId: 1,
        handle: 'a',
        name: 'A',
        points: 40.5,
        categories: { ...emptyCategoryPoints(), code: 10, events: 30.5 },
        contributions: 2,
        lastContributionAt: '2026-03-01T10:00:00.000Z',
      },
    ]);
    expect(CATEGORIES).toHaveLength(6);
  });
});
