// What a proposed rules change would do to a cycle's leaderboard, from the affected partitions
// only: the contributions in the change's scopes (domain/rules-diff.ts) are scored under the
// proposal in SQL (the rescore's own scoring), their differences are added to the maintained
// standings, and both orders are ranked. The cost is the change's rows plus one ranking of the
// cycle's members, not a rescoring of the year.
import { sql, type Kysely } from 'kysely';
import { CATEGORIES } from '../domain/categories.js';
import type { ProgramConfig } from '../domain/config-schema.js';
import { addDays } from '../domain/dates.js';
import type { RankedStanding } from '../domain/leaderboard.js';
import { rulesScopes } from '../domain/rules-diff.js';
import { rulesVersions } from '../domain/rules.js';
import { presentScopes, scopeFilter } from './rescore.js';
import { SCORING_READ_SETTINGS, scoredCtes, withSettings } from './rescore-statements.js';
import type { Database } from './schema.js';

export interface StandingsEffect {
  changedContributions: number;
  contributions: number;
  movedMembers: number;
  /** The members in the top N before or after, by rank after. */
  rows: { handle: string; name: string; before: RankedStanding | undefined; after: RankedStanding | undefined }[];
}

interface EffectRow {
  member_id: number;
  handle: string;
  name: string;
  contributions: number;
  last_counted_at: Date | string;
  points_before: string | number;
  points_after: string | number;
  rank_before: string | number;
  rank_after: string | number;
  moved: string | number;
  changed: string | number;
  counted: string | number;
  [category: string]: unknown;
}

export async function previewStandings(
  db: Kysely<Database>,
  current: ProgramConfig,
  proposed: ProgramConfig,
  cycle: { year: number; start: string; end: string },
  top: number,
): Promise<StandingsEffect> {
  const scopes = await presentScopes(db, rulesScopes(rulesVersions(current), rulesVersions(proposed)));
  const from = `${cycle.start}T00:00:00Z`;
  const until = `${addDays(cycle.end, 1)}T00:00:00Z`;
  // A week either side, so weekly caps at the edges of the cycle see their neighbours.
  const filter = sql`${scopeFilter(scopes)} and c.occurred_at >= ${`${addDays(cycle.start, -7)}T00:00:00Z`}::timestamptz
    and c.occurred_at < ${`${addDays(cycle.end, 8)}T00:00:00Z`}::timestamptz`;
  const before = (c: string) => sql.ref(`s.${c}`);
  const after = (c: string) => sql`(s.${sql.ref(c)} + coalesce(p.${sql.ref(c)}, 0))`;
  const breadth = (value: (c: string) => ReturnType<typeof sql>) => sql.join(CATEGORIES.map((c) => sql`(${value(c)} > 0)::int`), sql` + `);
  const result = await withSettings(db, SCORING_READ_SETTINGS, (trx) => sql<EffectRow>`
    with ${scoredCtes(proposed, filter, { rowVersion: true })},
    -- Each row's score as it is now comes with it (was_points): no join back to contributions,
    -- which hashed the whole cycle's rows (900k for 100k members) to find the change's own.
    changes as (
      select f.member_id, f.category, f.points::numeric(12, 2) - f.was_points as delta
      from scored f
      where f.counted and f.occurred_at >= ${from}::timestamptz and f.occurred_at < ${until}::timestamptz
    ),
    per_member as (
      select member_id, sum(delta) as total, count(*) filter (where delta <> 0) as changed,
             ${sql.join(CATEGORIES.map((c) => sql`coalesce(sum(delta) filter (where category = ${c}), 0) as ${sql.ref(c)}`), sql`, `)}
      from changes group by member_id
    ),
    moved as (
      select s.member_id, s.contributions, s.last_counted_at, s.handle_key, coalesce(p.changed, 0) as changed,
             s.points as points_before, s.points + coalesce(p.total, 0) as points_after,
             ${breadth(before)} as breadth_before, ${breadth(after)} as breadth_after,
             ${sql.join(CATEGORIES.map((c) => sql`${before(c)} as ${sql.ref(`${c}_before`)}, ${after(c)} as ${sql.ref(`${c}_after`)}`), sql`, `)}
      from member_standings s left join per_member p on p.member_id = s.member_id
      where s.cycle_year = ${cycle.year} and s.category = 'all' and s.listed
    ),
    ranked as (
      select m.*,
             row_number() over (order by points_before desc, breadth_before desc, contributions desc, last_counted_at, handle_key) as rank_before,
             row_number() over (order by points_after desc, breadth_after desc, contributions desc, last_counted_at, handle_key) as rank_after
      from moved m
    ),
    totals as (
      select count(*) filter (where rank_before <> rank_after) as moved, sum(changed) as changed, sum(contributions) as counted from ranked
    )
    select r.*, mb.handle, mb.name, t.moved, t.changed, t.counted
    from totals t
    left join ranked r on r.rank_before <= ${top} or r.rank_after <= ${top}
    left join members mb on mb.id = r.member_id
    order by r.rank_after`.execute(trx));
  const first = result.rows[0];
  const standing = (row: EffectRow, when: 'before' | 'after'): RankedStanding => ({
    rank: Number(row[`rank_${when}`]),
    memberId: Number(row.member_id),
    handle: row.handle,
    name: row.name,
    points: Number(row[`points_${when}`]),
    contributions: Number(row.contributions),
    lastContributionAt: new Date(row.last_counted_at).toISOString(),
    categories: Object.fromEntries(CATEGORIES.map((c) => [c, Number(row[`${c}_${when}`])])) as RankedStanding['categories'],
  });
  return {
    changedContributions: Number(first?.changed ?? 0),
    contributions: Number(first?.counted ?? 0),
    movedMembers: Number(first?.moved ?? 0),
    rows: result.rows
      .filter((row) => row.member_id !== null)
      .map((row) => ({ handle: row.handle, name: row.name, before: standing(row, 'before'), after: standing(row, 'after') })),
  };
}
