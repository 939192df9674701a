// A rescore of many rows in passes, each costing one read or one write of the contributions
// table rather than a write of every page per chunk of members:
//
// 1. score the members chunk by chunk (reads only) into a temporary table: the rows whose score
//    changes, with the version (xmin) of each row as read;
// 2. write those scores stretch by stretch in id order, which is the table's physical order, so a
//    stretch's pages are written in one short burst (each logged in full once after a
//    checkpoint, not once per chunk), in interleaved transactions, each for every P-th member
//    (a member's standings move once), so that a page takes few new versions per transaction
//    and keeps them on the page (HOT: no index entries). A row changed since it was read is not written and its member is marked to be
//    scored again, whole (scoring_pending). The standings move in the same transaction by the
//    points deltas of the rows written (standings_apply_deltas, migration 0087);
// 3. for the first scoring only, whose passes move no standings: rebuild the standings chunk
//    by chunk from the contributions as written, and only then end the members' never-scored
//    marks (a rescore stopped halfway leaves what it did not write marked).
//
// Needs its own connection (the temporary tables) and its own transactions.
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { ProgramConfig } from '../domain/config-schema.js';
import { clearStandings, cycleBounds, PASS_COMMITS, scoredCtes, standingsFromDated, updateScores, withRescoreSettings } from './rescore-statements.js';
import type { Database } from './schema.js';

export interface PassesPlan {
  /** The member id range, and how many members it holds (for progress). */
  low: number;
  high: number;
  members: number;
  /** Members per scoring chunk. */
  step: number;
  /** The contributions of members `from`..`to` to score, over alias c. */
  filter: (from: number, to: number) => RawBuilder<unknown>;
  /** The first scoring of everything: clears the never-scored marks, defers the standings trigger and rebuilds the standings. */
  first: boolean;
  /** How many such rescores write to the table at once (for other shares of the members): their passes share its pages. */
  writers?: number;
}

/** Rows written per stretch, and at most how many passes a stretch takes. */
const STRETCH_ROWS = 200_000;
const MAX_PASSES = 24;
/**
 * New row versions a page takes per pass, on average over the table: its free space (fillfactor
 * 75, migration 0081) holds about seven, and the dead ones are pruned between passes. At three,
 * a page given more than seven in one pass is rare (about 1%, by Poisson), so nearly every
 * write stays on its page (HOT); a change of up to three rows per page is written in one pass.
 * With other writers at once, a pass's dead versions stay until the writers' transactions that
 * overlapped it end (they may still see them): a pass then takes half, leaving room for the
 * previous one's (first scoring of 2M rows on two connections: 72% of writes HOT at three, 96%
 * at one and a half, and a fifth less time).
 */
const VERSIONS_PER_PAGE = 3;

export async function rescoreInPasses(
  db: Kysely<Database>,
  config: ProgramConfig,
  plan: PassesPlan,
  onProgress?: (done: number, total: number) => void | Promise<void>,
): Promise<{ contributions: number; changed: number }> {
  const span = plan.high - plan.low + 1;
  const phases = plan.first ? 3 : 2;
  const report = async (phase: number, fraction: number) => {
    await onProgress?.(Math.round(((phase + fraction) / phases) * plan.members), plan.members);
  };
  return db.connection().execute(async (conn) => {
    const drop = () => sql`drop table if exists pg_temp.rescore_scores, pg_temp.rescore_writes, pg_temp.rescore_missed, pg_temp.rescore_deltas`.execute(conn);
    await drop();
    // The members whose rows changed between their scoring and its write (marked to be scored again).
    await sql`create temporary table rescore_missed (member_id integer not null)`.execute(conn);
    // The standings deltas of a pass's writes, applied before its transaction commits.
    await sql`
      create temporary table rescore_deltas (member_id integer not null, cycle_year integer not null, category text not null, delta numeric not null)
      on commit delete rows`.execute(conn);
    await sql`
      create temporary table rescore_scores (
        id integer not null, member_id integer not null, row_xmin xid not null, was_points numeric(12, 2) not null,
        points numeric(12, 2) not null, explanation text not null, rules_version text not null
      )`.execute(conn);
    try {
      let contributions = 0;
      for (let from = plan.low; from <= plan.high; from += plan.step) {
        const to = Math.min(plan.high, from + plan.step - 1);
        contributions += await scoreChunk(conn, config, plan, from, to);
        await report(0, (to - plan.low + 1) / span);
      }
      const changed = await writeScores(conn, plan.first, plan.writers ?? 1, async (fraction) => report(1, fraction));
      if (plan.first) {
        for (let from = plan.low; from <= plan.high; from += plan.step) {
          const to = Math.min(plan.high, from + plan.step - 1);
          await rebuildStandings(conn, from, to);
          await report(2, (to - plan.low + 1) / span);
        }
      }
      return { contributions, changed };
    } finally {
      await drop();
    }
  });
}

