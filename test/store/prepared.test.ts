import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PREPARED } from '../../src/store/prepared.js';
import { ENGINES, freshStore, type TestStore } from '../support/engines.js';

describe.each(ENGINES)('prepared statements on %s', (engine) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await freshStore(engine);
  });
  afterEach(async () => {
    await store.dispose();
  });

  it('answers a marked statement for each of its values, past the point where PostgreSQL plans it generically', async () => {
    for (let n = 0; n < 12; n += 1) {
      const result = await sql<{ n: number; doubled: number }>`${sql.raw(PREPARED)} select ${n}::int as n, ${n}::int * 2 as doubled`.execute(store.db);
      expect(result.rows).toEqual([{ n, doubled: n * 2 }]);
    }
  });

  it.runIf(engine === 'postgres')('names marked statements once per connection, and only those', async () => {
    await store.db.connection().execute(async (db) => {
      await sql`${sql.raw(PREPARED)} select 1 as one where ${1}::int > 0`.execute(db);
      await sql`${sql.raw(PREPARED)} select 1 as one where ${2}::int > 0`.execute(db);
      await sql`select 2 as two where ${1} = 1`.execute(db);
      const named = await sql<{ statement: string }>`select statement from pg_prepared_statements order by name`.execute(db);
      expect(named.rows.map((r) => r.statement)).toEqual([`${PREPARED} select 1 as one where $1::int > 0`]);
    });
  });

  it('plans a marked "select *" afresh when a migration changed its table under it', async () => {
    await store.db.connection().execute(async (db) => {
      await sql`create table prepared_probe (id int)`.execute(db);
      await sql`insert into prepared_probe values (1)`.execute(db);
      const read = () => sql<Record<string, unknown>>`${sql.raw(PREPARED)} select * from prepared_probe where id = ${1}`.execute(db);
      expect((await read()).rows).toEqual([{ id: 1 }]);
      await sql`alter table prepared_probe add column label text default 'x'`.execute(db);
      expect((await read()).rows).toEqual([{ id: 1, label: 'x' }]);
      expect((await read()).rows).toEqual([{ id: 1, label: 'x' }]);
    });
  });
});
