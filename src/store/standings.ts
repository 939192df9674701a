// Standings of a period. A period that is a cycle year of the maintained standings
// (migration 0070, kept by triggers) is read from member_standings through its ranking index:
// the cost of a page depends on the page, not on the history. Any other period falls back to
// one aggregate over counted contributions. Both rank with the order defined in
// domain/leaderboard.ts (the domain's tallyStandings and rankStandings are the reference;
// tests check that all three agree).
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { CATEGORIES, type Category } from '../domain/categories.js';
import type { RankedStanding } from '../domain/leaderboard.js';
import { PREPARED } from './prepared.js';
import type { Database } from './schema.js';

export interface StandingsQuery {
  /** inclusive, YYYY-MM-DD */
  from: string;
  /** inclusive, YYYY-MM-DD */
  to: string;
  category?: Category;
  limit?: number;
  offset?: number;
  /** Restrict to these members (a profile's rank). */
  memberIds?: number[];
  /** Also read the instant of the first counted contribution (a page's years), in the same round trip. */
  firstCounted?: boolean;
}

export interface StandingsPage {
  total: number;
  rows: RankedStanding[];
  /** The first counted contribution of all (when asked for with `firstCounted`). */
  firstCounted?: Date | null;
}

/** The instant of the first counted contribution, as a column of any query (one round trip). */
export const FIRST_COUNTED = sql<Date | null>`(select min(occurred_at) from contributions where review_state = 'counted')`;

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

export async function queryStandings(db: Kysely<Database>, query: StandingsQuery): Promise<StandingsPage> {
  const period = maintainedPeriod(query);
  const maintained = period ? await maintainedStandings(db, period.year, period.until, query) : null;
  if (maintained) return maintained;
  const page = await aggregateStandings(db, query);
  if (!query.firstCounted) return page;
  const first = await sql<{ first: Date | null }>`select ${FIRST_COUNTED} as first`.execute(db);
  return { ...page, firstCounted: first.rows[0]?.first ?? null };
}

export interface StandingsCycle {
  start: string;
  end: string;
}

