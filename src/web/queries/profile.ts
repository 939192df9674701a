// Everything a profile shows about one person in one year: identities, status, standing,
// counted contributions by day and category.
import { CATEGORIES, emptyCategoryPoints, isCategory, type CategoryPoints } from '../../domain/categories.js';
import type { Platform } from '../../domain/identities.js';
import { sql } from 'kysely';
import { memberAwards, type MemberAward } from '../../store/awards.js';
import { listMemberContributions } from '../../store/contributions.js';
import { queryStandings } from '../../store/standings.js';
import { memberStatuses, type MemberStatus } from '../../store/statuses.js';
import type { ContributionRow, Member, MemberSettings, ProfileLink } from '../../store/schema.js';
import type { WebContext } from '../context.js';
import { DEFAULT_SETTINGS } from '../public/privacy.js';
import { cycleBounds, FIRST_COUNTED, yearsSince } from './public.js';

/** What a profile shows of an identity: the verified ones only. */
export interface VerifiedIdentity {
  platform: string;
  external_id: string;
}

/** The privacy settings a profile applies (the defaults when the member has none saved). */
export type ProfileSettings = Pick<MemberSettings, 'links' | 'hide_country' | 'hide_company'>;

export interface ProfileMember {
  /** Any state; none for an unknown handle. */
  member: Member | undefined;
  /** The years there is data for, newest first. */
  years: number[];
  verifiedIdentities: VerifiedIdentity[];
  settings: ProfileSettings;
}

export interface Profile {
  member: Member;
  verifiedIdentities: VerifiedIdentity[];
  status: MemberStatus | undefined;
  rank: number | null;
  ranked: number;
  year: number;
  contributions: ContributionRow[];
  categories: CategoryPoints;
  points: number;
  byDay: Map<string, number>;
  settings: ProfileSettings;
  awards: MemberAward[];
}

/**
 * The member a profile is of, with their verified identities and privacy settings, and the
 * years there is data for: the first things a profile needs, before it knows the year, in one
 * round trip (every query of a page costs a round trip to the database and back).
 */
export async function findProfileMember(context: WebContext, handle: string): Promise<ProfileMember> {
  const result = await sql<Member & { first_counted: Date | null; settings_of: number | null; settings_links: ProfileLink[] | null; settings_hide_country: boolean | null; settings_hide_company: boolean | null; verified_identities: string | null }>`
    select m.*, f.first_counted,
           s.member_id as settings_of, s.links as settings_links, s.hide_country as settings_hide_country, s.hide_company as settings_hide_company,
           (select json_agg(json_build_array(i.platform, i.external_id) order by i.platform, i.id)::text
            from identities i where i.member_id = m.id and i.verified_at is not null) as verified_identities
    from (select ${FIRST_COUNTED} as first_counted) f
    left join members m on lower(m.handle) = ${handle.toLowerCase()}
    left join member_settings s on s.member_id = m.id`.execute(context.db);
  const {
    first_counted: first,
    settings_of: settingsOf,
    settings_links: links,
    settings_hide_country: hideCountry,
    settings_hide_company: hideCompany,
    verified_identities: identities,
    ...member
  } = result.rows[0]!;
  return {
    member: member.id === null ? undefined : (member as Member),
    years: yearsSince(context, first),
    verifiedIdentities: (JSON.parse(identities ?? '[]') as [string, string][]).map(([platform, externalId]) => ({ platform, external_id: externalId })),
    settings:
      settingsOf === null
        ? { links: DEFAULT_SETTINGS.links, hide_country: DEFAULT_SETTINGS.hide_country, hide_company: DEFAULT_SETTINGS.hide_company }
        : { links: links!, hide_country: hideCountry!, hide_company: hideCompany! },
  };
}

/** Everything the profile of `found` shows for `year`, read in one round of parallel queries. */
export async function loadProfile(context: WebContext, found: ProfileMember, year: number): Promise<Profile | null> {
  const member = found.member;
  if (!member || member.state === 'withdrawn') return null;
  const bounds = cycleBounds(context, year);
  const [statuses, standing, contributions, awards] = await Promise.all([
    memberStatuses(context.db, context.config, context.today(), { memberIds: [member.id] }),
    queryStandings(context.db, { from: bounds.start, to: bounds.end, memberIds: [member.id] }),
    listMemberContributions(context.db, member.id, { year, states: ['counted'] }),
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
    verifiedIdentities: found.verifiedIdentities,
    status: statuses[0],
    rank: row?.rank ?? null,
    ranked: standing.total,
    year,
    contributions,
    categories,
    points: Math.round(points * 100) / 100,
    byDay,
    settings: found.settings,
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
