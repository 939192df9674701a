// The statements a rescore is made of, shared by the chunked rescore (rescore.ts) and the
// rescore in passes (rescore-passes.ts): the scoring of a set of contributions as CTEs, the
// settings rescore statements run with, and the rebuild of members' standings from their rows.
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { CATEGORIES } from '../domain/categories.js';
import type { ProgramConfig } from '../domain/config-schema.js';
import { rulesVersions } from '../domain/rules.js';
import { compileScoring, lowerLabelsSql, versionIndexSql } from './scoring-sql.js';
import type { Database } from './schema.js';

/**
 * The scoring of the contributions matched by `filter` (over alias c) under `config`, as CTEs
 * to put after WITH: the last, `scored`, has id, member_id, category, counted, occurred_at,
 * rules_version, points and explanation (and with rowVersion: row_xmin, was_points,
 * was_explanation, was_rules_version).
 */
export function scoredCtes(config: ProgramConfig, filter: RawBuilder<unknown>, options: { rowVersion?: boolean } = {}): RawBuilder<unknown> {
  // With rowVersion, also the version of each row read (xmin: a later write of its score can tell
  // that the row changed since) and the score it had then, so only rows whose score changes need be written.
  const version = options.rowVersion
    ? sql`, c.xmin as row_xmin, c.points as was_points, c.explanation as was_explanation, c.rules_version as was_rules_version`
    : sql``;
  const carried = options.rowVersion ? sql`, row_xmin, was_points, was_explanation, was_rules_version` : sql``;
  const versions = rulesVersions(config);
  const scoring = compileScoring(versions);
  const overCapDay = sql`(takes_place and cap_day is not null and day_rank > cap_day)`;
  const overCapWeek = sql`(in_day and cap_week is not null and week_rank > cap_week)`;
  return sql`s0 as materialized (
      select c.id, c.member_id, c.kind, c.category, c.occurred_at, c.metadata,
             c.review_state = 'counted' as counted,
             c.review_state in ('counted', 'pending') as takes_place,
             (c.occurred_at at time zone 'UTC')::date as day,
             date_trunc('week', c.occurred_at at time zone 'UTC')::date as week,
             ${versionIndexSql(versions, sql.ref('c.occurred_at'))} as version_index,
             ${lowerLabelsSql(sql.ref('c.metadata'))} as labels${version}
      from contributions c
      where ${filter}
    ),
    s1 as (
      select s.id, s.member_id, s.kind, s.category, s.counted, s.occurred_at, s.takes_place, s.day, s.week${carried},
             ${scoring.points} as raw_points, ${scoring.sentence} as sentence,
             ${scoring.rulesVersion} as rules_version,
             ${scoring.capPerDay} as cap_day, ${scoring.capPerWeek} as cap_week
      from s0 s
    ),
    s2 as (
      select s1.*,
             row_number() over (partition by member_id, kind, day, takes_place order by occurred_at, id) as day_rank
      from s1
    ),
    s3 as (
      select s2.*, (takes_place and (cap_day is null or day_rank <= cap_day)) as in_day
      from s2
    ),
    s4 as (
      select s3.*,
             row_number() over (partition by member_id, kind, week, in_day order by occurred_at, id) as week_rank
      from s3
    ),
    scored as (
      select id, member_id, category, counted, occurred_at, rules_version${carried},
             case when ${overCapDay} or ${overCapWeek} then 0 else raw_points end as points,
             case
               when ${overCapDay} then '0 = ' || sentence || ', not counted: over the cap of ' || cap_day || ' a day on ' || day::text
               when ${overCapWeek} then '0 = ' || sentence || ', not counted: over the cap of ' || cap_week || ' a week from ' || week::text
               else trim_scale(raw_points)::text || ' = ' || sentence
             end as explanation
      from s4
    )`;
}

