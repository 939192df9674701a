// Derives points from the facts, set-based: one UPDATE scores the contributions of a set of
// members with the rules version of each contribution's date (compiled to SQL by
// scoring-sql.ts), applies the caps with window functions, and writes only the rows whose
// points, explanation or rules version changed.
//
// A full rescore costs what the rules change touches: scoring_rules_seen remembers every set
// of rules that scored something since the last full application; rescoreAll recomputes only
// the kinds and dates where one of them differs from the current rules (domain/rules-diff.ts),
// whole ISO weeks for capped kinds, plus any rows never scored. Rows outside those scopes keep
// their points, explanation and the rules version that scored them (the new version would
// give them the same). Unchanged rules return at once.
import { createHash } from 'node:crypto';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { ProgramConfig } from '../domain/config-schema.js';
import { canonicalJson, rulesVersions, type RulesVersion } from '../domain/rules.js';
import { rulesScopes, type RulesScope } from '../domain/rules-diff.js';
import { compileScoring, lowerLabelsSql, versionIndexSql } from './scoring-sql.js';
import type { Database } from './schema.js';

export interface RescoreResult {
  members: number;
  contributions: number;
  changed: number;
}

export interface RescoreOptions {
  /** Members per statement (by id range); each is one transaction. Small enough that a chunk's
   * rewritten rows fit in the free space of their pages (fillfactor 75, migration 0081). */
  chunkSize?: number;
  /** Awaited by a first scoring between its statements (other writes may run meanwhile). */
  onProgress?: (done: number, total: number) => void | Promise<void>;
}

export async function rescoreMembers(
  db: Kysely<Database>,
  config: ProgramConfig,
  memberIds: number[],
): Promise<RescoreResult> {
  const unique = [...new Set(memberIds)];
  if (unique.length === 0) return { members: 0, contributions: 0, changed: 0 };
  await noteRulesInUse(db, rulesVersions(config));
  const outcome = await rescoreWhere(db, config, sql`c.member_id = any(${unique}::int[])`, sql`member_id = any(${unique}::int[])`);
  return { members: unique.length, ...outcome };
}

export function rulesDigest(versions: RulesVersion[]): string {
  return createHash('sha256').update(canonicalJson(versions)).digest('hex').slice(0, 16);
}

/** These rules scored something: the next rescoreAll compares them with its own. */
async function noteRulesInUse(db: Kysely<Database>, versions: RulesVersion[]): Promise<void> {
  await db
    .insertInto('scoring_rules_seen')
    .values({ digest: rulesDigest(versions), versions: JSON.stringify(versions) })
    .onConflict((oc) => oc.column('digest').doNothing())
    .execute();
}

/** What rescoreAll would recompute: null for everything (nothing was scored before). */
export async function rescoreScopes(db: Kysely<Database>, config: ProgramConfig): Promise<RulesScope[] | null> {
  const versions = rulesVersions(config);
  const digest = rulesDigest(versions);
  const seen = await db.selectFrom('scoring_rules_seen').select(['digest', 'versions']).execute();
  if (seen.length === 0) return null;
  const scopes = seen.filter((row) => row.digest !== digest).flatMap((row) => rulesScopes(row.versions as unknown as RulesVersion[], versions));
  return scopes.length === 0 ? scopes : presentScopes(db, scopes);
}

/**
 * The scopes with the kinds actually recorded: "every kind the rules do not know" becomes the
 * list of such kinds (usually none), so no scope needs a scan. The kinds come from a loose scan
 * of the index that leads with kind (one probe per distinct kind).
 */
export async function presentScopes(db: Kysely<Database>, scopes: RulesScope[]): Promise<RulesScope[]> {
  const result = await sql<{ kind: string }>`
    with recursive k(kind) as (
      (select kind from contributions order by kind limit 1)
      union all
      select (select c.kind from contributions c where c.kind > k.kind order by c.kind limit 1) from k where k.kind is not null
    )
    select kind from k where kind is not null`.execute(db);
  const present = result.rows.map((row) => row.kind);
  return scopes
    .map((scope) => ({
      ...scope,
      kinds: (scope.kinds ?? present.filter((kind) => !scope.knownKinds.includes(kind))).filter((kind) => present.includes(kind)),
    }))
    .filter((scope) => scope.kinds.length > 0);
}

