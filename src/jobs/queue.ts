// The job queue every process shares: pg-boss on the program's own database. On PostgreSQL it
// runs its SQL through the store's pool (so the pool's timeouts and error handling apply); on
// the embedded PGlite it runs through the same Kysely driver as everything else, whose lock
// keeps its transactions apart from the program's. Each job runs once whichever process
// fetches it (SKIP LOCKED), a failed one is retried with exponential backoff, and queues of
// the `stately` policy hold at most one waiting and one running job per key (a source).
import { createHash } from 'node:crypto';
import { CompiledQuery } from 'kysely';
import PgBoss from 'pg-boss';
import type { Store } from '../store/db.js';

export type Queue = PgBoss & { detach(): void };
export type QueuedJob<T> = PgBoss.Job<T>;

export interface QueueOptions {
  /** pg-boss's schema (default `ambassador_jobs`); tests on one schema each pass their own. */
  schema?: string;
  /** How often an idle worker looks for jobs (seconds, default 2). */
  pollingIntervalSeconds?: number;
  /** Whether this process runs pg-boss's maintenance (expiry, archiving); workers do. */
  supervise: boolean;
  onError?: (error: Error) => void;
}

/** The schema pg-boss keeps its tables in, next to the program's own schema. */
export function queueSchema(store: Store, explicit?: string): string {
  return explicit ?? (store.schema ? `${store.schema}_jobs` : 'ambassador_jobs');
}

export async function openQueue(store: Store, options: QueueOptions): Promise<Queue> {
  let detached = false;
  const executeSql = async (text: string, values: unknown[] = []) => {
    // After stop a job that outlived the grace period may still try to complete: the store may
    // be closed by then, and the queue has failed that job already (it is retried elsewhere).
    // Only complete/fail can come this late (workers and maintenance have stopped): answer as
    // an update that touched no row.
    if (detached) return { rows: [{ count: '0' }] };
    if (store.pool) return store.pool.query(text, values as unknown[]);
    const result = await store.db.executeQuery(CompiledQuery.raw(text, values));
    return { rows: result.rows as unknown[] };
  };
  const boss = new PgBoss({
    db: { executeSql: executeSql as PgBoss.Db['executeSql'] },
    schema: queueSchema(store, options.schema),
    supervise: options.supervise,
    // Schedules are the program's own (src/jobs/ticks.ts): pg-boss's cron has minute steps.
    schedule: false,
    migrate: true,
    maintenanceIntervalSeconds: 30,
    archiveCompletedAfterSeconds: 7 * 86_400,
    deleteAfterDays: 14,
  });
  boss.on('error', options.onError ?? ((error: Error) => process.stderr.write(`${JSON.stringify({ level: 'warn', component: 'jobs', msg: 'job queue error', error: error.message })}\n`)));
  await boss.start();
  return Object.assign(boss, { detach: () => void (detached = true) });
}

/**
 * The id of the job of one scheduled tick, the same in every process: two instances that fire
 * for the same tick insert the same id and the second insert does nothing.
 */
export function tickJobId(queue: string, key: string, slot: Date): string {
  const hex = createHash('sha256').update(`${queue}\u0000${key}\u0000${slot.toISOString()}`).digest('hex');
  // Shaped as a version-5-like UUID (pg-boss ids are uuid).
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
}
