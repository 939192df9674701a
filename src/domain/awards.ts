// The annual Ambassador Awards as a pure computation: from the standings of the award cycle
// and each person's eligibility to the Top Ambassadors, the category winners and their
// citations. The input hash covers everything the result depends on, so recomputing an
// unchanged year gives the same hash, and any change to the inputs shows.
import { createHash } from 'node:crypto';
import { CATEGORIES, CATEGORY_LABELS, type Category } from './categories.js';
import type { AwardsConfig } from './config-schema.js';
import { daysBetween, daysInMonth, type IsoDate } from './dates.js';
import { categoriesWithPoints, rankCategory, rankStandings, type Standing } from './leaderboard.js';
import { canonicalJson } from './rules.js';

export interface AwardCycle {
  year: number;
  start: IsoDate;
  /** inclusive */
  end: IsoDate;
}

export function awardCycle(awards: AwardsConfig, year: number): AwardCycle {
  const at = (monthDay: string) => {
    const [month, day] = monthDay.split('-').map(Number) as [number, number];
    const clamped = Math.min(day, daysInMonth(year, month));
    return `${year}-${String(month).padStart(2, '0')}-${String(clamped).padStart(2, '0')}`;
  };
  return { year, start: at(awards.cycle.start), end: at(awards.cycle.end) };
}

export interface Candidate extends Standing {
  isStaff: boolean;
  isBot: boolean;
  state: 'registered' | 'suspended' | 'withdrawn';
  activeAtCycleEnd: boolean;
  /** Counted contributions in the cycle by kind label, for citations: { "merged pull request": 12 }. */
  kindCounts: Record<string, number>;
}

export interface AwardEntry {
  rank: number;
  memberId: number;
  handle: string;
  name: string;
  points: number;
  categories: Standing['categories'];
  citation: string;
}

export interface IneligibleEntry {
  handle: string;
  reason: string;
  /** Added in 2026: where they stood on the year's leaderboard, and what kind of reason. */
  name?: string;
  rank?: number;
  points?: number;
  /** staff and bot reasons are public; membership and activity reasons stay with managers. */
  kind?: 'staff' | 'bot' | 'membership' | 'points' | 'activity';
}

export interface AwardResults {
  year: number;
  cycle: AwardCycle;
  rulesVersions: string[];
  inputHash: string;
  topAmbassadors: AwardEntry[];
  categoryWinners: Partial<Record<Category, AwardEntry>>;
  eligibleCount: number;
  ineligible: IneligibleEntry[];
  /** Everyone with counted contributions in the cycle (bots aside): the people recognised. Absent in snapshots before 2026. */
  recognisedCount?: number;
}

/** Where a date stands in a year's cycle: the awards are final only after its last day. */
export function cycleTiming(cycle: AwardCycle, today: IsoDate): { ended: boolean; daysRemaining: number } {
  const remaining = daysBetween(today, cycle.end);
  return { ended: remaining < 0, daysRemaining: Math.max(0, remaining + 1) };
}

export function ineligibilityReason(awards: AwardsConfig, candidate: Candidate): string | null {
  return ineligibility(awards, candidate)?.reason ?? null;
}

function ineligibility(awards: AwardsConfig, candidate: Candidate): { reason: string; kind: NonNullable<IneligibleEntry['kind']> } | null {
  const rules = awards.eligibility;
  if (candidate.state !== 'registered') return { reason: `membership ${candidate.state}`, kind: 'membership' };
  if (rules.excludeBots && candidate.isBot) return { reason: 'bot account', kind: 'bot' };
  if (rules.excludeStaff && candidate.isStaff) return { reason: 'program staff', kind: 'staff' };
  if (candidate.points < rules.minPoints) return { reason: `fewer than ${pointsText(rules.minPoints)}`, kind: 'points' };
  if (rules.requireActiveAtCycleEnd && !candidate.activeAtCycleEnd) return { reason: 'not active at the end of the cycle', kind: 'activity' };
  return null;
}