export function scopeFilter(scopes: RulesScope[]): RawBuilder<unknown> {
  if (scopes.length === 0) return sql`false`;
  return sql`(${sql.join(
    scopes.map((scope) => {
      const kinds = scope.kinds === null ? sql`c.kind <> all(${scope.knownKinds}::text[])` : sql`c.kind = any(${scope.kinds}::text[])`;
      const from = scope.from ? sql` and c.occurred_at >= ${`${scope.from}T00:00:00Z`}::timestamptz` : sql``;
      const until = scope.until ? sql` and c.occurred_at < ${`${scope.until}T00:00:00Z`}::timestamptz` : sql``;
      return sql`(${kinds}${from}${until})`;
    }),
    sql` or `,
  )})`;
}

export async function rescoreAll(
  db: Kysely<Database>,
  config: ProgramConfig,
  options: RescoreOptions = {},
): Promise<RescoreResult> {
  const chunkSize = options.chunkSize ?? 10_000;
  const versions = rulesVersions(config);
  const scopes = await rescoreScopes(db, config);
  const bounds = await db
    .selectFrom('members')
    .select((eb) => [
      eb.fn.min<number>('id').as('low'),
      eb.fn.max<number>('id').as('high'),
      eb.fn.countAll<number>().as('n'),
    ])
    .executeTakeFirstOrThrow();
  const result: RescoreResult = { members: Number(bounds.n), contributions: 0, changed: 0 };
  if (bounds.low !== null && bounds.high !== null && (scopes === null || scopes.length > 0)) {
    // Everything the first time (whole members, standings rebuilt from the scored rows);
    // afterwards only the scopes, member range by member range.
    const low = Number(bounds.low);
    const high = Number(bounds.high);
    if (scopes === null && !db.isTransaction) {
      const outcome = await firstScoring(db, config, { low, high, members: result.members }, chunkSize, options.onProgress);
      result.contributions += outcome.contributions;
      result.changed += outcome.changed;
    } else {
      // A scoped rescore touches a fraction of each member's rows: its chunks span as many
      // members as hold about chunkSize members' worth of rows in scope.
      const step = scopes === null ? chunkSize : await scopedChunkSize(db, scopes, chunkSize, high - low + 1);
      for (let from = low; from <= high; from += step) {
        const to = Math.min(high, from + step - 1);
        const outcome =
          scopes === null
            ? await rescoreWholeMembers(db, config, (member) => sql`${member} between ${from} and ${to}`)
            : await rescoreWhere(db, config, sql`c.member_id between ${from} and ${to} and ${scopeFilter(scopes)}`);
        result.contributions += outcome.contributions;
        result.changed += outcome.changed;
        await options.onProgress?.(Math.round(((to - low + 1) / (high - low + 1)) * result.members), result.members);
      }
    }
  }
  // Rows never scored (written by an import, listed by the insert trigger): their members,
  // whole, in batches.
  const pending = (await db.selectFrom('scoring_pending').select('member_id').orderBy('member_id').execute()).map((row) => row.member_id);
  for (let index = 0; index < pending.length; index += chunkSize) {
    const ids = pending.slice(index, index + chunkSize);
    const outcome = await rescoreWholeMembers(db, config, (member) => sql`${member} = any(${ids}::int[])`);
    result.contributions += outcome.contributions;
    result.changed += outcome.changed;
    await options.onProgress?.(Math.min(index + chunkSize, pending.length), pending.length);
  }
  // After many rows moved: the standings' statistics, so the leaderboards keep their index plans,
  // and their visibility map, so a ranked count reads the ranking index alone.
  if (result.changed > 0) await tidyStandings(db);
  const digest = rulesDigest(versions);
  const apply = async (trx: Kysely<Database>) => {
    await trx.deleteFrom('scoring_rules_seen').where('digest', '<>', digest).execute();
    await noteRulesInUse(trx, versions);
  };
  await (db.isTransaction ? apply(db) : db.transaction().execute(apply));
  return result;
}

/** Members per chunk for a scoped rescore: chunkSize times the inverse of the share of rows in scope. */
async function scopedChunkSize(db: Kysely<Database>, scopes: RulesScope[], chunkSize: number, span: number): Promise<number> {
  const counts = await sql<{ scoped: number; all: number }>`
    select (select count(*) from contributions c where ${scopeFilter(scopes)})::float8 as scoped,
           (select reltuples from pg_class where oid = 'contributions'::regclass)::float8 as all`.execute(db);
  const row = counts.rows[0];
  const scoped = Number(row?.scoped ?? 0);
  const all = Math.max(Number(row?.all ?? 0), scoped);
  if (scoped === 0) return span;
  return Math.min(span, Math.max(chunkSize, Math.floor((chunkSize * all) / scoped)));
}

