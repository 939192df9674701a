// The two database engines every store test runs on. PGlite always; PostgreSQL at
// TEST_DATABASE_URL (default: the local server), required when CI is set. Each test gets its
// own database: a clone of a migrated PGlite template, or its own PostgreSQL schema.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { sql } from 'kysely';
import { openStore, type Engine, type Store } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';

export const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    await client.end().catch(() => undefined);
    return false;
  }
}

const postgresUp = await postgresReachable();
if (!postgresUp && process.env.CI) {
  throw new Error(`PostgreSQL is required in CI but is not reachable at ${POSTGRES_URL}`);
}
if (!postgresUp) console.warn(`[engines] PostgreSQL not reachable at ${POSTGRES_URL}: running on PGlite only`);

export const ENGINES: Engine[] = postgresUp ? ['pglite', 'postgres'] : ['pglite'];

let template: Promise<Blob> | undefined;

/** A migrated PGlite data directory, made once per worker and cloned for each test. */
async function pgliteTemplate(): Promise<Blob> {
  template ??= (async () => {
    const store = await openStore({});
    await migrate(store.db);
    const blob = await store.pglite!.dumpDataDir('none');
    await store.close();
    return blob;
  })();
  return template;
}

export interface TestStore extends Store {
  dispose(): Promise<void>;
}

export async function freshStore(engine: Engine): Promise<TestStore> {
  if (engine === 'pglite') {
    const store = await openStore({ loadDataDir: await pgliteTemplate() });
    return { ...store, dispose: () => store.close() };
  }
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = await openStore({ databaseUrl: POSTGRES_URL, maxConnections: 1 });
  await sql`create schema ${sql.id(schema)}`.execute(admin.db);
  await admin.close();
  const store = await openStore({ databaseUrl: POSTGRES_URL, schema, maxConnections: 4 });
  await migrate(store.db);
  return {
    ...store,
    dispose: async () => {
      await store.close();
      const cleanup = await openStore({ databaseUrl: POSTGRES_URL, maxConnections: 1 });
      await sql`drop schema ${sql.id(schema)} cascade`.execute(cleanup.db);
      await cleanup.close();
    },
  };
}
