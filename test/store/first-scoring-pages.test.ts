// A first scoring writes every row, in passes that each give a page only a few new versions,
// so that the page, pruned of the previous passes' dead versions, has room for them: the new
// versions stay on their pages (HOT) and no index of contributions takes a new entry. A write
// that fetched rows by ctid instead of by primary key left the pages unpruned, and only 29% of
// the new versions stayed (its first scoring of 100k members took twice as long).
//
// On PGlite only: a page is pruned of versions no open transaction can still see, and on the
// shared PostgreSQL server other test files' transactions run meanwhile.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rescoreAll } from '../../src/store/rescore.js';
import { configWith } from '../domain/fixtures.js';
import { freshStore, type TestStore } from '../support/engines.js';

const MEMBERS = 200;
const ROWS = 12_000;

describe('first scoring on pglite, page by page', () => {
  let store: TestStore;
  beforeAll(async () => {
    store = await freshStore('pglite');
  });
  afterAll(async () => {
    await store.dispose();
  });

  it('keeps nearly every rewritten row on its own page', async () => {
    const db = store.db;
    await sql`insert into members (handle, name, email, joined_at)
      select 'pages' || n, 'Pages ' || n, 'pages' || n || '@example.org', date '2025-01-01' from generate_series(1, ${MEMBERS}) n`.execute(db);
    // Imported unscored, members interleaved across the table as a real import's are.
    await sql`insert into contributions (member_id, source, external_id, kind, category, title, url, occurred_at, review_state, metadata)
      select m.id, 'pages', 'p' || n, k.kind, k.category, k.kind || ' #' || n, 'https://example.org/' || n,
             timestamptz '2026-01-01' + ((n % 300) || ' days')::interval + ((n % 86400) || ' seconds')::interval, 'counted', '{}'::jsonb
      from generate_series(1, ${ROWS}) n
      join (select id, row_number() over (order by id) - 1 as i from members where handle like 'pages%') m on m.i = n % ${MEMBERS}
      join (values (0, 'blogPost', 'content'), (1, 'answerPosted', 'education'), (2, 'talk', 'events')) k(i, kind, category) on k.i = n % 3`.execute(db);
    const blocks = async () =>
      new Map(
        (await sql<{ id: number; block: number }>`select id, (ctid::text::point)[0]::int as block from contributions`.execute(db)).rows.map((row) => [
          row.id,
          row.block,
        ]),
      );
    const before = await blocks();
    const result = await rescoreAll(db, configWith());
    expect(result.changed).toBe(ROWS);
    const after = await blocks();
    let stayed = 0;
    for (const [id, block] of before) if (after.get(id) === block) stayed += 1;
    // 96% with the writes as they are; 33% when they fetched by ctid.
    expect(stayed / ROWS).toBeGreaterThan(0.85);
  }, 120_000);
});