/** "1 point", "2 points", "1.5 points". */
export function pointsText(points: number): string {
  const figure = Number.isInteger(points) ? points.toLocaleString('en-US') : points.toFixed(2);
  return `${figure} ${points === 1 ? 'point' : 'points'}`;
}

export function computeAwards(
  awards: AwardsConfig,
  cycle: AwardCycle,
  rulesVersions: string[],
  candidates: Candidate[],
): AwardResults {
  const inputHash = awardInputHash(awards, cycle, rulesVersions, candidates);
  const eligible = candidates.filter((candidate) => ineligibilityReason(awards, candidate) === null);
  const overallRank = new Map(rankStandings(candidates).map((standing) => [standing.memberId, standing.rank]));
  const ineligible: IneligibleEntry[] = candidates
    .flatMap((candidate) => {
      const why = ineligibility(awards, candidate);
      return why
        ? [{ handle: candidate.handle, reason: why.reason, kind: why.kind, name: candidate.name, rank: overallRank.get(candidate.memberId), points: candidate.points }]
        : [];
    })
    .sort((a, b) => a.handle.localeCompare(b.handle));
  const byId = new Map(candidates.map((candidate) => [candidate.memberId, candidate]));

  const topAmbassadors = rankStandings(eligible)
    .slice(0, awards.topN)
    .map((standing) => entry(standing.rank, byId.get(standing.memberId)!, topCitation(cycle, standing.rank)));

  const categoryWinners: AwardResults['categoryWinners'] = {};
  if (awards.categoryWinners) {
    for (const category of CATEGORIES) {
      const winner = rankCategory(eligible, category)[0];
      if (winner) {
        const candidate = byId.get(winner.memberId)!;
        categoryWinners[category] = entry(1, candidate, categoryCitation(cycle, category, candidate));
      }
    }
  }
  return {
    year: cycle.year,
    cycle,
    rulesVersions,
    inputHash,
    topAmbassadors,
    categoryWinners,
    eligibleCount: eligible.length,
    ineligible,
    recognisedCount: candidates.filter((candidate) => !candidate.isBot && candidate.points > 0).length,
  };
}

function entry(rank: number, candidate: Candidate, citation: string): AwardEntry {
  return {
    rank,
    memberId: candidate.memberId,
    handle: candidate.handle,
    name: candidate.name,
    points: candidate.points,
    categories: candidate.categories,
    citation: `${citation}${describeWork(candidate)}`,
  };
}

function topCitation(cycle: AwardCycle, rank: number): string {
  return `Top Ambassador ${cycle.year}, rank ${rank}: `;
}

function categoryCitation(cycle: AwardCycle, category: Category, candidate: Candidate): string {
  return `${CATEGORY_LABELS[category]} award ${cycle.year}, ${pointsText(candidate.categories[category])} in ${CATEGORY_LABELS[category].toLowerCase()}: `;
}

function describeWork(candidate: Candidate): string {
  const breadth = categoriesWithPoints(candidate.categories);
  const kinds = Object.entries(candidate.kindCounts)
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .slice(0, 4)
    .map(([label, count]) => `${count} ${count === 1 ? label : plural(label)}`);
  const scope = `${pointsText(candidate.points)} across ${breadth} ${breadth === 1 ? 'category' : 'categories'}`;
  return kinds.length > 0 ? `${scope}, including ${kinds.join(', ')}.` : `${scope}.`;
}

export function plural(label: string): string {
  if (/(s|sh|ch|x)$/.test(label)) return `${label}es`;
  if (/[^aeiou]y$/.test(label)) return `${label.slice(0, -1)}ies`;
  return `${label}s`;
}

export function awardInputHash(
  awards: AwardsConfig,
  cycle: AwardCycle,
  rulesVersions: string[],
  candidates: Candidate[],
): string {
  const ordered = [...candidates].sort((a, b) => a.memberId - b.memberId);
  return createHash('sha256')
    .update(canonicalJson({ awards, cycle, rulesVersions, candidates: ordered }))
    .digest('hex');
}
