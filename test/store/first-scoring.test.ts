// The first scoring of everything (nothing scored before) runs in passes: score into a
// temporary table, write the scores in the table's order, rebuild the standings. Its result
// must be what the domain's scoring gives, with standings equal to a recomputation, also when
// another writer changes a row between the passes (that member is scored again, whole).
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rulesVersions } from '../../src/domain/rules.js';
import { addMember } from '../../src/store/members.js';
import { rescoreAll, rescoreMembers } from '../../src/store/rescore.js';
import { aggregateStandings, queryStandings } from '../../src/store/standings.js';
import { verifyStandings } from '../../src/store/standings-verify.js';
import { expectVerified } from '../support/standings-verified.js';
import { configWith } from '../domain/fixtures.js';
import { rowsWithDomainScores } from '../support/domain-scores.js';
import { ENGINES, freshStore, type TestStore } from '../support/engines.js';

const config = configWith({
  scoring: {
    caps: { issueReported: { perDay: 2, perWeek: 3 }, blogPost: { perWeek: 2 }, answerPosted: { perDay: 3 } },
    changes: [{ effectiveFrom: '2026-03-04', points: { issueReported: 3, talk: 45 } }],
  },
});
// A later rules change: blog posts and talks from 2026 score differently (a scoped rescore).
const changed = configWith({
  scoring: {
    caps: { issueReported: { perDay: 2, perWeek: 3 }, blogPost: { perWeek: 2 }, answerPosted: { perDay: 3 } },
    changes: [
      { effectiveFrom: '2026-01-01', points: { blogPost: 17 }, caps: { blogPost: { perWeek: 1 } } },
      { effectiveFrom: '2026-03-04', points: { issueReported: 3, talk: 45 } },
    ],
  },
});
const KINDS = [
  ['pullRequestMerged', 'code'],
  ['answerPosted', 'education'],
  ['blogPost', 'content'],
  ['issueReported', 'code'],
  ['talk', 'events'],
] as const;

const rowArb = fc.record({
  member: fc.nat(4),
  kind: fc.nat(KINDS.length - 1),
  // Late 2025 to spring 2026: two cycle years, both rules versions, caps across the new year.
  day: fc.integer({ min: 0, max: 120 }),
  hour: fc.nat(23),
  state: fc.constantFrom('counted', 'counted', 'pending', 'rejected'),
});

