// The notification outbox: every email and webhook is a row before it is sent. Sending takes a
// lease on the row (status sending, claimed_until); success settles it as sent; a failure puts
// it back to pending with the next attempt pushed out exponentially, and after the last
// attempt it is failed, which the console shows. A sender that crashes between the lease and
// the settle leaves the row to be picked up again once the lease has run out, so each
// notification is sent once per event, and a lost one only when the mail server took it and
// the process died before writing that down.
import { sql, type Kysely } from 'kysely';
import type { WebDatabase } from '../web/queries/tables.js';

export const MAX_ATTEMPTS = 8;
/** How long a sender holds a row before another may take it over. */
export const LEASE_MS = 2 * 60_000;
const FIRST_RETRY_MS = 30_000;
const LONGEST_RETRY_MS = 6 * 3600_000;

export interface OutboxRow {
  id: number;
  key: string;
  kind: string;
  channel: 'email' | 'webhook';
  member_id: number | null;
  recipient: string;
  status: 'pending' | 'sending' | 'sent' | 'failed';
  attempts: number;
  error: string | null;
  payload: unknown;
}

/** The wait after the n-th failed attempt: 30 s, 1 min, 2 min, … at most 6 h. */
export function retryDelayMs(attempts: number): number {
  return Math.min(LONGEST_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1));
}

export interface NewOutboxRow {
  key: string;
  kind: string;
  channel: 'email' | 'webhook';
  memberId: number | null;
  recipient: string;
  payload: Record<string, unknown>;
}

/** Writes the row unless its key exists; true when it is new. */
export async function enqueue(db: Kysely<WebDatabase>, row: NewOutboxRow, now: Date): Promise<boolean> {
  const inserted = await db
    .insertInto('notifications')
    .values({
      key: row.key,
      kind: row.kind,
      channel: row.channel,
      member_id: row.memberId,
      recipient: row.recipient,
      status: 'pending',
      attempts: 0,
      payload: JSON.stringify(row.payload),
      next_attempt_at: now,
    })
    .onConflict((oc) => oc.column('key').doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/**
 * Leases the row of `key` for a send now: a pending row (whatever its next attempt time: the
 * event happened again, so it is tried at once) or one whose lease ran out. Undefined when it
 * was sent, gave up, or another sender holds it.
 */
export async function leaseKey(db: Kysely<WebDatabase>, key: string, now: Date, payload?: Record<string, unknown>): Promise<OutboxRow | undefined> {
  const row = await db
    .updateTable('notifications')
    .set({
      status: 'sending',
      claimed_until: new Date(now.getTime() + LEASE_MS),
      attempts: sql`attempts + 1`,
      ...(payload ? { payload: JSON.stringify(payload) } : {}),
    })
    .where('key', '=', key)
    .where((eb) => eb.or([eb('status', '=', 'pending'), eb.and([eb('status', '=', 'sending'), eb('claimed_until', '<', now)])]))
    .returningAll()
    .executeTakeFirst();
  return row as OutboxRow | undefined;
}

/** Leases up to `limit` rows that are due (their time came, or their lease ran out). */
export async function leaseDue(db: Kysely<WebDatabase>, now: Date, limit: number): Promise<OutboxRow[]> {
  const result = await sql<OutboxRow>`
    update notifications set status = 'sending', claimed_until = ${new Date(now.getTime() + LEASE_MS)}, attempts = attempts + 1
    where id in (
      select id from notifications
      where (status = 'pending' and next_attempt_at <= ${now}) or (status = 'sending' and claimed_until < ${now})
      order by next_attempt_at nulls first, id
      limit ${limit}
      for update skip locked
    )
    returning *`.execute(db);
  return result.rows;
}

/** Settles a leased row: sent, back to pending with a later attempt, or failed for good. */
export async function settle(db: Kysely<WebDatabase>, row: Pick<OutboxRow, 'id' | 'attempts'>, error: string | null, now: Date, retryable = true): Promise<'sent' | 'retry' | 'failed'> {
  if (error === null) {
    await db.updateTable('notifications').set({ status: 'sent', error: null, sent_at: now, claimed_until: null, next_attempt_at: null }).where('id', '=', row.id).execute();
    return 'sent';
  }
  const giveUp = !retryable || row.attempts >= MAX_ATTEMPTS;
  await db
    .updateTable('notifications')
    .set({
      status: giveUp ? 'failed' : 'pending',
      error: error.slice(0, 500),
      claimed_until: null,
      next_attempt_at: giveUp ? null : new Date(now.getTime() + retryDelayMs(row.attempts)),
    })
    .where('id', '=', row.id)
    .execute();
  return giveUp ? 'failed' : 'retry';
}

export interface OutboxBacklog {
  pending: number;
  sending: number;
  failed: number;
  oldestPendingAt: Date | null;
}

export async function outboxBacklog(db: Kysely<WebDatabase>): Promise<OutboxBacklog> {
  const row = await sql<{ pending: number; sending: number; failed: number; oldest: Date | null }>`
    select count(*) filter (where status = 'pending')::int as pending,
           count(*) filter (where status = 'sending')::int as sending,
           count(*) filter (where status = 'failed')::int as failed,
           min(created_at) filter (where status in ('pending', 'sending')) as oldest
    from notifications`.execute(db);
  const first = row.rows[0];
  return { pending: first?.pending ?? 0, sending: first?.sending ?? 0, failed: first?.failed ?? 0, oldestPendingAt: first?.oldest ? new Date(first.oldest) : null };
}

/** Notifications that gave up, newest first, for the console. */
export async function failedNotifications(db: Kysely<WebDatabase>, limit = 50) {
  return db
    .selectFrom('notifications')
    .select(['id', 'key', 'kind', 'channel', 'recipient', 'attempts', 'error', 'created_at'])
    .where('status', '=', 'failed')
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
}

/** Puts a failed notification back in the queue (a manager's "try again"). */
export async function retryFailed(db: Kysely<WebDatabase>, id: number, now: Date): Promise<boolean> {
  const result = await db.updateTable('notifications').set({ status: 'pending', attempts: 0, next_attempt_at: now }).where('id', '=', id).where('status', '=', 'failed').executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