/**
 * VACUUM (ANALYZE) of member_standings: a rescore rewrote many of its rows, leaving dead
 * versions and pages the visibility map no longer vouches for (a count would visit the heap).
 * VACUUM cannot run in a transaction: inside one, ANALYZE alone.
 */
export async function tidyStandings(db: Kysely<Database>): Promise<void> {
  if (!db.isTransaction) {
    try {
      await sql`vacuum (analyze) member_standings`.execute(db);
      return;
    } catch {
      // An engine that refuses VACUUM here still gets its statistics.
    }
  }
  await sql`analyze member_standings`.execute(db);
}

/**
 * The scoring of the contributions matched by `filter` (over alias c) under `config`, as CTEs
 * to put after WITH: the last, `scored`, has id, member_id, category, counted, occurred_at,
 * rules_version, points and explanation.
 */
export function scoredCtes(config: ProgramConfig, filter: RawBuilder<unknown>, options: { rowVersion?: boolean } = {}): RawBuilder<unknown> {
  // The row version read (xmin): a later write of the score can tell that the row changed since.
  const version = options.rowVersion ? sql`, c.xmin as row_xmin` : sql``;
  const carried = options.rowVersion ? sql`, row_xmin` : sql``;
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
 * standings update trigger: for a statement that rebuilds the standings of what it scores.
 * Inside a caller's transaction the previous values are restored afterwards.
 */
async function withRescoreSettings<T>(db: Kysely<Database>, deferStandings: boolean, body: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  const settings: [string, string][] = [
    ['jit', 'off'],
    // The caps' window sorts and the id-order sort of a chunk in memory, not on disk.
    ['work_mem', '64MB'],
    ['enable_hashjoin', 'off'],
    ['enable_mergejoin', 'off'],
    ['ambassador.standings_deferred', deferStandings ? 'on' : 'off'],
  ];
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

const UPDATE_SCORED = sql`
    updated as (
      update contributions c
      set points = f.points, explanation = f.explanation, rules_version = f.rules_version, updated_at = now()
      from (select * from scored order by id) f
      where c.id = f.id
        and (c.points, c.explanation, c.rules_version) is distinct from (f.points::numeric(12, 2), f.explanation, f.rules_version)
      returning c.id
    )`;

/**
 * Scores the contributions matched by `filter`. `pending`, a predicate over scoring_pending's
 * member_id, clears those members' "never scored" marks first, in the same transaction: a row
 * an import adds meanwhile is either read by this scoring or keeps its member's mark.
 */
async function rescoreWhere(
  db: Kysely<Database>,
  config: ProgramConfig,
  filter: RawBuilder<unknown>,
  pending?: RawBuilder<unknown>,
): Promise<{ contributions: number; changed: number }> {
  const result = await withRescoreSettings(db, false, async (trx) => {
    if (pending) await sql`delete from scoring_pending where ${pending}`.execute(trx);
    return sql<{ considered: number; changed: number }>`
    with ${scoredCtes(config, filter)},
    ${UPDATE_SCORED}
    select (select count(*) from scored)::int as considered, (select count(*) from updated)::int as changed`.execute(trx);
  });
  const row = result.rows[0]!;
  return { contributions: Number(row.considered), changed: Number(row.changed) };
}

/**
 * Scores every contribution of the members matched by `members` (over a column reference)
 * and, in the same statement, replaces their maintained standings with totals of the scored
 * rows: the first scoring of a large import costs one pass over its rows, without the update
 * trigger's per-row deltas and a second read of the members' contributions.
 */
async function rescoreWholeMembers(
  db: Kysely<Database>,
  config: ProgramConfig,
  members: (column: RawBuilder<unknown>) => RawBuilder<unknown>,
): Promise<{ contributions: number; changed: number }> {
  const result = await withRescoreSettings(db, true, async (trx) => {
    // The members' "never scored" marks go first, in the same transaction (see rescoreWhere).
    await sql`delete from scoring_pending where ${members(sql.ref('member_id'))}`.execute(trx);
    return sql<{ considered: number; changed: number }>`
    with ${scoredCtes(config, members(sql.ref('c.member_id')))},
    ${UPDATE_SCORED},
    dated as (
      select f.member_id, extract(year from f.occurred_at at time zone 'UTC')::int as cycle_year, f.category, f.points, f.occurred_at
      from scored f where f.counted
    ),
    ${standingsFromDated(members)}
    select (select count(*) from scored)::int as considered, (select count(*) from updated)::int as changed,
           (select count(*) from removed)::int + (select count(*) from written)::int as standings`.execute(trx);
  });
  const row = result.rows[0]!;
  return { contributions: Number(row.considered), changed: Number(row.changed) };
}

/**
 * After a CTE `dated` (member_id, cycle_year, category, points, occurred_at: the counted rows of
 * the members matched by `members`), CTEs that replace those members' maintained standings
 * with totals of those rows: `removed` (rows that no longer have totals) and `written`.
 */
function standingsFromDated(members: (column: RawBuilder<unknown>) => RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`    bounds as materialized (
      select y.cycle_year, b.from_at, b.until_at
      from (select distinct cycle_year from dated) y cross join lateral standings_cycle_bounds(y.cycle_year) b
    ),
    totals as (
      select row(d.member_id, d.cycle_year, d.category, sum(d.points), count(*)::int, max(d.occurred_at))::standings_category_total as total
      from dated d join bounds b on b.cycle_year = d.cycle_year
      where d.occurred_at >= b.from_at and d.occurred_at < b.until_at
      group by d.member_id, d.cycle_year, d.category
    ),
    fresh as (
      select r.* from standings_rows_of(array(select t.total from totals t)) r
    ),
    -- The members' rows that no longer have totals (a set difference: no join of two large sets,
    -- which this statement's settings would make a nested loop).
    stale as (
      select s.member_id, s.cycle_year, s.category from member_standings s where ${members(sql.ref('s.member_id'))}
      except
      select r.member_id, r.cycle_year, r.category from fresh r
    ),
    removed as (
      delete from member_standings s using stale k
      where s.member_id = k.member_id and s.cycle_year = k.cycle_year and s.category = k.category
      returning 1
    ),
    written as (
      insert into member_standings
        (member_id, cycle_year, category, points, categories_with_points, contributions, last_counted_at, handle_key,
         code, content, events, documentation, education, leadership, listed, handle, name)
      select * from fresh
      on conflict (member_id, cycle_year, category) do update set
        points = excluded.points, categories_with_points = excluded.categories_with_points, contributions = excluded.contributions,
        last_counted_at = excluded.last_counted_at, handle_key = excluded.handle_key, code = excluded.code, content = excluded.content,
        events = excluded.events, documentation = excluded.documentation, education = excluded.education,
        leadership = excluded.leadership, listed = excluded.listed, handle = excluded.handle, name = excluded.name
      returning 1
    )`;
}

/** Contribution ids per stretch of the first scoring's writes, and how many passes each takes. */
const WRITE_STRETCH = 200_000;
const WRITE_PASSES = 24;

/**
 * The first scoring of everything (nothing was scored before), in three passes that each
 * cost one read or one write of the table instead of a write of every page per chunk:
 *
 * 1. score the members chunk by chunk (reads only) into a temporary table, with the version
 *    (xmin) of each row read;
 * 2. write the points stretch by stretch of ids, which is the table's physical order: a
 *    stretch's pages are written in one short burst (each page logged in full once, not once
 *    per chunk) in WRITE_PASSES transactions of every WRITE_PASSES-th row, so a page takes a
 *    few new versions per transaction and keeps them on the page (HOT, no index writes). A row
 *    changed since it was read is left alone and its member marked to be scored again;
 * 3. rebuild the standings chunk by chunk from the contributions as written.
 *
 * Needs its own connection (the temporary table) and transactions: not inside a caller's.
 */
async function firstScoring(
  db: Kysely<Database>,
  config: ProgramConfig,
  range: { low: number; high: number; members: number },
  chunkSize: number,
  onProgress: RescoreOptions['onProgress'],
): Promise<{ contributions: number; changed: number }> {
  const span = range.high - range.low + 1;
  // Progress in thirds: scoring, writing, standings.
  const report = async (phase: number, fraction: number) => {
    await onProgress?.(Math.round(((phase + fraction) / 3) * range.members), range.members);
  };
  return db.connection().execute(async (conn) => {
    await sql`drop table if exists pg_temp.first_scoring, pg_temp.first_scores`.execute(conn);
    await sql`
      create temporary table first_scoring (
        id integer not null, member_id integer not null, row_xmin xid not null,
        points numeric(12, 2) not null, explanation text not null, rules_version text not null
      )`.execute(conn);
    try {
      let contributions = 0;
      for (let from = range.low; from <= range.high; from += chunkSize) {
        const to = Math.min(range.high, from + chunkSize - 1);
        const scored = await withRescoreSettings(conn, false, async (trx) => {
          // The marks go first (see rescoreWhere); a row added meanwhile keeps its member's.
          await sql`delete from scoring_pending where member_id between ${from} and ${to}`.execute(trx);
          return sql`
            with ${scoredCtes(config, sql`c.member_id between ${from} and ${to}`, { rowVersion: true })}
            insert into first_scoring (id, member_id, row_xmin, points, explanation, rules_version)
            select id, member_id, row_xmin, points, explanation, rules_version from scored`.execute(trx);
        });
        contributions += Number(scored.numAffectedRows ?? 0);
        await report(0, (to - range.low + 1) / span);
      }
      // In id order (the table's), so each stretch of writes reads a stretch of this table.
      await conn.transaction().execute(async (trx) => {
        await sql`set local work_mem = '256MB'`.execute(trx);
        await sql`create temporary table first_scores as select * from first_scoring order by id`.execute(trx);
        await sql`drop table first_scoring`.execute(trx);
      });
      await sql`create index on first_scores (id)`.execute(conn);
      await sql`analyze first_scores`.execute(conn);

      const ids = await sql<{ low: number | null; high: number | null }>`select min(id) as low, max(id) as high from first_scores`.execute(conn);
      let changed = 0;
      const idLow = ids.rows[0]?.low;
      const idHigh = ids.rows[0]?.high;
      if (idLow != null && idHigh != null) {
        for (let from = Number(idLow); from <= Number(idHigh); from += WRITE_STRETCH) {
          const to = Math.min(Number(idHigh), from + WRITE_STRETCH - 1);
          for (let pass = 0; pass < WRITE_PASSES; pass += 1) {
            changed += await writeFirstScores(conn, from, to, pass);
          }
          await report(1, (to - Number(idLow) + 1) / (Number(idHigh) - Number(idLow) + 1));
        }
      }

      for (let from = range.low; from <= range.high; from += chunkSize) {
        const to = Math.min(range.high, from + chunkSize - 1);
        const members = (column: RawBuilder<unknown>) => sql`${column} between ${from} and ${to}`;
        await withRescoreSettings(conn, false, (trx) =>
          sql`
            with dated as (
              select c.member_id, extract(year from c.occurred_at at time zone 'UTC')::int as cycle_year, c.category, c.points, c.occurred_at
              from contributions c where ${members(sql.ref('c.member_id'))} and c.review_state = 'counted'
            ),
            ${standingsFromDated(members)}
            select (select count(*) from removed) + (select count(*) from written) as standings`.execute(trx),
        );
        await report(2, (to - range.low + 1) / span);
      }
      return { contributions, changed };
    } finally {
      await sql`drop table if exists pg_temp.first_scoring, pg_temp.first_scores`.execute(conn);
    }
  });
}

/**
 * One pass of a stretch of the first scoring's writes: the scores of every WRITE_PASSES-th id,
 * written where the row is still the version that was scored. Rows changed since (a review,
 * an edit) are not written: their members are marked to be scored again, whole.
 */
async function writeFirstScores(db: Kysely<Database>, from: number, to: number, pass: number): Promise<number> {
  const result = await withRescoreSettings(db, true, (trx) =>
    sql<{ changed: number }>`
      with f as materialized (
        select * from first_scores where id between ${from} and ${to} and id % ${WRITE_PASSES} = ${pass} order by id
      ),
      updated as (
        update contributions c
        set points = f.points, explanation = f.explanation, rules_version = f.rules_version, updated_at = now()
        from f
        where c.id = f.id and c.xmin = f.row_xmin
          and (c.points, c.explanation, c.rules_version) is distinct from (f.points, f.explanation, f.rules_version)
        returning c.id
      ),
      missed as (
        insert into scoring_pending (member_id)
        select distinct f.member_id
        from (select * from f where f.id not in (select id from updated)) f
        left join contributions c on c.id = f.id
        where c.id is null or c.xmin <> f.row_xmin
           or (c.points, c.explanation, c.rules_version) is distinct from (f.points, f.explanation, f.rules_version)
        on conflict (member_id) do nothing
        returning 1
      )
      select (select count(*) from updated)::int as changed, (select count(*) from missed)::int as missed`.execute(trx),
  );
  return Number(result.rows[0]?.changed ?? 0);
}
