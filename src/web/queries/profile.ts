// Everything a profile shows about one person in one year: identities, status, standing,
// counted contributions by day and category.
import { CATEGORIES, emptyCategoryPoints, isCategory, type CategoryPoints } from '../../domain/categories.js';
import type { Platform } from '../../domain/identities.js';
import { sql } from 'kysely';
import { awardsInSnapshot, type MemberAward, type SnapshotAwards } from '../../store/awards.js';
import { memberOverallRank, overallRankColumn, overallRankOf, type OverallRank } from '../../store/standings.js';
import { lastCountedOfM, STATE_CHANGES_OF_M, statusFromFacts, statusUntil, type MemberStatus } from '../../store/statuses.js';
import { PREPARED } from '../../store/prepared.js';
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
  /** The year the contributions are of. */
  year: number;
  verifiedIdentities: VerifiedIdentity[];
  settings: ProfileSettings;
  /** Status today; none for an unknown handle or a bot (as memberStatuses). */
  status: MemberStatus | undefined;
  /** One page of the year's counted contributions, newest first (TIMELINE_PAGE of them). */
  contributions: ProfileContribution[];
  /** The year's counted contributions: points and how many per category, how many per day (UTC). */
  yearTotals: YearTotals;
  /** The published award snapshots, newest year first (what the member's awards are read from). */
  published: SnapshotAwards[];
  /** The member's overall rank in `year`, when the year is a cycle of the maintained standings. */
  rank: OverallRank | null;
}

/** What a profile sums up of a year's counted contributions (every one, not only the page shown). */
export interface YearTotals {
  /** Per category: the points and the number of contributions. */
  categories: { category: string; points: number; count: number }[];
  /** Counted contributions per day (YYYY-MM-DD, UTC). */
  byDay: Map<string, number>;
}

/** Timeline entries per profile page. */
export const TIMELINE_PAGE = 50;

export interface Profile {
  member: Member;
  verifiedIdentities: VerifiedIdentity[];
  status: MemberStatus | undefined;
  rank: number | null;
  ranked: number;
  year: number;
  /** The page of the timeline asked for, newest first. */
  contributions: ProfileContribution[];
  /** The year's counted contributions (all pages). */
  contributionCount: number;
  /** How many of those per category. */
  categoryCounts: CategoryPoints;
  categories: CategoryPoints;
  points: number;
  byDay: Map<string, number>;
  settings: ProfileSettings;
  awards: MemberAward[];
}

/** What the timeline, chart and calendar show of a counted contribution. */
export type ProfileContribution = Pick<ContributionRow, 'id' | 'kind' | 'category' | 'title' | 'url' | 'occurred_at' | 'points' | 'explanation'>;

/** A contribution as the profile statement sends it: id, kind, category, title, url, occurred_at (ISO), points, explanation. */
type PackedContribution = [number, string, string, string, string | null, string, number, string];

/** A published snapshot as the profile statement sends it: year, revision, published at (ISO), results. */
type PackedSnapshot = [number, number, string | null, unknown];

/**
 * The member a profile is of, with their verified identities, privacy settings, the facts of
 * their status, the years there is data for, one page of their counted contributions in `year`
 * with the year's totals (per category and per day, summed by the database: a profile costs
 * what it shows, however many contributions the year holds), their overall rank in `year` and
 * the published awards: all a profile needs, in one round trip (every query of a page costs a
 * round trip and a plan; this one is prepared once per connection).
 */
