// What the operator's tools read from the database — the same truths whichever instance asks:
// sync runs per source and the current failure streaks, contributions stored, upstream quotas,
// the job queue (pg-boss's table, once the queue exists), the notification backlog and open
// alerts. /metrics and the alert check both read these.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

export interface SourceStreak {
  source: string;
  /** Failed whole-source runs since its last successful one. */
  failures: number;
  lastError: string | null;
  lastSuccessAt: Date | null;
}

/** Member-scoped runs ("Check now") are left out: a person's failed check is not a failing source. */
export async function sourceStreaks(db: Kysely<Database>): Promise<SourceStreak[]> {
  const result = await sql<{ source: string; failures: number | string; last_error: string | null; last_success_at: Date | string | null }>`
    with last_ok as (
      select source, max(id) as id, max(finished_at) as at from sync_runs where status = 'ok' and scope is null group by source
    )
    select s.source,
      (select count(*) from sync_runs f where f.source = s.source and f.scope is null and f.status = 'failed' and f.id > coalesce(o.id, 0)) as failures,
      (select f.error from sync_runs f where f.source = s.source and f.scope is null and f.status = 'failed' order by f.id desc limit 1) as last_error,
      o.at as last_success_at
    from (select distinct source from sync_runs where scope is null) s
    left join last_ok o on o.source = s.source
    order by s.source
  `.execute(db);
  return result.rows.map((row) => ({
    source: row.source,
    failures: Number(row.failures),
    lastError: row.last_error,
    lastSuccessAt: row.last_success_at === null ? null : new Date(row.last_success_at),
  }));
}

export async function syncRunCounts(db: Kysely<Database>): Promise<{ source: string; status: string; runs: number }[]> {
  const result = await sql<{ source: string; status: string; runs: number | string }>`
    select source, status, count(*) as runs from sync_runs group by source, status order by source, status
  `.execute(db);
  return result.rows.map((row) => ({ ...row, runs: Number(row.runs) }));
}

export async function contributionCounts(db: Kysely<Database>): Promise<{ source: string; reviewState: string; items: number }[]> {
  const result = await sql<{ source: string; review_state: string; items: number | string }>`
    select source, review_state, count(*) as items from contributions group by source, review_state order by source, review_state
  `.execute(db);
  return result.rows.map((row) => ({ source: row.source, reviewState: row.review_state, items: Number(row.items) }));
}

export async function upstreamQuotas(db: Kysely<Database>): Promise<{ host: string; remaining: number; limit: number | null; observedAt: Date }[]> {
  const result = await sql<{ host: string; remaining: number; quota_limit: number | null; observed_at: Date | string }>`
    select host, remaining, quota_limit, observed_at from upstream_quotas order by host
  `.execute(db);
  return result.rows.map((row) => ({ host: row.host, remaining: Number(row.remaining), limit: row.quota_limit === null ? null : Number(row.quota_limit), observedAt: new Date(row.observed_at) }));
}

export interface QueueState {
  /** False until the job queue's table exists (pg-boss creates it on first start). */
  present: boolean;
  /** Jobs due and waiting, per queue name. */
  waiting: { queue: string; jobs: number; oldestSeconds: number }[];
  active: number;
}

/** The schema pg-boss's tables are in when none is given (src/jobs/queue.ts `queueSchema`). */
export const DEFAULT_QUEUE_SCHEMA = 'ambassador_jobs';

/**
 * pg-boss keeps its jobs in `<schema>.job`: `created`/`retry` jobs whose start_after has come
 * are waiting. Before the queue's first start the table does not exist: no queue, nothing waits.
 */
export async function jobQueueState(db: Kysely<Database>, now: Date, schema: string = DEFAULT_QUEUE_SCHEMA): Promise<QueueState> {
  const exists = await sql<{ found: string | null }>`select to_regclass(quote_ident(${schema}) || '.job')::text as found`.execute(db);
  if (!exists.rows[0]?.found) return { present: false, waiting: [], active: 0 };
  const table = sql.table(`${schema}.job`);
  const waiting = await sql<{ name: string; jobs: number | string; oldest: Date | string }>`
    select name, count(*) as jobs, min(start_after) as oldest from ${table}
    where state in ('created', 'retry') and start_after <= ${now}
    group by name order by name
  `.execute(db);
  const active = await sql<{ n: number | string }>`select count(*) as n from ${table} where state = 'active'`.execute(db);
  return {
    present: true,
    waiting: waiting.rows.map((row) => ({ queue: row.name, jobs: Number(row.jobs), oldestSeconds: Math.max(0, (now.getTime() - new Date(row.oldest).getTime()) / 1000) })),
    active: Number(active.rows[0]?.n ?? 0),
  };
}

/** Notifications not (yet) delivered, per channel and status, and the oldest one's age. */
export async function notificationBacklog(db: Kysely<Database>, now: Date): Promise<{ channel: string; status: string; count: number; oldestSeconds: number }[]> {
  const result = await sql<{ channel: string; status: string; n: number | string; oldest: Date | string }>`
    select channel, status, count(*) as n, min(created_at) as oldest from notifications where status <> 'sent' group by channel, status order by channel, status
  `.execute(db);
  return result.rows.map((row) => ({ channel: row.channel, status: row.status, count: Number(row.n), oldestSeconds: Math.max(0, (now.getTime() - new Date(row.oldest).getTime()) / 1000) }));
}

export async function openAlerts(db: Kysely<Database>): Promise<{ key: string; kind: string; openedAt: Date }[]> {
  const result = await sql<{ key: string; kind: string; opened_at: Date | string }>`
    select key, kind, opened_at from operation_alerts where resolved_at is null order by key
  `.execute(db);
  return result.rows.map((row) => ({ key: row.key, kind: row.kind, openedAt: new Date(row.opened_at) }));
}
