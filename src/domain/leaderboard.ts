// Standings for a period and the order that ranks them. The order is total and documented,
// so ranks never depend on the database's row order:
//   1. more points;
//   2. points in more categories (breadth of contribution);
//   3. more counted contributions;
//   4. reached the total earlier (earlier last counted contribution);
//   5. handle, alphabetically (case-insensitive), as the final, arbitrary but stable key.
import { CATEGORIES, emptyCategoryPoints, isCategory, type Category, type CategoryPoints } from './categories.js';

export interface Standing {
  memberId: number;
  handle: string;
  name: string;
  points: number;
  categories: CategoryPoints;
  contributions: number;
  /** ISO instant of the last counted contribution in the period. */
  lastContributionAt: string | null;
}

export interface RankedStanding extends Standing {
  rank: number;
}

export const TIE_BREAK_DESCRIPTION = [
  'more points',
  'points in more categories',
  'more counted contributions',
  'reached the total earlier (earlier last contribution)',
  'handle in alphabetical order',
];

const round = (value: number) => Math.round(value * 100) / 100;

export function categoriesWithPoints(categories: CategoryPoints): number {
  return CATEGORIES.filter((category) => categories[category] > 0).length;
}

export function compareStandings(a: Standing, b: Standing): number {
  return (
    b.points - a.points ||
    categoriesWithPoints(b.categories) - categoriesWithPoints(a.categories) ||
    b.contributions - a.contributions ||
    compareInstants(a.lastContributionAt, b.lastContributionAt) ||
    compareHandles(a.handle, b.handle)
  );
}

function compareInstants(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return new Date(a).getTime() - new Date(b).getTime();
}

export function compareHandles(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

export function rankStandings(standings: Standing[]): RankedStanding[] {
  return [...standings].sort(compareStandings).map((standing, index) => ({ ...standing, rank: index + 1 }));
}

/** Ranks by one category's points, with the same tie-breaks applied to that category. */
export function rankCategory(standings: Standing[], category: Category): RankedStanding[] {
  const focused = standings
    .filter((standing) => standing.categories[category] > 0)
    .map((standing) => ({ standing, view: { ...standing, points: standing.categories[category] } }));
  focused.sort((a, b) => compareStandings(a.view, b.view));
  return focused.map(({ standing }, index) => ({ ...standing, rank: index + 1 }));
}

/**
 * A category's leaderboard: its points, and ties broken within the category (its counted
 * contributions, its last one), from the period's counted contributions. The maintained
 * standings (store/standings.ts) rank categories this way.
 */
export function rankWithinCategory(
  members: { memberId: number; handle: string; name: string }[],
  contributions: CountedContribution[],
  category: Category,
): RankedStanding[] {
  const own = tallyStandings(members, contributions.filter((c) => c.category === category)).filter((s) => s.points > 0);
  return rankStandings(own);
}

export interface CountedContribution {
  memberId: number;
  category: string;
  points: number;
  occurredAt: string | Date;
}

/** Builds standings from counted contributions of a period: the reference the store's SQL must match. */
export function tallyStandings(
  members: { memberId: number; handle: string; name: string }[],
  contributions: CountedContribution[],
): Standing[] {
  const byMember = new Map<number, Standing>();
  for (const member of members) {
    byMember.set(member.memberId, {
      ...member,
      points: 0,
      categories: emptyCategoryPoints(),
      contributions: 0,
      lastContributionAt: null,
    });
  }
  for (const contribution of contributions) {
    const standing = byMember.get(contribution.memberId);
    if (!standing || !isCategory(contribution.category)) continue;
    const at = new Date(contribution.occurredAt).toISOString();
    standing.points = round(standing.points + contribution.points);
    standing.categories[contribution.category] = round(standing.categories[contribution.category] + contribution.points);
    standing.contributions += 1;
    if (standing.lastContributionAt === null || at > standing.lastContributionAt) standing.lastContributionAt = at;
  }
  return [...byMember.values()].filter((standing) => standing.contributions > 0);
}
