import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/db.js';
import { loadMigrations, migrate } from '../../src/store/migrate.js';
import { ENGINES, POSTGRES_URL } from '../support/engines.js';

describe.each(ENGINES)('migrations on %s', (engine) => {
  it('apply from empty, in order, once', async () => {
    const schema = `m_${Math.random().toString(16).slice(2, 10)}`;
    if (engine === 'postgres') {
      const admin = await openStore({ databaseUrl: POSTGRES_URL });
      await sql`create schema ${sql.id(schema)}`.execute(admin.db);
      await admin.close();
    }
    const store = engine === 'pglite' ? await openStore({}) : await openStore({ databaseUrl: POSTGRES_URL, schema });
    try {
      const expected = loadMigrations().map((m) => m.name);
      expect(expected[0]).toBe('0001_core');
      expect(await migrate(store.db)).toEqual(expected);
      expect(await migrate(store.db)).toEqual([]);
      const tables = await sql<{ table_name: string }>`
        select table_name from information_schema.tables
        where table_schema = current_schema() order by table_name`.execute(store.db);
      expect(tables.rows.map((r) => r.table_name)).toEqual(
        expect.arrayContaining(['audit_log', 'award_snapshots', 'contributions', 'erasures', 'identities', 'members', 'schema_migrations', 'status_changes']),
      );
    } finally {
      await store.close();
      if (engine === 'postgres') {
        const admin = await openStore({ databaseUrl: POSTGRES_URL });
        await sql`drop schema ${sql.id(schema)} cascade`.execute(admin.db);
        await admin.close();
      }
    }
  });
});
