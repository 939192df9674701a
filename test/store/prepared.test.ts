import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PREPARED } from '../../src/store/prepared.js';
import { memberOverallRank, queryStandings } from '../../src/store/standings.js';
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

  it.runIf(engine === 'postgres')('reads a leaderboard page and a rank by generic plans, not planned on every execution', async () => {
    // Enough ranked members that a page is a small part of the year (the planner costs a LIMIT it
    // cannot see as a tenth of the rows, and then never chooses the generic plan).
    await sql`insert into members (handle, name, email, joined_at)
              select 'gp' || n, 'GP ' || n, 'gp' || n || '@example.org', date '2025-01-01' from generate_series(1, 3000) n`.execute(store.db);
    await sql`insert into contributions (member_id, source, external_id, kind, category, title, occurred_at, review_state, points, explanation, rules_version)
              select m.id, 'probe', 'gp-' || m.id, 'blogPost', 'content', 'Post', timestamptz '2026-03-01' + (m.id % 200) * interval '1 day', 'counted', 1 + m.id % 40, 'probe', 'probe'
              from members m where m.handle like 'gp%'`.execute(store.db);
    await sql`analyze`.execute(store.db);
    const someone = await store.db.selectFrom('members').select('id').where('handle', '=', 'gp1500').executeTakeFirstOrThrow();
    await store.db.connection().execute(async (db) => {
      for (let n = 0; n < 8; n += 1) {
        await queryStandings(db, { from: '2026-01-01', to: '2026-12-31', limit: 50, offset: 50 });
        await queryStandings(db, { from: '2026-01-01', to: '2026-12-31', category: 'content', limit: 50 });
        await memberOverallRank(db, someone.id, { from: '2026-01-01', to: '2026-12-31' });
      }
      const plans = await sql<{ statement: string; generic_plans: number }>`select statement, generic_plans from pg_prepared_statements`.execute(db);
      expect(plans.rows).toHaveLength(3);
      for (const plan of plans.rows) expect({ statement: plan.statement.replace(/\s+/g, " ").slice(-700), generic: Number(plan.generic_plans) > 0 }).toEqual({ statement: plan.statement.replace(/\s+/g, " ").slice(-700), generic: true });
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
