// The web app under load: the leaderboard page, a profile page and GET /api/v1/leaderboard
// with 10k members and 500k contributions on PostgreSQL, each reported as a ratio to a
// static asset served by the same server in the same run (requests per second, and p99
// latency as static p99 / page p99; 1.0 means as fast as the static file, goal >= 0.5).
// Anonymous pages are served through the app's page cache, as in production; the same pages
// with the cache off are reported too, so the cost of a miss is visible.
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { buildConfig } from '../src/domain/config.js';
import { openStore } from '../src/store/db.js';
import { migrate } from '../src/store/migrate.js';
import { buildApp } from '../src/web/app.js';
import { load, type LoadResult } from './web-load.js';
import { dropDatabase, recreateDatabase } from './scratch-database.js';

const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 10_000);
const CONTRIBUTIONS = Number(process.env.BENCH_CONTRIBUTIONS ?? 500_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const DATABASE = process.env.BENCH_DATABASE ?? 'ambassador_bench_web';
const NOW = new Date('2026-06-30T12:00:00Z');

export async function run(): Promise<void> {
  const url = await recreateDatabase(DATABASE);
  const store = await openStore({ databaseUrl: url, maxConnections: 8 });
  const config = (() => {
    const result = buildConfig({ web: { sessionSecret: 'bench-session-secret-0123456789' } });
    if (!result.ok) throw new Error(result.problems.join('; '));
    return result.config;
  })();
  try {
    await migrate(store.db);
    console.log(`generating ${MEMBERS} members and ${CONTRIBUTIONS} contributions…`);
    const started = Date.now();
    await sql`
      insert into members (handle, name, email, joined_at, country, company, bio)
      select 'member' || n, 'Member ' || n, 'member' || n || '@example.org', date '2024-01-01' + (n % 700),
             (array['NL','PL','UA','DE','IN','US','GB','IT'])[1 + n % 8], 'Company ' || (n % 300), 'Magento developer number ' || n
      from generate_series(1, ${MEMBERS}) as n`.execute(store.db);
    // Points as the default rules give them (base points by kind), written set-based.
    const points = Object.entries(config.scoring.points).map(([kind, value]) => sql`(${kind}, ${config.kinds[kind]!.category}, ${value}::numeric, ${config.kinds[kind]!.label})`);
    await sql`
      insert into contributions (member_id, source, external_id, kind, category, title, url, occurred_at, review_state, points, explanation, rules_version)
      select 1 + (g.h % ${MEMBERS}), 'bench', 'c' || g.n, k.kind, k.category, k.label || ' #' || g.n, 'https://example.org/' || g.n,
             timestamptz '2025-01-01' + ((g.h % 545) || ' days')::interval + ((g.n % 86400) || ' seconds')::interval,
             case when g.n % 25 = 0 then 'pending' else 'counted' end, k.points, k.points || ' = ' || k.label || ' ' || k.points, 'bench'
      from (select n, abs(hashint4(n)) as h from generate_series(1, ${CONTRIBUTIONS}) as n) as g
      join (select row_number() over () - 1 as i, * from (values ${sql.join(points)}) as v(kind, category, points, label)) as k
        on k.i = g.n % ${Object.keys(config.scoring.points).length}`.execute(store.db);
    await sql`vacuum analyze`.execute(store.db);
    console.log(`generated in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    const top = await sql<{ handle: string }>`select m.handle from members m join contributions c on c.member_id = m.id group by m.handle order by count(*) desc limit 1`.execute(store.db);
    const handle = top.rows[0]!.handle;
    const targets = [
      { label: 'leaderboard page', path: '/leaderboard' },
      { label: `profile page (/ambassadors/${handle})`, path: `/ambassadors/${handle}` },
      { label: 'GET /api/v1/leaderboard', path: '/api/v1/leaderboard' },
    ];

    for (const cacheSeconds of [30, 0]) {
      const app = await buildApp({ store, config, now: () => NOW, pageCacheSeconds: cacheSeconds, logger: false });
      await app.listen({ port: 0, host: '127.0.0.1' });
      const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      const seconds = cacheSeconds > 0 ? SECONDS : Math.max(3, Math.round(SECONDS / 2));
      try {
        await load(`${base}/assets/site.css`, { connections: CONNECTIONS, seconds: 1 });
        const baseline = await load(`${base}/assets/site.css`, { connections: CONNECTIONS, seconds });
        const rows: { label: string; result: LoadResult }[] = [];
        for (const target of targets) {
          await load(`${base}${target.path}`, { connections: CONNECTIONS, seconds: 1 });
          rows.push({ label: target.label, result: await load(`${base}${target.path}`, { connections: CONNECTIONS, seconds }) });
        }
        printReport(cacheSeconds > 0 ? `web pages, page cache on (${cacheSeconds} s), as served` : 'web pages, page cache off (every request queries)', baseline, rows);
      } finally {
        await app.close();
      }
    }
  } finally {
    await store.close();
    await dropDatabase(DATABASE);
  }
}

function printReport(title: string, baseline: LoadResult, rows: { label: string; result: LoadResult }[]): void {
  const line = (label: string, r: LoadResult, ratios: string) =>
    `  ${label.padEnd(44)} ${r.rps.toFixed(0).padStart(7)} req/s  p99 ${r.p99.toFixed(1).padStart(7)} ms${r.errors ? `  (${r.errors} errors)` : ''}${ratios}`;
  console.log(`\n${title} (${CONNECTIONS} connections)`);
  console.log(line('baseline: static asset /assets/site.css', baseline, ''));
  for (const { label, result } of rows) {
    const rps = result.rps / baseline.rps;
    const p99 = baseline.p99 / result.p99;
    console.log(line(label, result, `  = ${rps.toFixed(2)} x baseline req/s, ${p99.toFixed(2)} x baseline p99 (goal >= 0.5)`));
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
