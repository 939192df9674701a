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
   * rewritten rows fit in the free space of their pages (fillfactor 85, migration 0072). */
  chunkSize?: number;
  onProgress?: (done: number, total: number) => void;
}

export async function rescoreMembers(
  db: Kysely<Database>,
  config: ProgramConfig,
  memberIds: number[],
): Promise<RescoreResult> {
  const unique = [...new Set(memberIds)];
  if (unique.length === 0) return { members: 0, contributions: 0, changed: 0 };
  await noteRulesInUse(db, rulesVersions(config));
  const outcome = await rescoreWhere(db, config, sql`c.member_id = any(${unique}::int[])`);
  await sql`delete from scoring_pending where member_id = any(${unique}::int[])`.execute(db);
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
    // A scoped rescore touches a fraction of each member's rows: its chunks span as many
    // members as hold about chunkSize members' worth of rows in scope.
    const step = scopes === null ? chunkSize : await scopedChunkSize(db, scopes, chunkSize, high - low + 1);
    for (let from = low; from <= high; from += step) {
      const to = Math.min(high, from + step - 1);
      const outcome =
        scopes === null
          ? await rescoreWholeMembers(db, config, (member) => sql`${member} between ${from} and ${to}`)
          : await rescoreWhere(db, config, sql`c.member_id between ${from} and ${to} and ${scopeFilter(scopes)}`);
      if (scopes === null) await db.deleteFrom('scoring_pending').where('member_id', '>=', from).where('member_id', '<=', to).execute();
      result.contributions += outcome.contributions;
      result.changed += outcome.changed;
      options.onProgress?.(Math.round(((to - low + 1) / (high - low + 1)) * result.members), result.members);
    }
  }
  // Rows never scored (written by an import, listed by the insert trigger): their members,
  // whole, in batches.
  const pending = (await db.selectFrom('scoring_pending').select('member_id').orderBy('member_id').execute()).map((row) => row.member_id);
  for (let index = 0; index < pending.length; index += chunkSize) {
    const ids = pending.slice(index, index + chunkSize);
    const outcome = await rescoreWholeMembers(db, config, (member) => sql`${member} = any(${ids}::int[])`);
    await sql`delete from scoring_pending where member_id = any(${ids}::int[])`.execute(db);
    result.contributions += outcome.contributions;
    result.changed += outcome.changed;
    options.onProgress?.(Math.min(index + chunkSize, pending.length), pending.length);
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
export function scoredCtes(config: ProgramConfig, filter: RawBuilder<unknown>): RawBuilder<unknown> {
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
             ${lowerLabelsSql(sql.ref('c.metadata'))} as labels
      from contributions c
      where ${filter}
    ),
    s1 as (
      select s.id, s.member_id, s.kind, s.category, s.counted, s.occurred_at, s.takes_place, s.day, s.week,
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
      select id, member_id, category, counted, occurred_at, rules_version,
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

async function rescoreWhere(
  db: Kysely<Database>,
  config: ProgramConfig,
  filter: RawBuilder<unknown>,
): Promise<{ contributions: number; changed: number }> {
  const result = await withRescoreSettings(db, false, (trx) =>
    sql<{ considered: number; changed: number }>`
    with ${scoredCtes(config, filter)},
    ${UPDATE_SCORED}
    select (select count(*) from scored)::int as considered, (select count(*) from updated)::int as changed`.execute(trx),
  );
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
  const result = await withRescoreSettings(db, true, (trx) =>
    sql<{ considered: number; changed: number }>`
    with ${scoredCtes(config, members(sql.ref('c.member_id')))},
    ${UPDATE_SCORED},
    dated as (
      select f.member_id, extract(year from f.occurred_at at time zone 'UTC')::int as cycle_year, f.category, f.points, f.occurred_at
      from scored f where f.counted
    ),
    bounds as materialized (
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
    )
    select (select count(*) from scored)::int as considered, (select count(*) from updated)::int as changed,
           (select count(*) from removed)::int + (select count(*) from written)::int as standings`.execute(trx),
  );
  const row = result.rows[0]!;
  return { contributions: Number(row.considered), changed: Number(row.changed) };
}