export async function findProfileMember(context: WebContext, handle: string, year: number, page = 1): Promise<ProfileMember> {
  const at = context.today();
  const bounds = cycleBounds(context, year);
  const yearRows = sql`c.member_id = m.id and c.review_state = 'counted'
              and c.occurred_at >= ${new Date(Date.UTC(year, 0, 1))} and c.occurred_at < ${new Date(Date.UTC(year + 1, 0, 1))}`;
  const result = await sql<Member & { first_counted: Date | null; settings_of: number | null; settings_links: ProfileLink[] | null; settings_hide_country: boolean | null; settings_hide_company: boolean | null; verified_identities: string | null; last_counted_at: Date | null; state_changes: string | null; year_contributions: string | null; year_categories: string | null; year_days: string | null; published: string | null; overall_rank: string | null }>`${sql.raw(PREPARED)}
    select m.*, f.first_counted,
           s.member_id as settings_of, s.links as settings_links, s.hide_country as settings_hide_country, s.hide_company as settings_hide_company,
           (select json_agg(json_build_array(i.platform, i.external_id) order by i.platform, i.id)::text
            from identities i where i.member_id = m.id and i.verified_at is not null) as verified_identities,
           ${lastCountedOfM(statusUntil(at))} as last_counted_at,
           ${STATE_CHANGES_OF_M} as state_changes,
           (select json_agg(json_build_array(c.id, c.kind, c.category, c.title, c.url,
                                             to_char(c.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), c.points, c.explanation)
                            order by c.occurred_at desc, c.id desc)::text
            from (select c.* from contributions c where ${yearRows}
                  order by c.occurred_at desc, c.id desc
                  limit ${sql.lit(TIMELINE_PAGE)} offset ${(Math.max(1, Math.trunc(page)) - 1) * TIMELINE_PAGE}) c) as year_contributions,
           (select json_agg(json_build_array(t.category, t.points, t.n))::text
            from (select c.category, sum(c.points) as points, count(*) as n from contributions c where ${yearRows} group by c.category) t) as year_categories,
           (select json_agg(json_build_array(t.day, t.n))::text
            from (select to_char(c.occurred_at at time zone 'UTC', 'YYYY-MM-DD') as day, count(*) as n
                  from contributions c where ${yearRows} group by 1) t) as year_days,
           (select json_agg(json_build_array(a.year, a.revision, to_char(a.published_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), a.results)
                            order by a.year desc)::text
            from award_snapshots a where a.status = 'published') as published,
           ${overallRankColumn(sql.ref('m.id'), { from: bounds.start, to: bounds.end })} as overall_rank
    from (select ${FIRST_COUNTED} as first_counted) f
    left join members m on lower(m.handle) = ${handle.slice(0, 200).toLowerCase()}
    left join member_settings s on s.member_id = m.id`.execute(context.db);
  const {
    first_counted: first,
    settings_of: settingsOf,
    settings_links: links,
    settings_hide_country: hideCountry,
    settings_hide_company: hideCompany,
    verified_identities: identities,
    last_counted_at: lastCounted,
    state_changes: changes,
    year_contributions: contributions,
    year_categories: categories,
    year_days: days,
    published,
    overall_rank: overallRank,
    ...member
  } = result.rows[0]!;
  const found = member.id === null ? undefined : (member as Member);
  return {
    member: found,
    years: yearsSince(context, first),
    year,
    verifiedIdentities: (JSON.parse(identities ?? '[]') as [string, string][]).map(([platform, externalId]) => ({ platform, external_id: externalId })),
    settings:
      settingsOf === null
        ? { links: DEFAULT_SETTINGS.links, hide_country: DEFAULT_SETTINGS.hide_country, hide_company: DEFAULT_SETTINGS.hide_company }
        : { links: links!, hide_country: hideCountry!, hide_company: hideCompany! },
    status: found && !found.is_bot ? statusFromFacts(context.config, at, { ...found, last_counted_at: lastCounted }, changes) : undefined,
    contributions: (JSON.parse(contributions ?? '[]') as PackedContribution[]).map(([id, kind, category, title, url, occurredAt, points, explanation]) => ({
      id,
      kind,
      category,
      title,
      url,
      occurred_at: new Date(occurredAt),
      points: Number(points),
      explanation,
    })),
    yearTotals: {
      categories: (JSON.parse(categories ?? '[]') as [string, number, number][]).map(([category, points, count]) => ({ category, points: Number(points), count: Number(count) })),
      byDay: new Map(JSON.parse(days ?? '[]') as [string, number][]),
    },
    published: (JSON.parse(published ?? '[]') as PackedSnapshot[]).map(([snapshotYear, revision, publishedAt, results]) => ({
      year: snapshotYear,
      revision,
      published_at: publishedAt === null ? null : new Date(publishedAt),
      results,
    })),
    rank: overallRankOf(overallRank),
  };
}

/** Everything the profile of `found` shows for its year: what findProfileMember read, the rank and the awards. */
export async function loadProfile(context: WebContext, found: ProfileMember): Promise<Profile | null> {
  const member = found.member;
  if (!member || member.state === 'withdrawn') return null;
  const year = found.year;
  const bounds = cycleBounds(context, year);
  const standing = found.rank ?? (await memberOverallRank(context.db, member.id, { from: bounds.start, to: bounds.end }));
  const categories = emptyCategoryPoints();
  const categoryCounts = emptyCategoryPoints();
  let points = 0;
  let contributionCount = 0;
  for (const total of found.yearTotals.categories) {
    if (isCategory(total.category)) {
      categories[total.category] += total.points;
      categoryCounts[total.category] += total.count;
    }
    points += total.points;
    contributionCount += total.count;
  }
  for (const category of CATEGORIES) categories[category] = Math.round(categories[category] * 100) / 100;
  return {
    member,
    verifiedIdentities: found.verifiedIdentities,
    status: found.status,
    rank: standing.rank,
    ranked: standing.total,
    year,
    contributions: found.contributions,
    contributionCount,
    categoryCounts,
    categories,
    points: Math.round(points * 100) / 100,
    byDay: found.yearTotals.byDay,
    settings: found.settings,
    awards: found.published.flatMap((snapshot) => awardsInSnapshot(snapshot, member.id)),
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
  return (await memberOverallRank(context.db, memberId, { from: bounds.start, to: bounds.end })).rank;
}