describe.each(ENGINES)('first scoring on %s', (engine) => {
  let store: TestStore;
  let members: number[];
  beforeAll(async () => {
    store = await freshStore(engine);
    members = [];
    for (let i = 0; i < 5; i += 1) {
      members.push(
        (
          await addMember(
            store.db,
            {
              handle: `first${i}`,
              name: `First ${i}`,
              email: `first${i}@example.org`,
              joinedAt: '2025-01-01',
            },
            'test',
          )
        ).id,
      );
    }
  });
  afterAll(async () => {
    await store.dispose();
  });

  it('scores as the domain does and leaves standings equal to a recomputation, with a write between its passes', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(rowArb, { minLength: 1, maxLength: 40 }),
        fc.nat(39),
        async (list, touched) => {
          run += 1;
          const db = store.db;
          await db.deleteFrom('contributions').execute();
          await db.deleteFrom('member_standings').execute();
          await db.deleteFrom('scoring_rules_seen').execute();
          const ids: number[] = [];
          for (const [index, c] of list.entries()) {
            const [kind, category] = KINDS[c.kind]!;
            const at = new Date(Date.UTC(2025, 10, 15 + c.day, c.hour, index % 60)).toISOString();
            const row = await db
              .insertInto('contributions')
              .values({
                member_id: members[c.member]!,
                source: 'first',
                external_id: `${run}-${index}`,
                kind,
                category,
                title: kind,
                url: null,
                occurred_at: at,
                review_state: c.state,
                metadata: '{}',
              })
              .returning('id')
              .executeTakeFirstOrThrow();
            ids.push(row.id);
          }
          // Another writer (PostgreSQL only: PGlite has one connection, held by the rescore)
          // changes a row after it was scored and before its score is written.
          const writeBetween = (id: number) => {
            let done = false;
            return engine === 'postgres'
              ? async () => {
                  if (done) return;
                  done = true;
                  await sql`update contributions set review_state = case review_state when 'counted' then 'rejected' else 'counted' end,
                          occurred_at = occurred_at + interval '1 hour' where id = ${id}`.execute(db);
                }
              : undefined;
          };
          await rescoreAll(db, config, {
            chunkSize: 2,
            onProgress: writeBetween(ids[touched % ids.length]!),
          });
          await expectScoredAsDomain(rulesVersions(config), true);
          // Then a rules change, rescored in passes that move the standings by their deltas.
          await rescoreAll(db, changed, {
            chunkSize: 2,
            onProgress: writeBetween(ids[(touched + 1) % ids.length]!),
          });
          await expectScoredAsDomain(rulesVersions(changed), false);
        },
      ),
      { numRuns: engine === 'pglite' ? 15 : 25 },
    );
  });

  async function expectScoredAsDomain(
    versions: ReturnType<typeof rulesVersions>,
    first: boolean,
  ): Promise<void> {
    const db = store.db;
    for (const { row, score } of await rowsWithDomainScores(db, versions)) {
      // A rescore leaves rows outside the change's scopes with the version that scored them
      // (the newer one gives the same score): the version is compared for the first scoring.
      expect({
        id: row.id,
        points: row.points,
        explanation: row.explanation,
        rulesVersion: first ? row.rules_version : '',
      }).toEqual({
        id: row.id,
        points: score.points,
        explanation: score.explanation,
        rulesVersion: first ? score.rulesVersion : '',
      });
    }
    expectVerified(await verifyStandings(db));
    expect(await db.selectFrom('scoring_pending').select('member_id').execute()).toEqual([]);
    for (const year of [2025, 2026]) {
      const period = { from: `${year}-01-01`, to: `${year}-12-31` };
      expect(await queryStandings(db, period)).toEqual(await aggregateStandings(db, period));
    }
  }

  /** Empties the tables, then imports `perMember` counted, unscored rows of `kind` for every member, a day apart from the 1st of `month` of 2026. */
  async function importUnscored(source: string, kind: string, category: string, perMember: number, month: string): Promise<void> {
    const db = store.db;
    await db.deleteFrom('contributions').execute();
    await db.deleteFrom('member_standings').execute();
    await db.deleteFrom('scoring_rules_seen').execute();
    const rows = members.flatMap((member, index) =>
      Array.from({ length: perMember }, (_, n) => ({
        member_id: member, source, external_id: `${index}-${n}`, kind, category, title: kind, url: null,
        occurred_at: `2026-${month}-0${n + 1}T10:00:00Z`, review_state: 'counted' as const, metadata: '{}',
      })),
    );
    await db.insertInto('contributions').values(rows).execute();
  }

  /** A first scoring that throws from its progress report once `fraction` of the members are done; returns how many reports it made. */
  async function stopAt(fraction: number, options: { chunkSize: number; jobs?: number }): Promise<number> {
    let reports = 0;
    await expect(
      rescoreAll(store.db, config, {
        ...options,
        onProgress: (done, total) => {
          reports += 1;
          if (done > total * fraction) throw new Error('stopped');
        },
      }),
    ).rejects.toThrow('stopped');
    return reports;
  }

  it('leaves the rows it did not write marked when it stops halfway, so a later rescore scores them', async () => {
    const db = store.db;
    await importUnscored('stop', 'blogPost', 'content', 4, '02');
    // The process stops while the scores are being written (after the scoring, before the standings).
    expect(await stopAt(1 / 3, { chunkSize: 2 })).toBeGreaterThan(1);
    // Meanwhile another write scores one member and records the rules as in use.
    await rescoreMembers(db, config, [members[0]!]);
    await rescoreAll(db, config, { chunkSize: 2 });
    expect(
      await db.selectFrom('contributions').select('id').where('rules_version', '=', '').execute(),
    ).toEqual([]);
    await expectScoredAsDomain(rulesVersions(config), true);
  });

  it('rebuilds the standings of a member rescored after a first scoring stopped between its writes and its rebuild', async () => {
    const db = store.db;
    await importUnscored('stop-late', 'talk', 'events', 3, '05');
    // One share, so the stop falls after every score is written and before any standings are rebuilt.
    await stopAt(1 / 2, { chunkSize: 2, jobs: 1 });
    const written = await db.selectFrom('contributions').select('id').where('rules_version', '<>', '').execute();
    expect(written.length).toBe(members.length * 3);
    // Scoring one member again changes none of its rows: its standings must still come from them.
    await rescoreMembers(db, config, [members[0]!]);
    const differences = (await verifyStandings(db)).differences.filter((difference) => difference.memberId === members[0]);
    expect(differences).toEqual([]);
    await rescoreAll(db, config, { chunkSize: 2 });
    await expectScoredAsDomain(rulesVersions(config), true);
  });

  it('stops every share when one fails, and has stopped writing when it throws', async () => {
    const db = store.db;
    await importUnscored('shares', 'pullRequestMerged', 'code', 6, '06');
    // The stop comes while the scores are being written, so the other share is likely writing too.
    await stopAt(0.4, { chunkSize: 1, jobs: 2 });
    const written = async () => Number((await sql<{ n: number }>`select count(*)::int as n from contributions where rules_version <> ''`.execute(db)).rows[0]!.n);
    const atThrow = await written();
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await written()).toBe(atThrow);
    // A share stopped before its rebuild leaves its members marked; a later rescore finishes the work.
    expect((await db.selectFrom('scoring_pending').select('member_id').execute()).length).toBeGreaterThan(0);
    await rescoreAll(db, config, { chunkSize: 2 });
    await expectScoredAsDomain(rulesVersions(config), true);
  });

  it('leaves no temporary table behind, and a second run changes nothing', async () => {
    const db = store.db;
    await db.deleteFrom('scoring_rules_seen').execute();
    // On one connection, so the check sees that session's temporary tables and not those of
    // another test's rescore running at the same time on the same server.
    const temporary = await db.connection().execute(async (conn) => {
      await rescoreAll(conn, config, { chunkSize: 2 });
      return sql<{ n: number }>`select count(*)::int as n from pg_class
        where relname in ('rescore_scores', 'rescore_writes', 'rescore_missed') and relpersistence = 't'
          and relnamespace = pg_my_temp_schema()`.execute(conn);
    });
    expect(temporary.rows[0]?.n).toBe(0);
    const again = await rescoreAll(db, config, { chunkSize: 2 });
    expect(again.changed).toBe(0);
  });
});
