// Reads behind the public pages: live counts, the newest contributions, the directory and
// the years that have data. Set-based SQL; status comes from the store's statuses module.
import { sql } from 'kysely';
import { awardCycle } from '../../domain/awards.js';
import type { Category } from '../../domain/categories.js';
import { ACTIVITY_STATUSES, type ActivityStatus } from '../../domain/status.js';
import { memberStatuses, statusIsOneOf, type MemberStatus } from '../../store/statuses.js';
import { isAnyOf } from '../../store/id-lists.js';
import type { Member } from '../../store/schema.js';
import type { WebContext } from '../context.js';
import { HttpProblem } from '../errors.js';
import { countryName } from '../../domain/countries.js';
import { publicStatus, settingsOf, visibleMember } from '../public/privacy.js';

export interface ProgramCounts {
  ambassadors: number;
  active: number;
  countries: number;
  countedThisYear: number;
  contributorsThisYear: number;
}

export function cycleBounds(context: WebContext, year: number): { from: Date; until: Date; start: string; end: string } {
  const cycle = awardCycle(context.config.awards, year);
  return {
    start: cycle.start,
    end: cycle.end,
    from: new Date(`${cycle.start}T00:00:00Z`),
    until: new Date(new Date(`${cycle.end}T00:00:00Z`).getTime() + 86_400_000),
  };
}

export function currentYear(context: WebContext): number {
  return Number(context.today().slice(0, 4));
}

export async function programCounts(context: WebContext): Promise<ProgramCounts> {
  const { db } = context;
  const bounds = cycleBounds(context, currentYear(context));
  const members = await db
    .selectFrom('members')
    .select([sql<number>`count(*)::int`.as('n'), sql<number>`count(distinct lower(country))::int`.as('countries')])
    .where('state', '=', 'registered')
    .where('is_bot', '=', false)
    .executeTakeFirstOrThrow();
  const year = await db
    .selectFrom('contributions')
    .select([sql<number>`count(*)::int`.as('n'), sql<number>`count(distinct member_id)::int`.as('people')])
    .where('review_state', '=', 'counted')
    .where('occurred_at', '>=', bounds.from)
    .where('occurred_at', '<', bounds.until)
    .executeTakeFirstOrThrow();
  const { active } = await db
    .selectFrom('members as m')
    .select(sql<number>`count(*)::int`.as('active'))
    .where('m.state', '=', 'registered')
    .where('m.is_bot', '=', false)
    .where(statusIsOneOf(context.config.activity, context.today(), ['active', 'lapsing']))
    .executeTakeFirstOrThrow();
  return {
    ambassadors: Number(members.n),
    active: Number(active),
    countries: Number(members.countries),
    countedThisYear: Number(year.n),
    contributorsThisYear: Number(year.people),
  };
}

export interface RecentContribution {
  id: number;
  handle: string;
  name: string;
  kind: string;
  category: string;
  title: string;
  url: string | null;
  occurred_at: Date;
  points: number;
  explanation: string;
  created_at: Date;
}

export async function recentContributions(context: WebContext, limit: number): Promise<RecentContribution[]> {
  return context.db
    .selectFrom('contributions as c')
    .innerJoin('members as m', 'm.id', 'c.member_id')
    .select(['c.id', 'm.handle', 'm.name', 'c.kind', 'c.category', 'c.title', 'c.url', 'c.occurred_at', 'c.points', 'c.explanation', 'c.created_at'])
    .where('c.review_state', '=', 'counted')
    .where('m.state', '=', 'registered')
    .where('m.is_bot', '=', false)
    .where('c.occurred_at', '<=', context.now())
    .orderBy('c.occurred_at', 'desc')
    .orderBy('c.id', 'desc')
    .limit(limit)
    .execute();
}

