// Backups of the embedded database: `ambassador backup FILE` writes PGlite's own dump of the
// data folder (a gzipped tar of it, taken through the database so it is consistent), and
// `ambassador restore FILE` starts a data folder from one. A server database is backed up with
// its own tools (pg_dump / pg_restore), which these commands point to.
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { openStore } from '../store/db.js';
import { lockDataDir } from '../store/data-dir-lock.js';
import { UserError } from '../store/errors.js';
import type { Database } from '../store/schema.js';

export const SERVER_BACKUP_HINT =
  'DATABASE_URL is set: back up a PostgreSQL server with its own tools, e.g. ' +
  '`pg_dump --format=custom --file=ambassador.dump "$DATABASE_URL"` and ' +
  '`pg_restore --clean --if-exists --no-owner --dbname="$DATABASE_URL" ambassador.dump`';

export interface BackupOutcome {
  file: string;
  bytes: number;
  members: number;
}

export interface RestoreOutcome extends BackupOutcome {
  dataDir: string;
  /** Where the folder that was there before went (with --force), or null. */
  previous: string | null;
}

function refuseServer(databaseUrl: string | undefined): void {
  if (databaseUrl) throw new UserError(SERVER_BACKUP_HINT);
}

async function countMembers(db: Kysely<Database>): Promise<number> {
  const table = await sql<{ found: string | null }>`select to_regclass('members')::text as found`.execute(db);
  if (!table.rows[0]?.found) return 0;
  const row = await db.selectFrom('members').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function backupDataDir(options: { databaseUrl?: string; dataDir: string; file: string }): Promise<BackupOutcome> {
  refuseServer(options.databaseUrl);
  if (!existsSync(options.dataDir) || readdirSync(options.dataDir).filter((name) => name !== 'ambassador.lock').length === 0) {
    throw new UserError(`there is no embedded database in ${options.dataDir} to back up`);
  }
  // Opening takes the folder's lock: a running `serve` makes this refuse rather than copy a folder being written.
  const store = await openStore({ dataDir: options.dataDir });
  try {
    const members = await countMembers(store.db);
    const dump = await store.pglite!.dumpDataDir('gzip');
    const bytes = Buffer.from(await dump.arrayBuffer());
    const partial = `${options.file}.partial`;
    writeFileSync(partial, bytes, { mode: 0o600 });
    renameSync(partial, options.file);
    return { file: options.file, bytes: bytes.length, members };
  } finally {
    await store.close();
  }
}

const GZIP_MAGIC = [0x1f, 0x8b];

export async function restoreDataDir(options: { databaseUrl?: string; dataDir: string; file: string; force?: boolean; now?: Date }): Promise<RestoreOutcome> {
  refuseServer(options.databaseUrl);
  let bytes: Buffer;
  try {
    bytes = readFileSync(options.file);
  } catch (error) {
    throw new UserError(`cannot read ${options.file}: ${(error as Error).message}`);
  }
  const gzipped = bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
  const held = existsSync(options.dataDir) ? readdirSync(options.dataDir).filter((name) => name !== 'ambassador.lock') : [];
  let previous: string | null = null;
  if (held.length > 0) {
    if (!options.force) {
      throw new UserError(`${options.dataDir} already holds a database; restore into an empty folder (AMBASSADOR_DATA_DIR), or add --force to move it aside first`);
    }
    // Refuses while another process (a running serve) uses the folder.
    lockDataDir(options.dataDir)();
    previous = `${options.dataDir}.before-restore-${(options.now ?? new Date()).toISOString().replace(/[:.]/g, '-')}`;
    renameSync(options.dataDir, previous);
  }
  const blob = new Blob([new Uint8Array(bytes)], { type: gzipped ? 'application/x-gzip' : 'application/x-tar' });
  let store;
  try {
    store = await openStore({ dataDir: options.dataDir, loadDataDir: blob });
  } catch (error) {
    if (previous) {
      throw new UserError(`${options.file} is not a backup this program can load (${(error as Error).message}); the previous database is in ${previous}`);
    }
    throw new UserError(`${options.file} is not a backup this program can load (${(error as Error).message})`);
  }
  try {
    return { file: options.file, bytes: bytes.length, members: await countMembers(store.db), dataDir: path.resolve(options.dataDir), previous };
  } finally {
    await store.close();
  }
}
