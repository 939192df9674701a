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
// give them the same). Unchanged rules return at once. Outside a caller's transaction the
// members are split into contiguous shares rescored on connections of their own at once
// (rescoreInRanges), each in passes (rescore-passes.ts).
import { createHash } from 'node:crypto';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { ProgramConfig } from '../domain/config-schema.js';
import { canonicalJson, rulesVersions, type RulesVersion } from '../domain/rules.js';
import { rulesScopes, type RulesScope } from '../domain/rules-diff.js';
import { rescoreInPasses, type PassesPlan } from './rescore-passes.js';
import { clearStandings, scoredCtes, standingsFromDated, updateScores, withRescoreSettings } from './rescore-statements.js';
import type { Database } from './schema.js';

export interface RescoreResult {
  members: number;
  contributions: number;
  changed: number;
}

export interface RescoreOptions {
  /** Members per statement (by id range); each is one transaction. Default 25,000 in passes and
   * 10,000 in a caller's transaction, where a chunk's rewritten rows must fit in the free space
   * of their pages (fillfactor 75, migration 0081). */
  chunkSize?: number;
  /** Awaited by a first scoring between its statements (other writes may run meanwhile). */
  onProgress?: (done: number, total: number) => void | Promise<void>;
  /** Connections a full rescore works on at once, each for its own range of members (PostgreSQL;
   * PGlite's single connection takes them in turn). Default 2. */
  jobs?: number;
}

const NOTHING = { contributions: 0, changed: 0 };

