// Applies the numbered SQL files in migrations/ in order, each in its own transaction,
// and records them. Safe to run concurrently on PostgreSQL (advisory lock) and repeatedly.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

// src/store and dist/src/store both sit two levels below their root; migrations/ is at the
// repository root next to them.
function migrationsDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.resolve(here, '../../migrations'), path.resolve(here, '../../../migrations')];
  for (const dir of candidates) {
    try {
      readdirSync(dir);
      return dir;
    } catch {
      // try the next layout
    }
  }
  throw new Error(`migrations folder not found near ${here}`);
}

export function loadMigrations(dir = migrationsDir()): Migration[] {
  return readdirSync(dir)
    .filter((file) => /^\d{4}_[\w-]+\.sql$/.test(file))
    .sort()
    .map((file) => ({
      version: Number(file.slice(0, 4)),
      name: file.replace(/\.sql$/, ''),
      sql: readFileSync(path.join(dir, file), 'utf8'),
    }));
}

/** The advisory lock every migrating process takes: one applies, the others wait and skip. */
const MIGRATION_LOCK = 727274;

export interface MigrateOptions {
  /** How long DDL waits for a table lock before it gives up (default 10 s). */
  lockTimeout?: string;
  /** The migrations the code knows (default: migrations/). */
  migrations?: Migration[];
}

/** The database's schema is newer than this code: starting would misread it. */
export class SchemaNewerError extends Error {
  constructor(readonly unknown: string[]) {
    super(
      `database schema is newer than this code: it has migration${unknown.length === 1 ? '' : 's'} ${unknown.join(', ')} that this version does not know; run the newer version (or restore a backup made before it)`,
    );
    this.name = 'SchemaNewerError';
  }
}

export interface MigrationState {
  applied: number[];
  known: number[];
  /** Known to the code, not applied yet. */
  pending: string[];
  /** Applied in the database, unknown to the code (a newer version ran). */
  unknown: string[];
}

/** What is applied against what the code knows; no lock, no writes (for /readyz). */
export async function migrationState(db: Kysely<Database>, known: Migration[] = loadMigrations()): Promise<MigrationState> {
  const exists = await sql<{ found: string | null }>`select to_regclass('schema_migrations')::text as found`.execute(db);
  const rows = exists.rows[0]?.found
    ? await db.selectFrom('schema_migrations').select(['version', 'name']).orderBy('version').execute()
    : [];
  return describeState(rows, known);
}

function describeState(rows: { version: number; name: string }[], known: Migration[]): MigrationState {
  const appliedVersions = new Set(rows.map((row) => row.version));
  const knownVersions = new Set(known.map((m) => m.version));
  return {
    applied: rows.map((row) => row.version),
    known: known.map((m) => m.version),
    pending: known.filter((m) => !appliedVersions.has(m.version)).map((m) => m.name),
    unknown: rows.filter((row) => !knownVersions.has(row.version)).map((row) => row.name),
  };
}

/**
 * Applies the pending migrations, each in its own transaction. Everything, including the
 * creation of schema_migrations, happens under one advisory lock, so any number of processes
 * may start together on a fresh database; DDL waits at most `lockTimeout` for a table lock
 * (a long-running query elsewhere makes the deploy fail rather than queue every request
 * behind it). A database that has migrations this code does not know is refused.
 */
export async function migrate(db: Kysely<Database>, options: MigrateOptions = {}): Promise<string[]> {
  const known = options.migrations ?? loadMigrations();
  const lockTimeout = options.lockTimeout ?? '10s';
  if (!/^\d+(ms|s|min)?$/.test(lockTimeout)) throw new Error(`invalid lock timeout ${lockTimeout}`);
  const applied: string[] = [];
  for (;;) {
    const step = await db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${sql.lit(MIGRATION_LOCK)})`.execute(trx);
      // Set after the advisory lock: waiting for another process's migrations is fine.
      await sql.raw(`set local lock_timeout = '${lockTimeout}'`).execute(trx);
      await sql.raw('set local statement_timeout = 0').execute(trx);
      await sql`create table if not exists schema_migrations (
        version integer primary key,
        name text not null,
        applied_at timestamptz not null default now()
      )`.execute(trx);
      const rows = await trx.selectFrom('schema_migrations').select(['version', 'name']).orderBy('version').execute();
      const state = describeState(rows, known);
      if (state.unknown.length > 0) throw new SchemaNewerError(state.unknown);
      const next = known.find((m) => m.name === state.pending[0]);
      if (!next) return null;
      await sql.raw(next.sql).execute(trx);
      await trx.insertInto('schema_migrations').values({ version: next.version, name: next.name }).execute();
      return next.name;
    });
    if (step === null) return applied;
    applied.push(step);
  }
}