/**
 * The statement settings of a rescore: no JIT (compiling the scoring expressions costs more
 * than it saves on a chunk), and the new points written by looking up each row by id in id
 * order (a nested loop over the primary key), which visits the table's pages in order
 * instead of hashing the whole table and writing in the scorer's order. The standings
 * triggers set their own join methods back (migration 0074). `deferStandings` skips the
 * standings update trigger: for a statement that rebuilds the standings of what it scores, or
 * a pass that moves them by the deltas of what it writes (rescore-passes.ts). `also`: more
 * settings (PASS_COMMITS).
 */
export async function withRescoreSettings<T>(
  db: Kysely<Database>,
  deferStandings: boolean,
  body: (trx: Kysely<Database>) => Promise<T>,
  also: [string, string][] = [],
): Promise<T> {
  return withSettings(
    db,
    [
      ['jit', 'off'],
      // The caps' window sorts and the id-order sort of a chunk in memory, not on disk.
      ['work_mem', '64MB'],
      ['enable_hashjoin', 'off'],
      ['enable_mergejoin', 'off'],
      ['ambassador.standings_deferred', deferStandings ? 'on' : 'off'],
      ...also,
    ],
    body,
  );
}

/**
 * For the transactions of a rescore in passes, which rescoreAll ends with a transaction of its
 * own that commits as usual: theirs do not wait for the log to reach the disk (hundreds of
 * commits in a first scoring). A crash may lose the last of them, whole (each is atomic, and
 * the log is replayed in order, so none is kept without the ones before it); the rules they
 * applied are not yet recorded as applied then, so the next rescore does them again.
 */
export const PASS_COMMITS: [string, string][] = [['synchronous_commit', 'off']];

/** The settings of a statement that scores in SQL without writing (the rules preview): no JIT, sorts in memory. */
export const SCORING_READ_SETTINGS: [string, string][] = [
  ['jit', 'off'],
  ['work_mem', '64MB'],
];

/**
 * Runs `body` in a transaction with `settings` local to it; inside a caller's transaction
 * the previous values are restored afterwards.
 */
export async function withSettings<T>(db: Kysely<Database>, settings: [string, string][], body: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  const apply = (trx: Kysely<Database>, values: [string, string][]) =>
    sql`select ${sql.join(values.map(([name, value]) => sql`set_config(${name}, ${value}, true)`), sql`, `)}`.execute(trx);
  const run = async (trx: Kysely<Database>) => {
    const before = db.isTransaction
      ? await sql<Record<string, string | null>>`select ${sql.join(settings.map(([name], index) => sql`current_setting(${name}, true) as ${sql.ref(`s${index}`)}`), sql`, `)}`.execute(trx)
      : null;
    await apply(trx, settings);
    const result = await body(trx);
    if (before) {
      const row = before.rows[0]!;
      await apply(trx, settings.map(([name], index) => [name, row[`s${index}`] ?? '']));
    }
    return result;
  };
  return db.isTransaction ? run(db) : db.transaction().execute(run);
}

/**
 * Deletes the maintained standings of the members matched by `members` (over a column
 * reference), in the transaction that then writes them afresh (standingsFromDated): new rows
 * cost less than an upsert over the old ones (no tuple lock per row, no old version to find;
 * 253k rows of a first scoring in 4.4 s instead of 5.2 s).
 */
export async function clearStandings(trx: Kysely<Database>, members: (column: RawBuilder<unknown>) => RawBuilder<unknown>): Promise<void> {
  await sql`delete from member_standings s where ${members(sql.ref('s.member_id'))}`.execute(trx);
}

/**
 * After a CTE `dated` (member_id, cycle_year, category, points, occurred_at: the counted rows of
 * members whose standings clearStandings deleted earlier in the transaction), a CTE `written`
 * that inserts those members' standings from totals of those rows. A row another transaction
 * inserted meanwhile (its standings trigger) is replaced. The rows are made as
 * standings_rows_of (migration 0074) makes them, written out here so the planner sees one
 * query: through that function they went into an array and out of it again, and the function
 * ran as a query of its own (about a tenth of each rebuild statement).
 */