/** Scores a chunk of members into rescore_scores (the rows whose score changes); returns the rows considered. */
async function scoreChunk(conn: Kysely<Database>, config: ProgramConfig, plan: PassesPlan, from: number, to: number): Promise<number> {
  // The never-scored marks stay until the standings are rebuilt (rebuildStandings): if the rescore
  // stops before, the rows it did not write are still marked.
  const result = await withRescoreSettings(conn, false, (trx) =>
    sql<{ considered: number }>`
      with ${scoredCtes(config, plan.filter(from, to), { rowVersion: true })},
      kept as (
        insert into rescore_scores (id, member_id, row_xmin, was_points, points, explanation, rules_version)
        select id, member_id, row_xmin, was_points, points, explanation, rules_version from scored
        where (was_points, was_explanation, was_rules_version) is distinct from (points::numeric(12, 2), explanation, rules_version)
        returning 1
      )
      select (select count(*) from scored)::int as considered, (select count(*) from kept)::int as kept`.execute(trx),
  );
  return Number(result.rows[0]?.considered ?? 0);
}

/** Writes rescore_scores to contributions in stretches and passes; returns the rows written. */
async function writeScores(conn: Kysely<Database>, rebuildLater: boolean, writers: number, progress: (fraction: number) => Promise<void>): Promise<number> {
  // In id order (the table's), so a stretch of writes reads a stretch of this table (by ctid).
  await conn.transaction().execute(async (trx) => {
    await sql`set local work_mem = '256MB'`.execute(trx);
    await sql`create temporary table rescore_writes as select * from rescore_scores order by id`.execute(trx);
    await sql`drop table rescore_scores`.execute(trx);
  });
  await sql`analyze rescore_writes`.execute(conn);
  const sizes = await sql<{ rows: number; pages: number; table_pages: number; buffers: number }>`
    select (select count(*) from rescore_writes)::int as rows,
           pg_relation_size('rescore_writes') / current_setting('block_size')::int as pages,
           greatest(1, pg_relation_size('contributions') / current_setting('block_size')::int) as table_pages,
           (select setting::bigint from pg_settings where name = 'shared_buffers')::int as buffers`.execute(conn);
  const rows = Number(sizes.rows[0]?.rows ?? 0);
  if (rows === 0) return 0;
  const pages = Math.max(1, Number(sizes.rows[0]!.pages));
  // The other writers' rows land on the same pages meanwhile (their shares are spread alike).
  const tablePages = Number(sizes.rows[0]!.table_pages);
  const perPage = (rows * writers) / tablePages;
  const budget = writers > 1 ? VERSIONS_PER_PAGE / 2 : VERSIONS_PER_PAGE;
  const passes = perPage <= VERSIONS_PER_PAGE ? 1 : Math.min(MAX_PASSES, Math.ceil(perPage / budget));
  const stretch = Math.max(1, Math.ceil((pages * stretchRows(rows, tablePages, Number(sizes.rows[0]!.buffers), writers, rebuildLater && passes > 1)) / rows));
  let changed = 0;
  for (let block = 0; block < pages; block += stretch) {
    for (let pass = 0; pass < passes; pass += 1) {
      changed += await writePass(conn, rebuildLater, block, block + stretch, passes, pass);
    }
    await progress(Math.min(1, (block + stretch) / pages));
  }
  return changed;
}

/**
 * Rows per stretch. A stretch that several passes revisit while the standings wait for the
 * rebuild (a first scoring) spans at most a quarter of the buffer cache's pages, shared by the
 * writers, so its pages are still cached at the next pass: over 200,000 rows, a stretch of 2M
 * rows on two connections spanned 14,000 of the table's 65,000 pages and the cache's 16,384
 * (128 MB), and each pass evicted the last one's pages before it came back to them (1.2M pages
 * written out by the connections; 490,000 with the smaller stretches, and 23 s of writes down
 * to 14 s). Passes that move the standings as they go (by their deltas) keep large stretches:
 * a member's standings move once per stretch.
 */
function stretchRows(rows: number, tablePages: number, buffers: number, writers: number, revisited: boolean): number {
  if (!revisited) return STRETCH_ROWS;
  const pages = Math.max(64, Math.floor(buffers / (4 * writers)));
  return Math.max(1, Math.min(STRETCH_ROWS, Math.ceil((rows * pages) / tablePages)));
}

