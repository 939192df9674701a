// Opens the database: embedded PGlite in a data directory by default, a PostgreSQL server
// when a URL is given. Both are driven through Kysely with the same PostgreSQL dialect, and
// both parse values the same way so that every query returns identical JSON on either engine.
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { lockDataDir } from './data-dir-lock.js';
import { pgliteDialect } from './pglite-driver.js';
import type { Database } from './schema.js';

export type Engine = 'pglite' | 'postgres';

export interface Store {
  db: Kysely<Database>;
  engine: Engine;
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
  });
  // Fail fast with a clear message when the server is not there.
  const client = await pool.connect().catch(async (error: Error) => {
    await pool.end().catch(() => undefined);
    throw new Error(`cannot connect to PostgreSQL at ${redactUrl(databaseUrl)}: ${error.message}`);
  });
  client.release();
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, engine: 'postgres', close: () => db.destroy() };
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
