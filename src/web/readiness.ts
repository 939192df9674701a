// Whether this instance can serve: the database answers and holds exactly the migrations the
// code knows (a pending one means a deploy in progress; an unknown one, an older binary on a
// newer schema). /readyz answers 503 otherwise, so a load balancer sends traffic elsewhere.
import { sql, type Kysely } from 'kysely';
import { migrationState } from '../store/migrate.js';
import type { Database } from '../store/schema.js';

export interface Readiness {
  ready: boolean;
  database: 'ok' | 'unavailable';
  migrations?: { applied: number; known: number; pending: string[]; unknown: string[] };
  error?: string;
}

export async function checkReadiness(db: Kysely<Database>): Promise<Readiness> {
  try {
    await sql`select 1`.execute(db);
    const state = await migrationState(db);
    const migrations = { applied: state.applied.length, known: state.known.length, pending: state.pending, unknown: state.unknown };
    return { ready: state.pending.length === 0 && state.unknown.length === 0, database: 'ok', migrations };
  } catch (error) {
    return { ready: false, database: 'unavailable', error: (error as Error).message.slice(0, 200) };
  }
}
