// Per-identity sync state (table identity_sync_state, migration 0025): each linked identity's
// cursor, last check, next check, failures in a row and last error, per source. A check that
// changed nothing writes nothing at all, so an unchanged re-sync costs no WAL per identity: the
// row of a healthy identity keeps the time of its last change, and such an identity was
// checked by every completed run of its source since (healthy identities are always due), so
// its last check is the latest of the two (`effectiveLastCheck`). A failed check backs the
// identity off exponentially (15 min, 30 min, 1 h, ... at most 24 h) without touching others.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { SourceCursor } from '../sources/contract.js';
import type { Database } from '../store/schema.js';

export const BACKOFF_BASE_MS = 15 * 60_000;
export const BACKOFF_CAP_MS = 24 * 3_600_000;
const ERROR_MAX = 1000;

/** When an identity that failed `failures` times in a row is next due. */
export function nextCheckAfterFailure(now: Date, failures: number): Date {
  const delay = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.min(Math.max(failures - 1, 0), 20));
  return new Date(now.getTime() + delay);
}

/** JSON with object keys sorted, so that a cursor read back from jsonb compares equal. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const item = (value as Record<string, unknown>)[key];
      if (item !== undefined) out[key] = sortKeys(item);
    }
    return out;
  }
  return value ?? null;
}

export interface IdentityState {
  identityId: number;
  cursor: SourceCursor;
  /** canonicalJson of the saved cursor, to tell whether a new one differs. */
  cursorJson: string;
  lastCheckedAt: Date | null;
  nextCheckAt: Date | null;
  consecutiveFailures: number;
  lastError: string | null;
}

/** The saved state of every identity of `source`, by identity id. */
export async function loadIdentityStates(db: Kysely<Database>, source: string): Promise<Map<number, IdentityState>> {
  const rows = await db.selectFrom('identity_sync_state').selectAll().where('source', '=', source).execute();
  return new Map(
    rows.map((row) => {
      const cursor = (row.cursor as SourceCursor | undefined) ?? null;
      return [
        row.identity_id,
        {
          identityId: row.identity_id,
          cursor,
          cursorJson: canonicalJson(cursor),
          lastCheckedAt: row.last_checked_at,
          nextCheckAt: row.next_check_at,
          consecutiveFailures: row.consecutive_failures,
          lastError: row.last_error,
        },
      ];
    }),
  );
}

/** Due unless a failure pushed its next check past `now`. */
export function isDue(state: IdentityState | undefined, now: Date): boolean {
  return !state?.nextCheckAt || state.nextCheckAt.getTime() <= now.getTime();
}

/**
 * Records a successful check inside the batch's transaction when something must be written (a
 * new or changed cursor, a failure streak that ends, a first check). Returns false, writing
 * nothing, when the saved row is already right.
 */
export async function recordCheckSucceeded(
  trx: Transaction<Database>,
  source: string,
  identityId: number,
  cursor: SourceCursor | undefined,
  saved: IdentityState | undefined,
  now: Date,
): Promise<boolean> {
  const cursorJson = cursor === undefined ? saved?.cursorJson ?? 'null' : canonicalJson(cursor);
  if (saved && saved.cursorJson === cursorJson && saved.consecutiveFailures === 0 && saved.lastError === null) return false;
  const values = {
    cursor: cursorJson,
    last_checked_at: now,
    next_check_at: now,
    consecutive_failures: 0,
    last_error: null,
    updated_at: new Date(),
  };
  await trx
    .insertInto('identity_sync_state')
    .values({ identity_id: identityId, source, ...values })
    .onConflict((oc) => oc.columns(['identity_id', 'source']).doUpdateSet(values))
    .execute();
  return true;
}

/** Records a failed check: one more failure in a row, the error, the next check backed off. */
export async function recordCheckFailed(
  trx: Transaction<Database> | Kysely<Database>,
  source: string,
  identityId: number,
  error: string,
  saved: IdentityState | undefined,
  now: Date,
): Promise<{ failures: number; nextCheckAt: Date }> {
  const failures = (saved?.consecutiveFailures ?? 0) + 1;
  const nextCheckAt = nextCheckAfterFailure(now, failures);
  const values = { last_checked_at: now, next_check_at: nextCheckAt, consecutive_failures: failures, last_error: error.slice(0, ERROR_MAX), updated_at: new Date() };
  await trx
    .insertInto('identity_sync_state')
    .values({ identity_id: identityId, source, cursor: saved ? saved.cursorJson : null, ...values })
    .onConflict((oc) => oc.columns(['identity_id', 'source']).doUpdateSet(values))
    .execute();
  return { failures, nextCheckAt };
}