export async function rescoreMembers(
  db: Kysely<Database>,
  config: ProgramConfig,
  memberIds: number[],
): Promise<RescoreResult> {
  const unique = [...new Set(memberIds)];
  if (unique.length === 0) return { members: 0, contributions: 0, changed: 0 };
  await noteRulesInUse(db, rulesVersions(config));
  // A member still marked never-scored may have rows a stopped first scoring wrote without their
  // standings (it defers them to its rebuild): those members are scored whole and their standings
  // rebuilt from the rows; the others' standings follow their rows' changes.
  const marked = new Set(
    (await db.selectFrom('scoring_pending').select('member_id').where(sql<boolean>`member_id = any(${unique}::int[])`).execute()).map((row) => row.member_id),
  );
  const rest = unique.filter((id) => !marked.has(id));
  const whole = marked.size > 0 ? await rescoreWholeMembers(db, config, (member) => sql`${member} = any(${[...marked]}::int[])`) : NOTHING;
  const followed = rest.length > 0 ? await rescoreWhere(db, config, sql`c.member_id = any(${rest}::int[])`, sql`member_id = any(${rest}::int[])`) : NOTHING;
  return { members: unique.length, contributions: whole.contributions + followed.contributions, changed: whole.changed + followed.changed };
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
  // In passes a chunk is scored into a temporary table and its standings rebuilt later, reading
  // rows spread over the whole table either way: larger chunks read it fewer times. A chunk
  // written in its own statement (in a caller's transaction) stays small enough for its pages.
  const chunkSize = options.chunkSize ?? (db.isTransaction ? 10_000 : 25_000);
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
    // Everything the first time (whole members), afterwards only the scopes.
    const low = Number(bounds.low);
    const high = Number(bounds.high);
    const first = scopes === null;
    // A scoped rescore touches a fraction of each member's rows: its chunks span as many
    // members as hold about chunkSize members' worth of rows in scope.
    const step = first ? chunkSize : await scopedChunkSize(db, scopes, chunkSize, high - low + 1);
    const chunk = (from: number, to: number) =>
      first ? sql`c.member_id between ${from} and ${to}` : sql`c.member_id between ${from} and ${to} and ${scopeFilter(scopes)}`;
    if (!db.isTransaction) {
      // In passes (rescore-passes.ts): they need their own connection and transactions.
      const outcome = await rescoreInRanges(db, config, { low, high, members: result.members, step, first, filter: chunk }, options);
      result.contributions += outcome.contributions;
      result.changed += outcome.changed;
    } else {
      for (let from = low; from <= high; from += step) {
        const to = Math.min(high, from + step - 1);
        const outcome = first
          ? await rescoreWholeMembers(db, config, (member) => sql`${member} between ${from} and ${to}`)
          : await rescoreWhere(db, config, chunk(from, to));
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
  // A scoped rescore leaves that to autovacuum (tuned for member_standings, migration 0082).
  if (result.changed > 0 && (scopes === null || pending.length > 0)) await tidyStandings(db);
  const digest = rulesDigest(versions);
  const apply = async (trx: Kysely<Database>) => {
    await trx.deleteFrom('scoring_rules_seen').where('digest', '<>', digest).execute();
    await noteRulesInUse(trx, versions);
  };
  await (db.isTransaction ? apply(db) : db.transaction().execute(apply));
  return result;
}

/**
 * The rescore in passes on `jobs` connections at once, each for a contiguous share of the member
 * ids: the members' rows and standings are disjoint, so the shares never wait on each other's
 * rows (the ranked counters take whichever row is free, migration 0083). Progress is the sum
 * of the shares'.
 */
async function rescoreInRanges(
  db: Kysely<Database>,
  config: ProgramConfig,
  plan: PassesPlan,
  options: RescoreOptions,
): Promise<{ contributions: number; changed: number }> {
  const span = plan.high - plan.low + 1;
  const asked = Math.floor(options.jobs ?? DEFAULT_JOBS);
  const jobs = Number.isFinite(asked) ? Math.max(1, Math.min(MAX_JOBS, asked, span)) : 1;
  const done = new Array<number>(jobs).fill(0);
  const shares = Array.from({ length: jobs }, (_, index) => {
    const low = plan.low + Math.floor((span * index) / jobs);
    const high = plan.low + Math.floor((span * (index + 1)) / jobs) - 1;
    return { ...plan, low, high, members: Math.round((plan.members * (high - low + 1)) / span), writers: jobs };
  });
  // A share that fails stops the others at their next step (between statements), and the rescore
  // ends only once every share has: nothing of it still writes after it has thrown.
  let failed = false;
  let cause: unknown;
  const outcome = { contributions: 0, changed: 0 };
  await Promise.all(
    shares.map(async (share, index) => {
      try {
        const part = await rescoreInPasses(db, config, share, async (value) => {
          if (failed) throw new Error('rescore stopped: another share failed');
          done[index] = value;
          await options.onProgress?.(Math.min(plan.members, done.reduce((sum, share) => sum + share, 0)), plan.members);
        });
        outcome.contributions += part.contributions;
        outcome.changed += part.changed;
      } catch (error) {
        if (!failed) cause = error;
        failed = true;
      }
    }),
  );
  if (failed) throw cause;
  return outcome;
}

const DEFAULT_JOBS = 2;
const MAX_JOBS = 8;

/**
 * Members per chunk for a scoped rescore: chunkSize times the inverse of the share of rows in
 * scope, from the planner's estimates (a count would read the scope once more just to size
 * the chunks).
 */
async function scopedChunkSize(db: Kysely<Database>, scopes: RulesScope[], chunkSize: number, span: number): Promise<number> {
  const plan = await sql<{ 'QUERY PLAN': unknown }>`explain (format json) select 1 from contributions c where ${scopeFilter(scopes)}`.execute(db);
  const raw = plan.rows[0]?.['QUERY PLAN'];
  const parsed = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { Plan?: { 'Plan Rows'?: number } }[] | undefined;
  const scoped = Number(parsed?.[0]?.Plan?.['Plan Rows'] ?? 0);
  const total = await sql<{ all: number }>`select reltuples::float8 as all from pg_class where oid = 'contributions'::regclass`.execute(db);
  const all = Math.max(Number(total.rows[0]?.all ?? 0), scoped);
  if (!(scoped > 0)) return span;
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

const UPDATE_SCORED = updateScores(sql`(select * from scored order by id)`);

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
 * and, in the same transaction, replaces their maintained standings with totals of the scored
 * rows (deleted first, written by the scoring statement): the first scoring of a large import
 * costs one pass over its rows, without the update trigger's per-row deltas and a second read
 * of the members' contributions.
 */
async function rescoreWholeMembers(
  db: Kysely<Database>,
  config: ProgramConfig,
  members: (column: RawBuilder<unknown>) => RawBuilder<unknown>,
): Promise<{ contributions: number; changed: number }> {
  const result = await withRescoreSettings(db, true, async (trx) => {
    // The members' "never scored" marks go first, in the same transaction (see rescoreWhere).
    await sql`delete from scoring_pending where ${members(sql.ref('member_id'))}`.execute(trx);
    await clearStandings(trx, members);
    return sql<{ considered: number; changed: number }>`
    with ${scoredCtes(config, members(sql.ref('c.member_id')))},
    ${UPDATE_SCORED},
    dated as (
      select f.member_id, extract(year from f.occurred_at at time zone 'UTC')::int as cycle_year, f.category, f.points, f.occurred_at
      from scored f where f.counted
    ),
    ${standingsFromDated()}
    select (select count(*) from scored)::int as considered, (select count(*) from updated)::int as changed`.execute(trx);
  });
  const row = result.rows[0]!;
  return { contributions: Number(row.considered), changed: Number(row.changed) };
}
