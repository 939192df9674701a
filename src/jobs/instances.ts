// The processes running against the database and their heartbeats. Each process writes its
// row at start and touches it every few seconds; one whose heartbeat is older than the
// staleness limit is dead (kill -9, a lost machine, a SIGTERM that outlived its grace). A
// live worker reaps it: the row goes, its claimed jobs are failed in the queue (so pg-boss
// retries them with backoff on another worker) and the sync runs it left running are closed
// as failed, so no run record stays `running` forever.
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

export type ProcessRole = 'web' | 'worker' | 'web+worker';

export interface InstanceRow {
  id: string;
  role: ProcessRole;
  hostname: string;
  pid: number;
  version: string;
  started_at: Date;
  heartbeat_at: Date;
}

export function newInstanceId(): string {
  return `${os.hostname().slice(0, 60)}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

export async function registerInstance(db: Kysely<Database>, id: string, role: ProcessRole, version: string): Promise<void> {
  await db
    .insertInto('process_instances')
    .values({ id, role, hostname: os.hostname().slice(0, 200), pid: process.pid, version })
    .onConflict((oc) => oc.column('id').doUpdateSet({ heartbeat_at: sql`now()` }))
    .execute();
}

/** Touches the heartbeat; false when the row is gone (this process was reaped as dead). */
export async function heartbeat(db: Kysely<Database>, id: string): Promise<boolean> {
  const result = await db.updateTable('process_instances').set({ heartbeat_at: sql`now()` }).where('id', '=', id).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function removeInstance(db: Kysely<Database>, id: string): Promise<void> {
  await db.deleteFrom('job_claims').where('instance_id', '=', id).execute();
  await db.deleteFrom('process_instances').where('id', '=', id).execute();
}

export async function listInstances(db: Kysely<Database>): Promise<InstanceRow[]> {
  return (await db.selectFrom('process_instances').selectAll().orderBy('started_at').execute()) as InstanceRow[];
}

export interface JobClaim {
  job_id: string;
  queue: string;
  instance_id: string;
  source: string | null;
  started_at: Date;
}

export async function claimJob(db: Kysely<Database>, claim: { jobId: string; queue: string; instanceId: string; source: string | null }): Promise<void> {
  await db
    .insertInto('job_claims')
    .values({ job_id: claim.jobId, queue: claim.queue, instance_id: claim.instanceId, source: claim.source })
    .onConflict((oc) => oc.column('job_id').doUpdateSet({ instance_id: claim.instanceId, started_at: sql`now()` }))
    .execute();
}

export async function releaseJob(db: Kysely<Database>, jobId: string): Promise<void> {
  await db.deleteFrom('job_claims').where('job_id', '=', jobId).execute();
}

/**
 * Removes the instances whose heartbeat is older than `staleSeconds` and returns the jobs they
 * held. DELETE … RETURNING hands each dead instance to exactly one reaper.
 */
export async function reapDeadInstances(db: Kysely<Database>, staleSeconds: number): Promise<{ instances: string[]; claims: JobClaim[] }> {
  return db.transaction().execute(async (trx) => {
    const dead = await trx
      .deleteFrom('process_instances')
      .where('heartbeat_at', '<', sql<Date>`now() - make_interval(secs => ${staleSeconds})`)
      .returning('id')
      .execute();
    const ids = dead.map((row) => row.id);
    // Claims whose instance row is gone too (a reaper that died half-way) are reaped as well.
    const claims = (await trx
      .deleteFrom('job_claims')
      .where((eb) => eb.or([eb('instance_id', 'in', ids.length ? ids : ['']), eb.not(eb.exists(eb.selectFrom('process_instances as p').select('p.id').whereRef('p.id', '=', 'job_claims.instance_id')))]))
      .returningAll()
      .execute()) as JobClaim[];
    return { instances: ids, claims };
  });
}

/** Closes the sync runs a dead process left `running` for its claimed source job. */
export async function failOrphanedRuns(db: Kysely<Database>, claim: JobClaim, reason: string): Promise<number> {
  if (!claim.source) return 0;
  const result = await db
    .updateTable('sync_runs')
    .set({ status: 'failed', finished_at: sql`now()`, error: reason.slice(0, 500) })
    .where('source', '=', claim.source)
    .where('status', '=', 'running')
    .where('started_at', '>=', sql<Date>`${claim.started_at}::timestamptz - interval '5 seconds'`)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
