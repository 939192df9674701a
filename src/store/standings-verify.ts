// The ledger check of the maintained standings: member_standings (kept by the triggers of
// migration 0070) against a recomputation from contributions written here independently of
// the triggers' own function, so a write path that forgets to maintain the totals, or a
// trigger that is missing, shows up as a difference.
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';
import { rebuildStandings } from './standings.js';

export interface StandingDifference {
  memberId: number;
  cycleYear: number;
  category: string;
  /** What the table holds, or null when the row is missing. */
  maintained: Record<string, unknown> | null;
  /** What contributions say, or null when the row should not exist. */
  recomputed: Record<string, unknown> | null;
}

/** A year and category whose ranked count (migration 0083's counters) is not its listed rows. */
export interface CountDifference {
  cycleYear: number;
  category: string;
  maintained: number;
  recomputed: number;
}

export interface VerifyResult {
  rows: number;
  differences: StandingDifference[];
  /** The ranked counts against the listed rows of member_standings (checked there too). */
  countDifferences: CountDifference[];
}

const COLUMNS = [
  'points', 'categories_with_points', 'contributions', 'last_counted_at', 'handle_key',
  'code', 'content', 'events', 'documentation', 'education', 'leadership', 'listed', 'handle', 'name',
] as const;

export async function verifyStandings(db: Kysely<Database>, options: { limit?: number } = {}): Promise<VerifyResult> {
  const fields = (alias: string) =>
    sql.join(COLUMNS.map((column) => sql`${sql.ref(`${alias}.${column}`)}`), sql`, `);
  const result = await sql<{ member_id: number; cycle_year: number; category: string; maintained: Record<string, unknown> | null; recomputed: Record<string, unknown> | null; rows: number }>`
    with per_year as (
      select c.member_id, extract(year from c.occurred_at at time zone 'UTC')::int as cycle_year, c.category, c.points, c.occurred_at
      from contributions c
      where c.review_state = 'counted'
    ),
    in_cycle as (
      select p.* from per_year p cross join lateral standings_cycle_bounds(p.cycle_year) b
      where p.occurred_at >= b.from_at and p.occurred_at < b.until_at
    ),
    by_category as (
      select member_id, cycle_year, category, sum(points) as points, count(*)::int as contributions, max(occurred_at) as last_counted_at
      from in_cycle group by member_id, cycle_year, category
    ),
    by_member as (
      select member_id, cycle_year, sum(points) as points, sum(contributions)::int as contributions, max(last_counted_at) as last_counted_at,
             ${sql.join(['code', 'content', 'events', 'documentation', 'education', 'leadership'].map((c) => sql`coalesce(sum(points) filter (where category = ${c}), 0) as ${sql.ref(c)}`), sql`, `)},
             count(*) filter (where points > 0)::int as categories_with_points
      from by_category group by member_id, cycle_year
    ),
    expected as (
      -- The 'all' row: the member's cycle, with the six sums.
      select b.member_id, b.cycle_year, 'all'::text as category, b.points, b.categories_with_points, b.contributions, b.last_counted_at,
             lower(m.handle) collate "C" as handle_key, b.code, b.content, b.events, b.documentation, b.education, b.leadership,
             (m.state = 'registered' and not m.is_bot) as listed, m.handle, m.name
      from by_member b join members m on m.id = b.member_id
      union all
      -- A category's row: counted and tied within the category, only when it has points.
      select x.member_id, x.cycle_year, x.category, x.points, 1, x.contributions, x.last_counted_at,
             lower(m.handle) collate "C", 0, 0, 0, 0, 0, 0, (m.state = 'registered' and not m.is_bot), m.handle, m.name
      from by_category x join members m on m.id = x.member_id
      where x.points > 0
    ),
    compared as (
      select coalesce(s.member_id, e.member_id) as member_id, coalesce(s.cycle_year, e.cycle_year) as cycle_year,
             coalesce(s.category, e.category) as category,
             case when s.member_id is null then null else jsonb_build_object(${sql.join(COLUMNS.map((c) => sql`${c}::text, ${sql.ref(`s.${c}`)}`), sql`, `)}) end as maintained,
             case when e.member_id is null then null else jsonb_build_object(${sql.join(COLUMNS.map((c) => sql`${c}::text, ${sql.ref(`e.${c}`)}`), sql`, `)}) end as recomputed,
             (s.member_id is null or e.member_id is null or (${fields('s')}) is distinct from (${fields('e')})) as differs
      from member_standings s
      full join expected e on e.member_id = s.member_id and e.cycle_year = s.cycle_year and e.category = s.category
    )
    select member_id, cycle_year, category, maintained, recomputed, (select count(*)::int from compared) as rows
    from compared where differs
    order by cycle_year, member_id, category
    limit ${options.limit ?? 1000}`.execute(db);
  const rows = result.rows[0]?.rows ?? (await sql<{ n: number }>`select count(*)::int as n from member_standings`.execute(db)).rows[0]!.n;
  const counts = await sql<{ cycle_year: number; category: string; maintained: string | null; recomputed: string | null }>`
    select coalesce(c.cycle_year, s.cycle_year) as cycle_year, coalesce(c.category, s.category) as category,
           coalesce(c.listed, 0) as maintained, coalesce(s.listed, 0) as recomputed
    from (select cycle_year, category, sum(listed) as listed from standings_counts group by 1, 2) c
    full join (select cycle_year, category, count(*) as listed from member_standings where listed group by 1, 2) s
      on s.cycle_year = c.cycle_year and s.category = c.category
    where coalesce(c.listed, 0) <> coalesce(s.listed, 0)
    order by 1, 2`.execute(db);
  return {
    rows: Number(rows),
    countDifferences: counts.rows.map((row) => ({
      cycleYear: Number(row.cycle_year),
      category: row.category,
      maintained: Number(row.maintained),
      recomputed: Number(row.recomputed),
    })),
    differences: result.rows.map((row) => ({
      memberId: Number(row.member_id),
      cycleYear: Number(row.cycle_year),
      category: row.category,
      maintained: row.maintained,
      recomputed: row.recomputed,
    })),
  };
}

/** Rebuilds the table from contributions (after verify found differences). */
export async function repairStandings(db: Kysely<Database>): Promise<void> {
  await (db.isTransaction ? rebuildStandings(db) : db.transaction().execute((trx) => rebuildStandings(trx)));
}