export interface DirectoryQuery {
  search?: string;
  country?: string;
  category?: Category;
  status?: ActivityStatus;
  page: number;
  pageSize: number;
  /** The public directory: suspensions shown as the public sees them, opt-outs left out, hidden fields emptied. */
  publicStatuses?: boolean;
}

export interface DirectoryEntry {
  member: Member;
  status: MemberStatus | undefined;
  points: number;
}

export async function directory(context: WebContext, query: DirectoryQuery): Promise<{ entries: DirectoryEntry[]; total: number }> {
  const { db } = context;
  const bounds = cycleBounds(context, currentYear(context));
  let members = db
    .selectFrom('members as m')
    .selectAll('m')
    .where('m.state', '!=', 'withdrawn')
    .where('m.is_bot', '=', false)
    .orderBy(sql`lower(m.name)`)
    .orderBy('m.id');
  if (query.publicStatuses) {
    members = members.where((eb) =>
      eb.not(eb.exists(eb.selectFrom('member_settings as ms').select('ms.member_id').whereRef('ms.member_id', '=', 'm.id').where('ms.hide_from_directory', '=', true))),
    );
  }
  if (query.search) {
    const pattern = `%${query.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    members = members.where((eb) => eb.or([eb(sql<string>`lower(m.name)`, 'like', pattern), eb(sql<string>`lower(m.handle)`, 'like', pattern)]));
  }
  if (query.country) members = members.where(sql<string>`lower(m.country)`, '=', query.country.toLowerCase());
  if (query.country && query.publicStatuses) {
    // A hidden country is not found by filtering on it either.
    members = members.where((eb) =>
      eb.not(eb.exists(eb.selectFrom('member_settings as hc').select('hc.member_id').whereRef('hc.member_id', '=', 'm.id').where('hc.hide_country', '=', true))),
    );
  }
  // With a search or a country, a status is decided only for the members they keep (the planner
  // may look them up one by one); otherwise the window is read once for everyone. The category's
  // test of contributions is left out of that scope, where it was planned badly (5-10 s).
  const statusScope = query.search || query.country ? members.clearSelect().clearOrderBy().select('m.id') : undefined;
  if (query.category) {
    const category = query.category;
    members = members.where((eb) =>
      eb.exists(
        eb
          .selectFrom('contributions as c')
          .select('c.id')
          .whereRef('c.member_id', '=', 'm.id')
          .where('c.review_state', '=', 'counted')
          .where('c.category', '=', category)
          .where('c.occurred_at', '>=', bounds.from)
          .where('c.occurred_at', '<', bounds.until),
      ),
    );
  }
  if (query.status) {
    // Decided in SQL (statusesAt); in public a private suspension shows, and is found, as inactive.
    const wanted = ACTIVITY_STATUSES.filter((status) => (query.publicStatuses ? publicStatus(context, status) : status) === query.status);
    members = members.where(statusIsOneOf(context.config.activity, context.today(), wanted, statusScope));
  }
  const countMatches = async () => Number((await members.clearSelect().clearOrderBy().select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()).n);
  const pageOf = members.limit(query.pageSize).offset((query.page - 1) * query.pageSize);
  // A status filter is the costly part: the page carries the count of its matches, so the
  // filter runs once (a page past the end, with no row to carry it, counts again).
  const pageWithCount = async (): Promise<[number, Member[]]> => {
    const paged = await pageOf.select(sql<number>`count(*) over ()`.as('matched')).execute();
    return [paged.length ? Number(paged[0]!.matched) : await countMatches(), paged.map(({ matched: _matched, ...member }) => member)];
  };
  const [total, pageRows] = query.status ? await pageWithCount() : await Promise.all([countMatches(), pageOf.execute()]);
  const statuses = new Map(
    (await memberStatuses(db, context.config, context.today(), { memberIds: pageRows.map((r) => r.id) })).map((s) => [
      s.memberId,
      query.publicStatuses ? { ...s, status: publicStatus(context, s.status) } : s,
    ]),
  );
  const points = pageRows.length
    ? await db
        .selectFrom('contributions')
        .select(['member_id', sql<number>`coalesce(sum(points), 0)::float8`.as('points')])
        .where(isAnyOf('member_id', pageRows.map((r) => r.id)))
        .where('review_state', '=', 'counted')
        .where('occurred_at', '>=', bounds.from)
        .where('occurred_at', '<', bounds.until)
        .groupBy('member_id')
        .execute()
    : [];
  const pointsById = new Map(points.map((p) => [p.member_id, Number(p.points)]));
  const settings = query.publicStatuses ? await settingsOf(db, pageRows.map((r) => r.id)) : new Map();
  return {
    total,
    entries: pageRows.map((member) => ({
      member: query.publicStatuses ? visibleMember(member, settings.get(member.id), null) : member,
      status: statuses.get(member.id),
      points: pointsById.get(member.id) ?? 0,
    })),
  };
}

/** The countries of the directory as ISO codes, sorted by their names. */
export async function countries(context: WebContext): Promise<string[]> {
  const rows = await context.db
    .selectFrom('members as m')
    .leftJoin('member_settings as s', 's.member_id', 'm.id')
    .select('m.country')
    .distinct()
    .where('m.country', 'is not', null)
    .where('m.state', '!=', 'withdrawn')
    .where(sql<boolean>`coalesce(s.hide_country, false) or coalesce(s.hide_from_directory, false)`, '=', false)
    .execute();
  return rows
    .map((r) => r.country!)
    .filter(Boolean)
    .sort((a, b) => countryName(a).localeCompare(countryName(b), 'en'));
}

export { FIRST_COUNTED } from '../../store/standings.js';

/** Years from the first counted contribution to this year, newest first. */
export async function yearsWithData(context: WebContext): Promise<number[]> {
  const first = await context.db
    .selectFrom('contributions')
    .select(sql<Date | null>`min(occurred_at)`.as('first'))
    .where('review_state', '=', 'counted')
    .executeTakeFirst();
  return yearsSince(context, first?.first ?? null);
}

/** Years from `first` (the first counted contribution) to this year, newest first. */
export function yearsSince(context: WebContext, first: Date | null): number[] {
  const now = currentYear(context);
  const start = first ? new Date(first).getUTCFullYear() : now;
  const years: number[] = [];
  for (let y = now; y >= Math.max(start, now - 15); y -= 1) years.push(y);
  return years;
}

export function scoresVisibleTo(context: WebContext, viewer: { member: Member } | null, memberId?: number): boolean {
  if (context.config.visibility.scores === 'public') return true;
  if (!viewer) return false;
  if (viewer.member.role === 'manager' || viewer.member.role === 'admin') return true;
  return memberId !== undefined && viewer.member.id === memberId;
}

/**
 * The year asked for when it is one a page could show (this year when none is given, or one
 * of the last 16 years: yearsSince lists no more), before the years with data are known;
 * undefined for anything else, which yearInRange answers. yearInRange still checks the year
 * against the years with data once they are read.
 */
export function yearAsked(value: string | undefined, thisYear: number): number | undefined {
  if (value === undefined || value === '') return thisYear;
  if (!/^\d{4}$/.test(value)) return undefined;
  const year = Number(value);
  return year <= thisYear && year >= thisYear - 15 ? year : undefined;
}

/**
 * The year a page was asked for: this year when none is given, and a 404 that says which
 * years there are when the year has no data (never a silent substitute).
 */
export function yearInRange(value: string | undefined, years: number[], fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const year = Number(value);
  const newest = Math.max(fallback, ...years);
  const oldest = Math.min(fallback, ...years);
  if (!/^\d{4}$/.test(value) || year < oldest || year > newest) {
    throw new HttpProblem(404, 'not_found', `There is nothing to show for ${JSON.stringify(value.slice(0, 12))}: the years with contributions are ${oldest} to ${newest}.`);
  }
  return year;
}
