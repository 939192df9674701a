// Migration 0060 turns free-text countries into ISO codes where it can ("PT" and "Portugal"
// become one country) and keeps what it cannot match for a manager, on both engines.
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/db.js';
import { loadMigrations } from '../../src/store/migrate.js';
import { ENGINES, POSTGRES_URL } from '../support/engines.js';

async function storeFor(engine: string): Promise<{ store: Store; dispose: () => Promise<void> }> {
  if (engine === 'pglite') {
    const store = await openStore({});
    return { store, dispose: () => store.close() };
  }
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = await openStore({ databaseUrl: POSTGRES_URL, maxConnections: 1 });
  await sql`create schema ${sql.id(schema)}`.execute(admin.db);
  await admin.close();
  const store = await openStore({ databaseUrl: POSTGRES_URL, schema, maxConnections: 2 });
  return {
    store,
    dispose: async () => {
      await store.close();
      const cleanup = await openStore({ databaseUrl: POSTGRES_URL, maxConnections: 1 });
      await sql`drop schema ${sql.id(schema)} cascade`.execute(cleanup.db);
      await cleanup.close();
    },
  };
}

describe.each(ENGINES)('countries migration on %s', (engine) => {
  it('maps codes and names to ISO codes and keeps the rest aside', async () => {
    const { store, dispose } = await storeFor(engine);
    try {
      const migrations = loadMigrations();
      for (const migration of migrations.filter((m) => m.version < 60)) await sql.raw(migration.sql).execute(store.db);
      const typed = ['PT', 'Portugal', ' portugal', 'pt', 'UK', 'Deutschland', 'United States', 'Atlantis', null];
      for (const [i, country] of typed.entries()) {
        await store.db.insertInto('members').values({ handle: `m${i}`, name: `M ${i}`, joined_at: '2026-01-01', country }).execute();
      }
      await sql.raw(migrations.find((m) => m.version === 60)!.sql).execute(store.db);
      const rows = await store.db.selectFrom('members').select(['handle', 'country', 'country_unmatched']).orderBy('id').execute();
      expect(rows.map((r) => [r.country, r.country_unmatched])).toEqual([
        ['PT', null], ['PT', null], ['PT', null], ['PT', null], ['GB', null], ['DE', null], ['US', null], [null, 'Atlantis'], [null, null],
      ]);
    } finally {
      await dispose();
    }
  });
});