/** The MM-DD bounds the maintained standings are built for. */
export async function standingsCycle(db: Kysely<Database>): Promise<StandingsCycle> {
  const row = await db.selectFrom('standings_cycle').selectAll().executeTakeFirstOrThrow();
  const md = (month: number, day: number) => `${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  return { start: md(row.start_month, row.start_day), end: md(row.end_month, row.end_day) };
}

/** Rebuilds the maintained standings for another cycle (the awards cycle of the config). */
export async function setStandingsCycle(db: Kysely<Database>, cycle: StandingsCycle): Promise<boolean> {
  const current = await standingsCycle(db);
  if (current.start === cycle.start && current.end === cycle.end) return false;
  const [startMonth, startDay] = cycle.start.split('-').map(Number) as [number, number];
  const [endMonth, endDay] = cycle.end.split('-').map(Number) as [number, number];
  const body = async (trx: Kysely<Database>) => {
    await trx.updateTable('standings_cycle').set({ start_month: startMonth, start_day: startDay, end_month: endMonth, end_day: endDay }).execute();
    await rebuildStandings(trx);
  };
  await (db.isTransaction ? body(db) : db.transaction().execute(body));
  return true;
}

/** Recomputes every maintained standing from contributions (repair after `standings verify`). */
export async function rebuildStandings(db: Kysely<Database>): Promise<void> {
  await sql`delete from member_standings`.execute(db);
  await sql`
    select standings_refresh(array_agg(d.member_id), array_agg(d.y))
    from (select distinct member_id, extract(year from occurred_at at time zone 'UTC')::int as y
          from contributions where review_state = 'counted') d
    having count(*) > 0`.execute(db);
  // The ranked counts follow the rows through triggers; counted afresh too, so a repair also
  // mends counters that drifted.
  await sql`delete from standings_counts`.execute(db);
  await sql`insert into standings_counts (cycle_year, category, listed)
    select cycle_year, category, count(*) from member_standings where listed group by 1, 2`.execute(db);
}

/** The instant as toISOString() writes it, made by the server (no Date per row in JavaScript). */
const ISO_LAST = sql`to_char(s.last_counted_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

const ORDER = sql`s.points desc, s.categories_with_points desc, s.contributions desc, s.last_counted_at asc, s.handle_key asc`;

/**
 * Whether the maintained standings of `year` are built for the period [from, until) (a boolean
 * expression). standings_cycle_bounds is inlined into the statement (migration 0085).
 */
function cycleIs(year: number, from: string, until: string): RawBuilder<boolean> {
  return sql<boolean>`coalesce((select b.from_at = ${`${from}T00:00:00Z`}::timestamptz and b.until_at = ${until}::timestamptz
                               from standings_cycle_bounds(${year}) b), false)`;
}

/** How many are ranked in a year and category: the sum of its counters (migration 0083). */
function rankedCount(year: number, category: string): RawBuilder<number> {
  return sql<number>`(select coalesce(sum(listed), 0)::int from standings_counts where cycle_year = ${year} and category = ${categoryText(category)})`;
}

/** The rank of the standing `s` within its year and category: one more than the listed rows ahead of it. */
function rankOfS(year: number, category: string): RawBuilder<number> {
  return sql<number>`1 + (select count(*) from member_standings o
                      where o.cycle_year = ${year} and o.category = ${categoryText(category)} and o.listed
                        and o.points >= s.points and ${AHEAD})`;
}

/** Rows strictly ahead of `s` in the ranking order, as a predicate over `o`. */
const AHEAD = sql`(o.points > s.points or (o.points = s.points and (o.categories_with_points > s.categories_with_points
  or (o.categories_with_points = s.categories_with_points and (o.contributions > s.contributions
  or (o.contributions = s.contributions and (o.last_counted_at < s.last_counted_at
  or (o.last_counted_at = s.last_counted_at and o.handle_key < s.handle_key))))))))`;

/** rank, member id, handle, name, points, contributions, last counted (ISO), then the six category sums. */
type PackedRow = [number, number, string, string, number, number, string, ...number[]];

/** member id, handle, name, points, contributions, last counted (ISO), then the six category sums. */
type StoredRow = [number, string, string, number, number, string, ...number[]];

/**
 * The standing stored from index `at` of a row of JSON values: the statements build it with
 * json_build_array of typed columns, so its numbers are numbers and its texts texts (no
 * conversion per field; for every ranked member that was a fifth of the time).
 */
function standingOf(rank: number, row: readonly (number | string)[], at = 0): RankedStanding {
  return {
    rank,
    memberId: row[at] as number,
    handle: row[at + 1] as string,
    name: row[at + 2] as string,
    points: row[at + 3] as number,
    contributions: row[at + 4] as number,
    lastContributionAt: row[at + 5] as string,
    categories: {
      code: row[at + 6] as number,
      content: row[at + 7] as number,
      events: row[at + 8] as number,
      documentation: row[at + 9] as number,
      education: row[at + 10] as number,
      leadership: row[at + 11] as number,
    },
  };
}

/** How many of a stored row's six category sums are above zero (the second tie-break). */
function breadthOf(row: StoredRow): number {
  let n = 0;
  for (let i = 6; i < 12; i += 1) if ((row[i] as number) > 0) n += 1;
  return n;
}

/**
 * The overall ranking of a year from the covering index of 'all' rows (migration 0074): an
 * index-only scan in ranking order that concatenates each row's stored JSON text, so a rank is
 * the row's position. PostgreSQL aggregates an ordered subquery in its order; the order is
 * still checked (inRankingOrder) and the rows ranked in SQL when it was not kept.
 */
function overallRows(year: number, query: StandingsQuery): RawBuilder<unknown> {
  // Bracketed by the server: the text arrives as one flat JSON array to parse, with no copy made
  // in JavaScript to add the brackets (8.5 MB for 100k members).
  return sql`(select '[' || string_agg(s.packed, ',') || ']'
    from (select s.packed from member_standings s
          where s.cycle_year = ${year} and s.category = 'all' and s.listed and (select ok from cycle)
          order by ${ORDER} ${limitOffset(query)}) s)`;
}

/**
 * LIMIT and OFFSET written into the text (whole numbers, checked): with them as parameters the
 * planner costs the generic plan of a prepared page for a tenth of the table, so every
 * execution was planned afresh (custom plans, about half of a page's database time).
 */
function limitOffset(query: Pick<StandingsQuery, 'limit' | 'offset'>): RawBuilder<unknown> {
  const whole = (value: number | undefined, fallback: number) => (value !== undefined && Number.isSafeInteger(value) && value >= 0 ? value : fallback);
  const limit = query.limit === undefined ? sql`` : sql`limit ${sql.lit(whole(query.limit, 1_000_000))}`;
  const offset = whole(query.offset, 0);
  return offset === 0 ? limit : sql`${limit} offset ${sql.lit(offset)}`;
}

/** A category ('all' or one of the six) written into the text, for the same reason as limitOffset. */
function categoryText(category: string): RawBuilder<unknown> {
  if (category !== 'all' && !(CATEGORIES as readonly string[]).includes(category)) throw new Error(`not a category: ${category.slice(0, 40)}`);
  return sql.lit(category);
}

/** Each stored row at or behind the one before it by points, breadth, contributions and last counted contribution. */
function inRankingOrder(rows: StoredRow[]): boolean {
  let breadth = rows.length > 0 ? breadthOf(rows[0]!) : 0;
  for (let index = 1; index < rows.length; index += 1) {
    const a = rows[index - 1]!;
    const b = rows[index]!;
    const next = breadthOf(b);
    const order = a[3] - b[3] || breadth - next || a[4] - b[4];
    // The instants are written alike (toISOString's form): as text, earlier sorts first.
    if (order < 0 || (order === 0 && a[5] > b[5])) return false;
    breadth = next;
  }
  return true;
}

/**
 * The page from the maintained standings when the period is a cycle of them (null when it is
 * not): the cycle check, the ranked count and the rows in one round trip.
 */
async function maintainedStandings(db: Kysely<Database>, year: number, until: string, query: StandingsQuery): Promise<StandingsPage | null> {
  const category = query.category ?? 'all';
  const overall = category === 'all' && !(query.memberIds && query.memberIds.length > 0);
  const page = async (rows: RawBuilder<unknown>) => {
    // PREPARED: planned once per connection (prepared.ts); the generic plan reads the same indexes.
    const result = await sql<{ ok: boolean | null; n: number | null; rows: string | null; first_counted?: Date | null }>`${sql.raw(PREPARED)}
      with cycle as materialized (select ${cycleIs(year, query.from, until)} as ok)
      select (select ok from cycle) as ok,
             case when (select ok from cycle) then ${rankedCount(year, category)} end as n,
             ${rows} as rows${query.firstCounted ? sql`, ${FIRST_COUNTED} as first_counted` : sql``}`.execute(db);
    const row = result.rows[0];
    return row?.ok ? { total: Number(row.n ?? 0), text: row.rows, first: row.first_counted } : null;
  };
  const first = (found: { first?: Date | null }) => (query.firstCounted ? { firstCounted: found.first ?? null } : {});
  if (overall) {
    const found = await page(overallRows(year, query));
    if (!found) return null;
    const offset = query.offset ?? 0;
    const stored = JSON.parse(found.text ?? '[]') as StoredRow[];
    if (inRankingOrder(stored)) return { total: found.total, rows: stored.map((entry, index) => standingOf(offset + index + 1, entry)), ...first(found) };
  }
  const found = await page(rankedRows(year, category, query));
  if (!found) return null;
  const packed = JSON.parse(found.text ?? '[]') as PackedRow[];
  return { total: found.total, rows: packed.map((entry) => standingOf(entry[0], entry, 1)), ...first(found) };
}

/**
 * A page ranked by the index (or, for given members, by counting who is ahead), as one JSON
 * text of arrays: one value to parse instead of a dozen typed fields per row.
 */
function rankedRows(year: number, category: string, query: StandingsQuery): RawBuilder<unknown> {
  // The six sums live on the member's 'all' row: a category's page joins it.
  const breakdown = sql.join(CATEGORIES.map((c) => sql.ref(`${category === 'all' ? 's' : 'a'}.${c}`)), sql`, `);
  const breakdownJoin =
    category === 'all' ? sql`` : sql`join member_standings a on a.member_id = s.member_id and a.cycle_year = s.cycle_year and a.category = 'all'`;
  const ranked =
    query.memberIds && query.memberIds.length > 0
      ? sql`
          select s.member_id, s.points, s.contributions, s.last_counted_at, ${breakdown}, m.handle, m.name,
                 ${rankOfS(year, category)} as rank
          from member_standings s join members m on m.id = s.member_id
          ${breakdownJoin}
          where s.cycle_year = ${year} and s.category = ${categoryText(category)} and s.listed and s.member_id = any(${query.memberIds}::int[])
            and (select ok from cycle)
          order by rank ${limitOffset(query)}`
      : sql`
          select s.member_id, s.points, s.contributions, s.last_counted_at, ${breakdown}, m.handle, m.name, s.rank
          from (select s.*, row_number() over (order by ${ORDER}) as rank from member_standings s
                where s.cycle_year = ${year} and s.category = ${categoryText(category)} and s.listed and (select ok from cycle)
                order by ${ORDER} ${limitOffset(query)}) s
          join members m on m.id = s.member_id
          ${breakdownJoin}`;
  const columns = sql.join(CATEGORIES.map((c) => sql`s.${sql.ref(c)}`), sql`, `);
  return sql`(select coalesce(json_agg(json_build_array(s.rank, s.member_id, s.handle, s.name, s.points, s.contributions, ${ISO_LAST}, ${columns})
                             order by s.rank), '[]')::text
    from (${ranked}) s)`;
}

export interface OverallRank {
  /** Null when the member is not ranked in the period. */
  rank: number | null;
  total: number;
}

/** The maintained cycle year a period is, with the instant it ends (null when it is none). */
function maintainedPeriod(query: Pick<StandingsQuery, 'from' | 'to'>): { year: number; until: string } | null {
  const until = Date.parse(`${query.to}T00:00:00Z`) + 86_400_000;
  const fits = ISO_DAY.test(query.from) && ISO_DAY.test(query.to) && query.to.slice(0, 4) === query.from.slice(0, 4) && Number.isFinite(until);
  return fits ? { year: Number(query.from.slice(0, 4)), until: new Date(until).toISOString() } : null;
}

/**
 * A member's overall rank in a period and how many are ranked, as a column of another
 * statement (a profile reads it with the member, in one round trip): JSON text
 * [maintained, ranked, rank], where maintained is false when the period is not a cycle of the
 * maintained standings. Read it with overallRankOf; the rank is queryStandings' for the member.
 */
export function overallRankColumn(memberId: RawBuilder<unknown>, query: Pick<StandingsQuery, 'from' | 'to'>): RawBuilder<string | null> {
  const period = maintainedPeriod(query);
  if (!period) return sql<null>`null::text`;
  const year = period.year;
  return sql<string | null>`(select json_build_array(k.ok, ${rankedCount(year, 'all')},
              (select ${rankOfS(year, 'all')}
               from member_standings s where s.member_id = ${memberId} and s.cycle_year = ${year} and s.category = 'all' and s.listed))::text
    from (select ${cycleIs(year, query.from, period.until)} as ok) k)`;
}

/** The rank overallRankColumn read, or null when the period is not a maintained cycle (ask queryStandings). */
export function overallRankOf(text: string | null): OverallRank | null {
  if (text === null) return null;
  const [ok, total, rank] = JSON.parse(text) as [boolean, number | string, number | string | null];
  return ok ? { rank: rank === null ? null : Number(rank), total: Number(total) } : null;
}

/** A member's overall rank in a period, and how many are ranked. */
export async function memberOverallRank(db: Kysely<Database>, memberId: number, query: Pick<StandingsQuery, 'from' | 'to'>): Promise<OverallRank> {
  const result = await sql<{ r: string | null }>`${sql.raw(PREPARED)} select ${overallRankColumn(sql`${memberId}::int`, query)} as r`.execute(db);
  const maintained = overallRankOf(result.rows[0]?.r ?? null);
  if (maintained) return maintained;
  const standing = await queryStandings(db, { ...query, memberIds: [memberId] });
  return { rank: standing.rows[0]?.rank ?? null, total: standing.total };
}

/** The reference: one aggregate over the period's counted contributions. */
export async function aggregateStandings(db: Kysely<Database>, query: StandingsQuery): Promise<StandingsPage> {
  const from = new Date(`${query.from}T00:00:00Z`);
  const until = new Date(new Date(`${query.to}T00:00:00Z`).getTime() + 86_400_000);
  const sortPoints = query.category ? sql.ref(`t.${query.category}`) : sql.ref('t.points');
  // A category counts and breaks ties within itself: its points, its contributions, its last one.
  const within = query.category ? sql`c.category = ${query.category}` : sql`true`;
  const categorySums = CATEGORIES.map(
    (category) =>
      sql`coalesce(round((sum(c.points::float8) filter (where c.category = ${category}))::numeric, 2), 0)::float8 as ${sql.ref(category)}`,
  );
  const breadth = sql.join(
    CATEGORIES.map((category) => sql`(case when t.${sql.ref(category)} > 0 then 1 else 0 end)`),
    sql` + `,
  );
  const memberFilter =
    query.memberIds && query.memberIds.length > 0 ? sql`and r.member_id = any(${query.memberIds}::int[])` : sql``;
  const categoryFilter = query.category ? sql`and ${sortPoints} > 0` : sql``;
  // Aggregating a year of contributions by member wants more sort/hash memory than the
  // default 4 MB, or it spills to disk.
  const inTransaction = <T>(body: (trx: Kysely<Database>) => Promise<T>) =>
    db.isTransaction ? body(db) : db.transaction().execute(body);
  const result = await inTransaction(async (trx) => {
    await sql`set local work_mem = '64MB'`.execute(trx);
    return sql<RankedStanding & { total: number; member_id: number }>`
    with totals as (
      -- float8 sums are much faster than numeric ones; points have two decimals, so rounding
      -- the total to two decimals gives the exact sum.
      select c.member_id, coalesce(round((sum(c.points::float8) filter (where ${within}))::numeric, 2), 0)::float8 as points,
             (count(*) filter (where ${within}))::int as contributions,
             max(c.occurred_at) filter (where ${within}) as last_at, ${sql.join(categorySums, sql`, `)}
      from contributions c
      where c.review_state = 'counted' and c.occurred_at >= ${from} and c.occurred_at < ${until}
      group by c.member_id
    ),
    ranked as (
      select t.*, m.handle, m.name,
             row_number() over (
               order by ${sortPoints} desc, (${query.category ? sql`1` : breadth}) desc, t.contributions desc, t.last_at asc, lower(m.handle) collate "C" asc
             )::int as rank,
             count(*) over ()::int as total
      from totals t
      join members m on m.id = t.member_id
      where m.state = 'registered' and not m.is_bot ${categoryFilter}
    )
    select * from ranked r where true ${memberFilter}
    order by r.rank
    limit ${query.limit ?? 1_000_000} offset ${query.offset ?? 0}`.execute(trx);
  });
  const rows = result.rows.map((row) => {
    const raw = row as unknown as Record<string, unknown>;
    return {
      rank: Number(raw.rank),
      memberId: Number(raw.member_id),
      handle: String(raw.handle),
      name: String(raw.name),
      points: Number(raw.points),
      contributions: Number(raw.contributions),
      lastContributionAt: raw.last_at ? new Date(raw.last_at as string).toISOString() : null,
      categories: Object.fromEntries(CATEGORIES.map((category) => [category, Number(raw[category])])) as RankedStanding['categories'],
    };
  });
  const total = result.rows.length > 0 ? Number((result.rows[0] as { total: number }).total) : await countRanked(db, query);
  return { total, rows };
}

async function countRanked(db: Kysely<Database>, query: StandingsQuery): Promise<number> {
  if (!query.offset) return 0;
  const page = await aggregateStandings(db, { ...query, offset: 0, limit: 1 });
  return page.total;
}
