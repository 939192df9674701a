// Rescore and the year leaderboard at scale: 100k members and 2M contributions on
// PostgreSQL, each timed as a ratio to a plain sequential scan (SELECT count(*)) of the
// same contributions table in the same run.
import { sql } from 'kysely';
import { defaultConfig } from '../src/domain/config.js';
import { buildConfig } from '../src/domain/config.js';
import { openStore } from '../src/store/db.js';
import { migrate } from '../src/store/migrate.js';
import { rescoreAll } from '../src/store/rescore.js';
import { queryStandings } from '../src/store/standings.js';
import { buildApp } from '../src/web/app.js';
import { resolveContext } from '../src/web/context.js';
import { leaderboardEffect } from '../src/web/admin/rules-preview.js';
import { recreateDatabase, dropDatabase } from './scratch-database.js';
import { medianMs, report, timeOnce } from './measure.js';

const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 100_000);
const CONTRIBUTIONS = Number(process.env.BENCH_CONTRIBUTIONS ?? 2_000_000);
const DATABASE = process.env.BENCH_DATABASE ?? 'ambassador_bench_core';
const NOW = new Date('2026-12-15T12:00:00Z');

export async function run(): Promise<void> {
  const url = await recreateDatabase(DATABASE);
  const store = await openStore({ databaseUrl: url, maxConnections: 4 });
  const { db } = store;
  try {
    await migrate(db);
    console.log(`generating ${MEMBERS} members and ${CONTRIBUTIONS} contributions…`);
    const generated = await timeOnce(() => db.transaction().execute(async (db) => {
      // One statement of 2M rows (and their standings) runs past the server's default timeout.
      await sql`set local statement_timeout = 0`.execute(db);
      await sql`
        insert into members (handle, name, email, joined_at, country)
        select 'member' || n, 'Member ' || n, 'member' || n || '@example.org',
               date '2023-01-01' + (n % 1200), (array['NL','PL','UA','DE','IN','US','GB','IT'])[1 + n % 8]
        from generate_series(1, ${MEMBERS}) as n`.execute(db);
      await sql`
        insert into contributions (member_id, source, external_id, kind, category, title, url, occurred_at, review_state, metadata)
        select 1 + (hashint % ${MEMBERS}),
               'bench', 'c' || n,
               k.kind, k.category, k.kind || ' #' || n, 'https://example.org/' || n,
               timestamptz '2025-01-01' + ((hashint % 700) || ' days')::interval + ((n % 86400) || ' seconds')::interval,
               case when n % 20 = 0 then 'pending' else 'counted' end,
               case k.kind
                 when 'pullRequestMerged' then jsonb_build_object('labels', case when n % 3 = 0 then jsonb_build_array('Award: complex') else '[]'::jsonb end)
                 when 'answerPosted' then jsonb_build_object('accepted', n % 4 = 0, 'score', n % 12)
                 else '{}'::jsonb end
        from (select n, abs(hashint4(n)) as hashint from generate_series(1, ${CONTRIBUTIONS}) as n) as g
        join (values (0, 'pullRequestMerged', 'code'), (1, 'answerPosted', 'education'), (2, 'blogPost', 'content'),
                     (3, 'issueReported', 'code'), (4, 'documentationMerged', 'documentation'), (5, 'talk', 'events'),
                     (6, 'forumReply', 'education')) as k(i, kind, category)
          on k.i = g.n % 7`.execute(db);
    }));
    await sql`analyze`.execute(db);
    console.log(`generated in ${(generated / 1000).toFixed(1)} s`);

    const config = defaultConfig();
    const firstRescore = await timeOnce(() => rescoreAll(db, config));
    // The first scoring rewrote every row: vacuum so the baseline scans a table of live rows.
    await sql`vacuum analyze contributions`.execute(db);
    const seqScan = await medianMs(async () => {
      await db.transaction().execute(async (trx) => {
        await sql`set local enable_indexonlyscan = off`.execute(trx);
        await sql`set local enable_indexscan = off`.execute(trx);
        await sql`set local enable_bitmapscan = off`.execute(trx);
        await sql`select count(*) from contributions`.execute(trx);
      });
    });
    const leaderboardTop = await medianMs(() => queryStandings(db, { from: '2026-01-01', to: '2026-12-31', limit: 50 }));
    const leaderboardCategory = await medianMs(() =>
      queryStandings(db, { from: '2026-01-01', to: '2026-12-31', category: 'education', limit: 50 }),
    );
    const leaderboardAll = await medianMs(() => queryStandings(db, { from: '2026-01-01', to: '2026-12-31' }), 3);
    const unchangedRescore = await timeOnce(() => rescoreAll(db, config));
    const changed = buildConfig({ scoring: { changes: [{ effectiveFrom: '2026-01-01', points: { blogPost: 12 } }] } });
    if (!changed.ok) throw new Error(changed.problems.join('; '));

    // The pages with the page cache off: every request queries, as every cache miss does.
    const app = await buildApp({ store, config, now: () => NOW, pageCacheSeconds: 0, logger: false });
    const page = (url: string) => async () => {
      const response = await app.inject({ method: 'GET', url });
      if (response.statusCode !== 200) throw new Error(`${url}: ${response.statusCode} ${response.body.slice(0, 200)}`);
    };
    const secondPage = Buffer.from(JSON.stringify({ r: 50 })).toString('base64url');
    const leaderboardPage = await medianMs(page('/leaderboard?year=2026'));
    const leaderboardApi = await medianMs(page(`/api/v1/leaderboard?year=2026&category=education&cursor=${secondPage}`));
    const profilePage = await medianMs(page(`/ambassadors/member${Math.min(4242, MEMBERS)}?year=2026`));
    // Above 65,535 members these answered 503 before (one bind parameter per member).
    const middlePage = Math.max(1, Math.floor(MEMBERS / 48)); // of 24 a page
    const directoryPage = await medianMs(page(`/ambassadors?page=${middlePage}`));
    const directoryActive = await medianMs(page('/ambassadors?status=active&country=NL'), 3);
    const homePage = await medianMs(page('/'), 3);
    await app.close();
    // NaN when the preview fails (it did before issue 13: one bind parameter per member).
    const rulesPreview = await timeOnce(() =>
      leaderboardEffect(resolveContext({ store, config, now: () => NOW, logger: false }), changed.config, 2026),
    ).catch((error: unknown) => {
      console.log(`rules preview failed: ${(error as Error).message}`);
      return Number.NaN;
    });
    const ruleChangeRescore = await timeOnce(() => rescoreAll(db, changed.config));
    const counted = await db
      .selectFrom('contributions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('review_state', '=', 'counted')
      .executeTakeFirstOrThrow();

    report(
      `Core at scale on PostgreSQL: ${MEMBERS} members, ${CONTRIBUTIONS} contributions (${counted.n} counted)`,
      { label: 'SELECT count(*) FROM contributions (sequential scan), median of 5', ms: seqScan },
      [
        { label: 'leaderboard 2026, top 50 (median of 5)', ms: leaderboardTop },
        { label: 'leaderboard 2026, education, top 50 (median of 5)', ms: leaderboardCategory },
        { label: 'leaderboard 2026, every ranked member (median of 3)', ms: leaderboardAll },
        { label: 'leaderboard page 2026, uncached (median of 5)', ms: leaderboardPage },
        { label: 'GET /api/v1/leaderboard?category=education&cursor= (median of 5)', ms: leaderboardApi },
        { label: 'profile page, uncached (median of 5)', ms: profilePage },
        { label: `directory page ${middlePage} (the middle), uncached (median of 5)`, ms: directoryPage },
        { label: 'directory of active members in a country, uncached (median of 3)', ms: directoryActive, note: 'a status for every member of the country' },
        { label: 'home page, uncached (median of 3)', ms: homePage, note: 'counts over every member' },
        { label: 'rules preview of the blog-post change (2026)', ms: rulesPreview },
        { label: 'rescore, first scoring of every contribution', ms: firstRescore, note: 'all rows written' },
        { label: 'rescore, rules unchanged', ms: unchangedRescore, note: 'read and compare only' },
        { label: 'rescore after a rules change (blog posts from 2026)', ms: ruleChangeRescore },
      ],
    );
  } finally {
    await store.close();
    await dropDatabase(DATABASE);
  }
}
