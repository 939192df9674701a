// Everything a profile shows about one person in one year: identities, status, standing,
// counted contributions by day and category.
import { CATEGORIES, emptyCategoryPoints, isCategory, type CategoryPoints } from '../../domain/categories.js';
import type { Platform } from '../../domain/identities.js';
import { findMember } from '../../store/members.js';
import { listIdentities } from '../../store/identities.js';
import { listMemberContributions } from '../../store/contributions.js';
import { queryStandings } from '../../store/standings.js';
import { memberStatuses, type MemberStatus } from '../../store/statuses.js';
import type { ContributionRow, Identity, Member } from '../../store/schema.js';
import type { WebContext } from '../context.js';
import { cycleBounds } from './public.js';

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
}

export async function loadProfile(context: WebContext, handle: string, year: number): Promise<Profile | null> {
  const member = await findMember(context.db, handle);
  if (!member || member.state === 'withdrawn') return null;
  const bounds = cycleBounds(context, year);
  const [identities, statuses, standing, contributions] = await Promise.all([
    listIdentities(context.db, member.id),
    memberStatuses(context.db, context.config, context.today(), { memberIds: [member.id] }),
    queryStandings(context.db, { from: bounds.start, to: bounds.end, memberIds: [member.id] }),
    listMemberContributions(context.db, member.id, { year, states: ['counted'] }),
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
