// Everything a profile shows about one person in one year: identities, status, standing,
// counted contributions by day and category.
import { CATEGORIES, emptyCategoryPoints, isCategory, type CategoryPoints } from '../../domain/categories.js';
import type { Platform } from '../../domain/identities.js';
import { sql } from 'kysely';
import { memberAwards, type MemberAward } from '../../store/awards.js';
import { listIdentities } from '../../store/identities.js';
import { listMemberContributions } from '../../store/contributions.js';
import { queryStandings } from '../../store/standings.js';
import { memberStatuses, type MemberStatus } from '../../store/statuses.js';
import type { ContributionRow, Identity, Member, MemberSettings } from '../../store/schema.js';
import type { WebContext } from '../context.js';
import { memberSettings } from '../public/privacy.js';
import { cycleBounds, FIRST_COUNTED, yearsSince } from './public.js';

export interface Profile {
  member: Member;
  identities: Identity[];
  status: MemberStatus | undefined;
  rank: number | null;
  ranked: number;
  year: number;
  contributions: ContributionRow[];
  categories: CategoryPoints;
  points: number;
  byDay: Map<string, number>;
  settings: Omit<MemberSettings, 'member_id' | 'updated_at'>;
  awards: MemberAward[];
}

/**
 * The member a profile is of (any state; none for an unknown handle) and the years there is
 * data for, in one round trip: the first thing a profile needs, before it knows the year.
 */
export async function findProfileMember(context: WebContext, handle: string): Promise<{ member: Member | undefined; years: number[] }> {
  const result = await sql<Member & { first_counted: Date | null }>`
    select m.*, f.first_counted
    from (select ${FIRST_COUNTED} as first_counted) f
    left join members m on lower(m.handle) = ${handle.toLowerCase()}`.execute(context.db);
  const { first_counted: first, ...member } = result.rows[0]!;
  return { member: member.id === null ? undefined : (member as Member), years: yearsSince(context, first) };
}

/** Everything the profile of `member` shows for `year`, read in one round of parallel queries. */
export async function loadProfile(context: WebContext, member: Member | undefined, year: number): Promise<Profile | null> {
  if (!member || member.state === 'withdrawn') return null;
  const bounds = cycleBounds(context, year);
  const [identities, statuses, standing, contributions, settings, awards] = await Promise.all([
    listIdentities(context.db, member.id),
    memberStatuses(context.db, context.config, context.today(), { memberIds: [member.id] }),
    queryStandings(context.db, { from: bounds.start, to: bounds.end, memberIds: [member.id] }),
    listMemberContributions(context.db, member.id, { year, states: ['counted'] }),
    memberSettings(context.db, member.id),
    memberAwards(context.db, member.id),
  ]);
  const categories = emptyCategoryPoints();
  const byDay = new Map<string, number>();
  let points = 0;
  for (const row of contributions) {
    if (isCategory(row.category)) categories[row.category] += row.points;
    points += row.points;
    const day = row.occurred_at.toISOString().slice(0, 10);
    byDay.set(day, (byDay.get(day) ?? 0) + 1);
  }
  for (const category of CATEGORIES) categories[category] = Math.round(categories[category] * 100) / 100;
  const row = standing.rows[0];
  return {
    member,
    identities,
    status: statuses[0],
    rank: row?.rank ?? null,
    ranked: standing.total,
    year,
    contributions,
    categories,
    points: Math.round(points * 100) / 100,
    byDay,
    settings,
    awards,
  };
}

export function identityUrl(platform: string, externalId: string): string | null {
  switch (platform as Platform) {
    case 'github':
      return `https://github.com/${encodeURIComponent(externalId)}`;
    case 'stackexchange':
      return `https://magento.stackexchange.com/users/${encodeURIComponent(externalId)}`;
    case 'devto':
      return `https://dev.to/${encodeURIComponent(externalId)}`;
    case 'packagist':
      return `https://packagist.org/packages/${encodeURIComponent(externalId)}/`;
    case 'feed':
    case 'ical':
      return externalId;
    case 'discourse': {
      const split = externalId.lastIndexOf(':');
      return `${externalId.slice(0, split)}/u/${encodeURIComponent(externalId.slice(split + 1))}`;
    }
    default:
      return null;
  }
}

/** The rank of a member in a year, for the badge (cheap: reuses the standings query). */
export async function yearRank(context: WebContext, memberId: number, year: number): Promise<number | null> {
  const bounds = cycleBounds(context, year);
  const standing = await queryStandings(context.db, { from: bounds.start, to: bounds.end, memberIds: [memberId] });
  return standing.rows[0]?.rank ?? null;
}