export function standingsFromDated(): RawBuilder<unknown> {
  return sql`    ${cycleBounds(sql`select distinct cycle_year from dated`)},
    totals as materialized (
      select d.member_id, d.cycle_year, d.category, sum(d.points) as points, count(*)::int as contributions, max(d.occurred_at) as last_at
      from dated d join bounds b on b.cycle_year = d.cycle_year
      where d.occurred_at >= b.from_at and d.occurred_at < b.until_at
      group by d.member_id, d.cycle_year, d.category
    ),
    member_totals as (
      select t.member_id, t.cycle_year, sum(t.points) as points, sum(t.contributions)::int as contributions, max(t.last_at) as last_at,
             count(*) filter (where t.points > 0)::int as breadth,
             ${sql.join(
               CATEGORIES.map((category) => sql`coalesce(sum(t.points) filter (where t.category = ${sql.lit(category)}), 0) as ${sql.ref(category)}`),
               sql`, `,
             )}
      from totals t group by t.member_id, t.cycle_year
    ),
    written as (
      insert into member_standings
        (member_id, cycle_year, category, points, categories_with_points, contributions, last_counted_at, handle_key,
         code, content, events, documentation, education, leadership, listed, handle, name)
      select t.member_id, t.cycle_year, 'all', t.points, t.breadth, t.contributions, t.last_at, lower(m.handle),
             t.code, t.content, t.events, t.documentation, t.education, t.leadership, m.state = 'registered' and not m.is_bot, m.handle, m.name
      from member_totals t join members m on m.id = t.member_id
      union all
      select t.member_id, t.cycle_year, t.category, t.points, 1, t.contributions, t.last_at, lower(m.handle),
             0, 0, 0, 0, 0, 0, m.state = 'registered' and not m.is_bot, m.handle, m.name
      from totals t join members m on m.id = t.member_id
      where t.points > 0
      on conflict (member_id, cycle_year, category) do update set
        points = excluded.points, categories_with_points = excluded.categories_with_points, contributions = excluded.contributions,
        last_counted_at = excluded.last_counted_at, handle_key = excluded.handle_key, code = excluded.code, content = excluded.content,
        events = excluded.events, documentation = excluded.documentation, education = excluded.education,
        leadership = excluded.leadership, listed = excluded.listed, handle = excluded.handle, name = excluded.name
      returning 1
    )`;
}

/**
 * The CTE `bounds` (cycle_year, from_at, until_at): the instants each cycle year of `years` (a
 * query of distinct cycle_year) covers, once per year rather than once per row.
 */
export function cycleBounds(years: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`bounds as materialized (
      select y.cycle_year, b.from_at, b.until_at
      from (${years}) y cross join lateral standings_cycle_bounds(y.cycle_year) b
    )`;
}

/**
 * The CTE `updated` (returning c.id, and the columns `returning` lists after a leading comma):
 * writes the scores of `source` (id, points, explanation, rules_version, in id order) to the
 * contributions they differ from, where `also` holds too.
 * Each row is looked up in the primary key: an index fetch also prunes the page of the dead
 * versions earlier passes left (a fetch by ctid does not, and then only 29% of a first
 * scoring's writes stayed on their pages, against 97%).
 */
export function updateScores(source: RawBuilder<unknown>, also: RawBuilder<unknown> = sql`true`, returning: RawBuilder<unknown> = sql``): RawBuilder<unknown> {
  return sql`updated as (
      update contributions c
      set points = f.points, explanation = f.explanation, rules_version = f.rules_version, updated_at = now()
      from ${source} f
      where c.id = f.id and ${also}
        and (c.points, c.explanation, c.rules_version) is distinct from (f.points::numeric(12, 2), f.explanation, f.rules_version)
      returning c.id${returning}
    )`;
}
