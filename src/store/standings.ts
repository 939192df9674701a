// Standings of a period straight from SQL: one aggregate over counted contributions, ranked
// with the order defined in domain/leaderboard.ts (the domain's tallyStandings and
// rankStandings are the reference; tests check that both agree).
import { sql, type Kysely } from 'kysely';
import { CATEGORIES, type Category } from '../domain/categories.js';
import type { RankedStanding } from '../domain/leaderboard.js';
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
}

export interface StandingsPage {
  total: number;
  rows: RankedStanding[];
}

export async function queryStandings(db: Kysely<Database>, query: StandingsQuery): Promise<StandingsPage> {
  const from = new Date(`${query.from}T00:00:00Z`);
  const until = new Date(new Date(`${query.to}T00:00:00Z`).getTime() + 86_400_000);
  const sortPoints = query.category ? sql.ref(`t.${query.category}`) : sql.ref('t.points');
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
      select c.member_id, round(sum(c.points::float8)::numeric, 2)::float8 as points, count(*)::int as contributions,
             max(c.occurred_at) as last_at, ${sql.join(categorySums, sql`, `)}
      from contributions c
      where c.review_state = 'counted' and c.occurred_at >= ${from} and c.occurred_at < ${until}
      group by c.member_id
    ),
    ranked as (
      select t.*, m.handle, m.name,
             row_number() over (
               order by ${sortPoints} desc, (${breadth}) desc, t.contributions desc, t.last_at asc, lower(m.handle) asc
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
  const page = await queryStandings(db, { ...query, offset: 0, limit: 1 });
  return page.total;
}