/** What the identities page and the console show about an identity's checks. */
export interface IdentityCheckView {
  identityId: number;
  source: string;
  lastCheckedAt: string | null;
  nextCheckAt: string | null;
  consecutiveFailures: number;
  lastError: string | null;
}

interface StateRow {
  identity_id: number;
  source: string;
  last_checked_at: Date | null;
  next_check_at: Date | null;
  consecutive_failures: number;
  last_error: string | null;
  /** The latest completed run of the source over everyone (not one member's). */
  last_run_at: Date | string | null;
}

/** A healthy identity was checked by the source's latest completed run; a failing one when it failed. */
export function effectiveLastCheck(row: Pick<StateRow, 'last_checked_at' | 'consecutive_failures' | 'last_run_at'>): Date | null {
  const own = row.last_checked_at;
  if (row.consecutive_failures > 0 || row.last_run_at === null) return own;
  const run = new Date(row.last_run_at);
  return own && own.getTime() > run.getTime() ? own : run;
}

function toView(row: StateRow): IdentityCheckView {
  const failing = row.consecutive_failures > 0;
  return {
    identityId: row.identity_id,
    source: row.source,
    lastCheckedAt: effectiveLastCheck(row)?.toISOString() ?? null,
    // A healthy identity is due at every run of its source.
    nextCheckAt: failing ? row.next_check_at?.toISOString() ?? null : null,
    consecutiveFailures: row.consecutive_failures,
    lastError: row.last_error,
  };
}

const lastRunAt = sql<Date | null>`(select r.finished_at from sync_runs r
  where r.source = s.source and r.scope is null and r.status in ('ok', 'partial') and r.finished_at is not null
  order by r.id desc limit 1)`.as('last_run_at');

/** The check state of one member's identities only (never another member's). */
export async function memberIdentityChecks(db: Kysely<Database>, memberId: number): Promise<IdentityCheckView[]> {
  const rows = await db
    .selectFrom('identity_sync_state as s')
    .innerJoin('identities as i', 'i.id', 's.identity_id')
    .select(['s.identity_id', 's.source', 's.last_checked_at', 's.next_check_at', 's.consecutive_failures', 's.last_error', lastRunAt])
    .where('i.member_id', '=', memberId)
    .orderBy('s.identity_id')
    .orderBy('s.source')
    .execute();
  return rows.map(toView);
}

export interface FailingIdentity extends IdentityCheckView {
  memberHandle: string;
  platform: string;
  externalId: string;
}

/** Identities whose last check failed, most failures first (the console's sync page). */
export async function failingIdentities(db: Kysely<Database>, limit = 200): Promise<FailingIdentity[]> {
  const rows = await db
    .selectFrom('identity_sync_state as s')
    .innerJoin('identities as i', 'i.id', 's.identity_id')
    .innerJoin('members as m', 'm.id', 'i.member_id')
    .select(['s.identity_id', 's.source', 's.last_checked_at', 's.next_check_at', 's.consecutive_failures', 's.last_error', 'm.handle', 'i.platform', 'i.external_id', lastRunAt])
    .where('s.consecutive_failures', '>', 0)
    .orderBy('s.consecutive_failures', 'desc')
    .orderBy('s.identity_id')
    .limit(limit)
    .execute();
  return rows.map((row) => ({ ...toView(row), memberHandle: row.handle, platform: row.platform, externalId: row.external_id }));
}

/** Counts per source: identities with state, failing now, backing off past `now`. */
export async function identityStateSummary(db: Kysely<Database>, now: Date) {
  const rows = await sql<{ source: string; identities: number; failing: number; waiting: number }>`
    select source, count(*)::int as identities,
      count(*) filter (where consecutive_failures > 0)::int as failing,
      count(*) filter (where next_check_at > ${now})::int as waiting
    from identity_sync_state group by source order by source`.execute(db);
  return rows.rows;
}
