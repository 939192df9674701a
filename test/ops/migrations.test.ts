// Migrations for rolling deploys: any number of processes starting together on a fresh
// database all succeed (schema_migrations itself is created under the lock), an older binary
// on a newer schema refuses to start, and /readyz's view of the state is exact.
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/db.js';
import { loadMigrations, migrate, migrationState, SchemaNewerError } from '../../src/store/migrate.js';
import { checkReadiness } from '../../src/web/readiness.js';
import { ENGINES, POSTGRES_URL } from '../support/engines.js';

const opened: Store[] = [];
const schemas: string[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
  if (schemas.length === 0) return;
  const admin = await openStore({ databaseUrl: POSTGRES_URL, maxConnections: 1 });
  for (const schema of schemas.splice(0)) await sql`drop schema ${sql.id(schema)} cascade`.execute(admin.db);
  await admin.close();
});

async function emptyStore(engine: 'pglite' | 'postgres', schema?: string): Promise<Store> {
  let store: Store;
  if (engine === 'pglite') store = await openStore({});
  else {
    if (!schema) {
      schema = `mig_${randomBytes(5).toString('hex')}`;
      schemas.push(schema);
      const admin = await openStore({ databaseUrl: POSTGRES_URL, maxConnections: 1 });
      await sql`create schema ${sql.id(schema)}`.execute(admin.db);
      await admin.close();
    }
    store = await openStore({ databaseUrl: POSTGRES_URL, schema, maxConnections: 2 });
  }
  opened.push(store);
  return store;
}

describe.each(ENGINES)('migrations on %s', (engine) => {
  it('refuse a database whose schema is newer than the code, and say so', async () => {
    const store = await emptyStore(engine);
    await migrate(store.db);
    await sql`insert into schema_migrations (version, name) values (9999, '9999_from_the_future')`.execute(store.db);
    await expect(migrate(store.db)).rejects.toThrow(SchemaNewerError);
    await expect(migrate(store.db)).rejects.toThrow(/database schema is newer than this code: it has migration 9999_from_the_future/);
    expect(await checkReadiness(store.db)).toMatchObject({ ready: false, database: 'ok', migrations: { unknown: ['9999_from_the_future'], pending: [] } });
  });

  it('say what is pending before a deploy migrates', async () => {
    const store = await emptyStore(engine);
    const known = loadMigrations();
    await migrate(store.db, { migrations: known.slice(0, 2) });
    const state = await migrationState(store.db, known);
    expect(state.pending).toEqual(known.slice(2).map((m) => m.name));
    expect(await checkReadiness(store.db)).toMatchObject({ ready: false });
    await migrate(store.db);
    expect(await checkReadiness(store.db)).toMatchObject({ ready: true, migrations: { pending: [], unknown: [] } });
  });
});

describe.skipIf(!ENGINES.includes('postgres'))('migrations started together on PostgreSQL', () => {
  it('all succeed on a fresh database, each migration applied once', async () => {
    const schema = `mig_${randomBytes(5).toString('hex')}`;
    schemas.push(schema);
    const admin = await openStore({ databaseUrl: POSTGRES_URL, maxConnections: 1 });
    await sql`create schema ${sql.id(schema)}`.execute(admin.db);
    await admin.close();
    const stores = await Promise.all(Array.from({ length: 6 }, () => emptyStore('postgres', schema)));
    const results = await Promise.allSettled(stores.map((store) => migrate(store.db)));
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const applied = results.flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
    expect(applied.sort()).toEqual(loadMigrations().map((m) => m.name));
  }, 120_000);
});