/**
 * One pass of a stretch: the scores of every `passes`-th member in blocks `from`..`until` of
 * rescore_writes, written where the row is still the version that was scored. Rows changed
 * since (a review, an edit) are not written: their members are marked to be scored again.
 * The standings update trigger is deferred either way: a first scoring rebuilds the standings
 * afterwards (`rebuildLater`); otherwise the pass moves them by the points deltas of the rows
 * it wrote (each row's points as read, and so before the write, against its new points),
 * applied in its transaction by standings_apply_deltas (migration 0087), as the trigger would
 * but without keeping every old and new row of the update to find them again.
 */
async function writePass(conn: Kysely<Database>, rebuildLater: boolean, from: number, until: number, passes: number, pass: number): Promise<number> {
  const deltas = rebuildLater
    ? sql``
    : sql`,
      ${cycleBounds(sql`select distinct extract(year from u.occurred_at at time zone 'UTC')::int as cycle_year from updated u where u.review_state = 'counted'`)},
      moved as (
        insert into rescore_deltas (member_id, cycle_year, category, delta)
        select u.member_id, b.cycle_year, u.category, sum(u.points - u.was_points)
        from updated u join bounds b on b.cycle_year = extract(year from u.occurred_at at time zone 'UTC')::int
        where u.review_state = 'counted' and u.occurred_at >= b.from_at and u.occurred_at < b.until_at
        group by u.member_id, b.cycle_year, u.category
        having sum(u.points - u.was_points) <> 0
        returning 1
      )`;
  const result = await withRescoreSettings(
    conn,
    true,
    async (trx) => {
      const written = await sql<{ changed: number }>`
      with f as materialized (
        select * from rescore_writes
        where ctid >= ${`(${from},0)`}::tid and ctid < ${`(${until},0)`}::tid and member_id % ${passes} = ${pass}
        order by id
      ),
      ${updateScores(sql`f`, sql`c.xmin = f.row_xmin`, rebuildLater ? sql`` : sql`, c.member_id, c.occurred_at, c.category, c.review_state, c.points, f.was_points`)},
      missing as (
        select distinct f.member_id
        from (select * from f where f.id not in (select id from updated)) f
        left join contributions c on c.id = f.id
        where c.id is null or c.xmin <> f.row_xmin
           or (c.points, c.explanation, c.rules_version) is distinct from (f.points, f.explanation, f.rules_version)
      ),
      marked as (
        insert into scoring_pending (member_id) select member_id from missing on conflict (member_id) do nothing returning 1
      ),
      noted as (
        insert into rescore_missed (member_id) select member_id from missing returning 1
      )${deltas}
      select (select count(*) from updated)::int as changed, (select count(*) from marked)::int as marked,
             (select count(*) from noted)::int as noted`.execute(trx);
      // A later statement, so the function reads the rows as written when it recomputes a year.
      if (!rebuildLater) {
        await sql`
          select standings_apply_deltas(array_agg(member_id), array_agg(cycle_year), array_agg(category), array_agg(delta), null, null)
          from rescore_deltas having count(*) > 0`.execute(trx);
      }
      return written;
    },
    PASS_COMMITS,
  );
  return Number(result.rows[0]?.changed ?? 0);
}

/**
 * Replaces the standings of members `from`..`to` with totals of their contributions as written,
 * and ends their never-scored marks: the marks go first, in this transaction, then a member
 * with a row still unscored (imported meanwhile) is marked again. Members whose rows changed
 * between scoring and writing keep their marks.
 */
async function rebuildStandings(conn: Kysely<Database>, from: number, to: number): Promise<void> {
  const members = (column: RawBuilder<unknown>) => sql`${column} between ${from} and ${to}`;
  await withRescoreSettings(conn, false, async (trx) => {
    await sql`delete from scoring_pending where ${members(sql.ref('member_id'))}
              and member_id not in (select member_id from rescore_missed)`.execute(trx);
    await clearStandings(trx, members);
    await sql`
      with own as materialized (
        select c.member_id, c.occurred_at, c.category, c.points, c.review_state, c.rules_version
        from contributions c where ${members(sql.ref('c.member_id'))}
      ),
      dated as (
        select o.member_id, extract(year from o.occurred_at at time zone 'UTC')::int as cycle_year, o.category, o.points, o.occurred_at
        from own o where o.review_state = 'counted'
      ),
      ${standingsFromDated()},
      remarked as (
        insert into scoring_pending (member_id)
        select distinct o.member_id from own o where o.rules_version = ''
        on conflict (member_id) do nothing
        returning 1
      )
      select (select count(*) from written) as standings, (select count(*) from remarked) as remarked`.execute(trx);
  }, PASS_COMMITS);
}
