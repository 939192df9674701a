// Opens the database: embedded PGlite in a data directory by default, a PostgreSQL server
// when a URL is given. Both are driven through Kysely with the same PostgreSQL dialect, and
// both parse values the same way so that every query returns identical JSON on either engine.
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { lockDataDir } from './data-dir-lock.js';
import { pgliteDialect } from './pglite-driver.js';
import { preparedOnConnection } from './prepared.js';
import type { Database } from './schema.js';

export type Engine = 'pglite' | 'postgres';

export interface Store {
  db: Kysely<Database>;
  engine: Engine;
  /** The PostgreSQL pool (PostgreSQL only): the job queue runs its SQL through it. */
  pool?: pg.Pool;
  /** The PostgreSQL schema the store works in, when one was given (tests). */
  schema?: string;
  /** How to open one more connection with the same settings (PostgreSQL only; LISTEN needs its own). */
  connectionConfig?: pg.ClientConfig;
  /** The embedded database itself, for dumps (PGlite only). */
  pglite?: PGlite;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** postgres://… ; when absent, PGlite is used. */
  databaseUrl?: string;
  /** PGlite data directory; `undefined` with no URL means in memory. */
  dataDir?: string;
  /** PostgreSQL schema to work in (tests use one schema each). */
  schema?: string;
  /** Pool size for PostgreSQL. */
  maxConnections?: number;
  /** Start PGlite from a dump of another data directory (tests clone a migrated template). */
  loadDataDir?: Blob;
  /** Shown in pg_stat_activity (default `ambassador`). */
  applicationName?: string;
  /** Longest a statement may run (default 120 s; migrations lift it for their own work). */
  statementTimeoutMs?: number;
  /** Longest a statement waits for a lock (default 10 s), so a stuck lock fails fast. */
  lockTimeoutMs?: number;
  /** Where a lost pooled connection is reported (default: one JSON line on stderr). */
  onConnectionError?: (error: Error) => void;
}

/**
 * True for the errors of a connection that went away (server restart, failover,
 * pg_terminate_backend, pgbouncer restart, idle_session_timeout) or could not be made: the
 * request that met one may be answered 503 and retried, the process goes on.
 */
export function isConnectionError(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  const code = typeof e.code === 'string' ? e.code : '';
  // Class 08: connection exception; 57P01-57P03: admin/crash shutdown, cannot connect now;
  // 53300: too many connections.
  if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300') return true;
  if (['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH'].includes(code)) return true;
  const message = typeof e.message === 'string' ? e.message : '';
  return /^(Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect)/.test(message);
}

function reportConnectionError(error: Error): void {
  process.stderr.write(`${JSON.stringify({ level: 'warn', component: 'database', msg: 'database connection lost; the pool opens a new one', error: error.message })}\n`);
}

const INT8 = 20;
const NUMERIC = 1700;
const DATE = 1082;

const parseInt8 = (value: string) => Number(value);
const parseNumeric = (value: string) => Number(value);
const keepDateText = (value: string) => value;

export async function openStore(options: OpenOptions = {}): Promise<Store> {
  return options.databaseUrl ? openPostgres(options.databaseUrl, options) : openPGlite(options);
}

async function openPGlite({ dataDir, loadDataDir }: OpenOptions): Promise<Store> {
  let unlock = () => undefined as void;
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    unlock = lockDataDir(dataDir);
  }
  try {
    const pglite = await PGlite.create(dataDir, {
      parsers: { [INT8]: parseInt8, [NUMERIC]: parseNumeric, [DATE]: keepDateText },
      ...(loadDataDir ? { loadDataDir } : {}),
    });
    const db = new Kysely<Database>({ dialect: pgliteDialect(pglite) });
    const close = async () => {
      try {
        await db.destroy();
      } finally {
        unlock();
      }
    };
    return { db, engine: 'pglite', pglite, close };
  } catch (error) {
    unlock();
    throw error;
  }
}

async function openPostgres(databaseUrl: string, options: OpenOptions): Promise<Store> {
  const types = {
    getTypeParser(oid: number, format?: 'text' | 'binary') {
      if (oid === INT8) return parseInt8;
      if (oid === NUMERIC) return parseNumeric;
      if (oid === DATE) return keepDateText;
      return pg.types.getTypeParser(oid, format);
    },
  };
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.maxConnections ?? 10,
    types: types as pg.CustomTypesConfig,
    options: options.schema ? `-c search_path=${options.schema}` : undefined,
    application_name: options.applicationName ?? 'ambassador',
    statement_timeout: options.statementTimeoutMs ?? 120_000,
    lock_timeout: options.lockTimeoutMs ?? 10_000,
    // A transaction left open by a bug must not hold its locks for ever.
    idle_in_transaction_session_timeout: 60_000,
    // Idle connections are closed before a server-side idle timeout can cut them.
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 10_000,
    keepAlive: true,
  });
  // An idle pooled connection cut by the server emits 'error' on the pool; without a listener
  // Node ends the process. The pool has already dropped that client and opens a new one.
  const onConnectionError = options.onConnectionError ?? reportConnectionError;
  pool.on('error', onConnectionError);
  // A checked-out client has no pool listener: one cut between two queries of a transaction
  // would end the process too. Its query fails instead, and the pool drops it on release.
  pool.on('connect', (client) => {
    client.on('error', onConnectionError);
    preparedOnConnection(client);
  });
  // Fail fast with a clear message when the server is not there.
  const client = await pool.connect().catch(async (error: Error) => {
    await pool.end().catch(() => undefined);
    throw new Error(`cannot connect to PostgreSQL at ${redactUrl(databaseUrl)}: ${error.message}`);
  });
  client.release();
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const connectionConfig: pg.ClientConfig = {
    connectionString: databaseUrl,
    types: types as pg.CustomTypesConfig,
    options: options.schema ? `-c search_path=${options.schema}` : undefined,
    application_name: `${options.applicationName ?? 'ambassador'}-listen`,
    keepAlive: true,
  };
  return { db, engine: 'postgres', pool, schema: options.schema, connectionConfig, close: () => db.destroy() };
}

/** A database URL fit for a message: the password is replaced. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable database URL)';
  }
}
