// What an unchanged re-sync costs as the community grows: 500, 1,000, 2,000 and 5,000 members,
// each with a blog feed and a GitHub login, on PostgreSQL (a database of its own per size) with
// the fakes on loopback (feeds: one small RSS document per member; GitHub: the sync-requests
// world of 20 tracked repositories grown with the members). A first sync stores everything; the
// measured run is the re-sync an hour later, when nothing changed upstream (every request is
// answered 304), three times (the median is reported). Per source and size: wall time, requests, and the WAL written — the server's
// (pg_current_wal_lsn() before and after; other users of the server add to it) and, with
// pg_walinspect, the part that touched this database's relations (with their transactions'
// commit records). A checkpoint precedes each measured run, as one does an hourly run in
// production, so every page it touches costs its full-page image.
// Goals: each 5,000-member figure within 12x the 500-member one; WAL under 1 KB per identity.
// `npm run bench -- sync-scale` (all sizes) or `... sync-scale --sizes 100,200` while developing.
import { sql } from 'kysely';
import { fullConfigSchema } from '../src/config/full-schema.js';
import { buildConfig } from '../src/domain/config.js';
import type { ProgramConfig } from '../src/domain/config-schema.js';
import { openStore, type Store } from '../src/store/db.js';
import { migrate } from '../src/store/migrate.js';
import { runSync, type RunRecord } from '../src/sync/engine.js';
import { startFakeGithub } from '../test/fakes/github.js';
import { startFakeServer } from '../test/fakes/server.js';
import { timeOnce } from './measure.js';
import { dropDatabase, recreateDatabase } from './scratch-database.js';
import { buildSyncWorld, TRACKED } from './sync-requests-world.js';

const NOW = new Date('2026-01-15T12:00:00Z');
const DATABASE = 'bench_sync_scale';
const DEFAULT_SIZES = [500, 1000, 2000, 5000];
const RESYNCS = 3;
const SLOT = 'bench_sync_scale';

/** `--sizes 100,200` on the command line, or BENCH_SYNC_SIZES. */
function sizes(): number[] {
  const at = process.argv.indexOf('--sizes');
  const raw = at >= 0 ? process.argv[at + 1] : process.env.BENCH_SYNC_SIZES;
  if (!raw) return DEFAULT_SIZES;
  const list = raw.split(',').map((n) => Number(n.trim()));
  if (list.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`--sizes: expected positive integers, got "${raw}"`);
  return list;
}

/** A member's blog: four posts, two of them about Magento. */
function memberFeed(i: number): string {
  const item = (n: number, title: string, day: number) => `
  <item>
    <title>${title}</title>
    <link>https://blog-${i}.example/2026/01/post-${n}/</link>
    <pubDate>${new Date(Date.UTC(2026, 0, day, 9, 30)).toUTCString()}</pubDate>
    <guid isPermaLink="false">https://blog-${i}.example/?p=${n}</guid>
    <description>Notes from member ${i}.</description>
  </item>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Blog ${i}</title><link>https://blog-${i}.example/</link><description>Blog</description>${item(1, `Magento 2 indexers, part ${i}`, 5)}${item(2, 'My holiday', 6)}${item(3, `Hyvä checkout notes ${i}`, 7)}${item(4, 'Gardening', 8)}
</channel></rss>`;
}

interface Measured {
  members: number;
  source: string;
  ms: number;
  requests: number;
  notModified: number;
  walServer: number;
  walDatabase: number | null;
  identities: number;
  status: string;
  /** This database's WAL of the first re-sync (it also prunes what the first sync left behind). */
  firstWalDatabase?: number | null;
}

async function lsn(store: Store): Promise<string> {
  return (await sql<{ lsn: string }>`select pg_current_wal_lsn()::text as lsn`.execute(store.db)).rows[0]!.lsn;
}

/** Bytes between two LSNs, all of the server's, and those of records touching this database (with their commits). */
async function walBetween(store: Store, from: string, to: string, inspect: boolean): Promise<{ server: number; database: number | null }> {
  const server = Number((await sql<{ bytes: string }>`select pg_wal_lsn_diff(${to}::pg_lsn, ${from}::pg_lsn)::text as bytes`.execute(store.db)).rows[0]!.bytes);
  if (!inspect) return { server, database: null };
  const result = await sql<{ bytes: string | null }>`
    with records as (select * from pg_get_wal_records_info(${from}::pg_lsn, ${to}::pg_lsn)),
    ours as (
      select xid from records
      where block_ref like '%/' || (select oid from pg_database where datname = current_database())::text || '/%'
    )
    select sum(record_length)::text as bytes from records
    where block_ref like '%/' || (select oid from pg_database where datname = current_database())::text || '/%'
       or (xid <> '0'::xid and xid in (select xid from ours))`.execute(store.db);
  if (process.env.BENCH_WAL_DETAIL) {
    const detail = await sql<{ relation: string; record_type: string; records: number; bytes: number; fpi: number }>`
      with records as (select * from pg_get_wal_records_info(${from}::pg_lsn, ${to}::pg_lsn)),
      db as (select oid::text as oid from pg_database where datname = current_database())
      select coalesce(c.relname, r.resource_manager) as relation, r.record_type, count(*)::int as records,
        sum(r.record_length)::int as bytes, sum(r.fpi_length)::int as fpi
      from records r
      left join pg_class c on c.relfilenode::text = substring(r.block_ref from '/' || (select oid from db) || '/([0-9]+)')
      where r.block_ref like '%/' || (select oid from db) || '/%'
      group by 1, 2 order by 4 desc limit 15`.execute(store.db);
    for (const row of detail.rows) process.stderr.write(`    ${row.relation} ${row.record_type}: ${row.records} records, ${row.bytes} B (${row.fpi} B full-page images)\n`);
  }
  return { server, database: Number(result.rows[0]?.bytes ?? 0) };
}

/** The members and their verified identities, 500 rows a statement (the setup is not measured). */
async function addCommunity(store: Store, logins: string[], feedsUrl: string): Promise<void> {
  const verifiedAt = new Date('2025-01-01T00:00:00Z');
  for (let start = 0; start < logins.length; start += 500) {
    const chunk = logins.slice(start, start + 500).map((login, j) => ({ login, i: start + j }));
    const members = await store.db
      .insertInto('members')
      .values(chunk.map(({ login, i }) => ({ handle: `m${i}`, name: login, email: `m${i}@example.org`, joined_at: '2025-01-01' })))
      .returning(['id', 'handle'])
      .execute();
    const idOf = new Map(members.map((m) => [m.handle, m.id]));
    await store.db
      .insertInto('status_changes')
      .values(members.map((m) => ({ member_id: m.id, to_status: 'registered', effective_on: '2025-01-01', actor: 'bench', reason: 'joined' })))
      .execute();
    await store.db
      .insertInto('identities')
      .values(
        chunk.flatMap(({ login, i }) => [
          { member_id: idOf.get(`m${i}`)!, platform: 'github', external_id: login, verified_at: verifiedAt, verification_method: 'manager' },
          { member_id: idOf.get(`m${i}`)!, platform: 'feed', external_id: `${feedsUrl}/feeds/${i}`, verified_at: verifiedAt, verification_method: 'manager' },
        ]),
      )
      .execute();
  }
}

function config(githubUrl: string): ProgramConfig {
  const built = buildConfig(
    {
      sources: {
        http: { allowPrivateAddresses: ['127.0.0.1/32'] },
        github: { baseUrl: githubUrl, token: 'ghp_bench', repositories: TRACKED, documentationRepositories: [] },
        stackexchange: { enabled: false },
        discourse: { enabled: false },
        packagist: { enabled: false },
        ical: { enabled: false },
      },
    },
    {},
    fullConfigSchema,
  );
  if (!built.ok) throw new Error(built.problems.join('\n'));
  return built.config;
}

function check(label: string, records: RunRecord[]): void {
  const bad = records.filter((r) => r.status !== 'ok');
  if (bad.length > 0) throw new Error(`${label}: ${JSON.stringify(bad.map((r) => ({ source: r.source, status: r.status, error: r.error })))}`);
}

async function measureSize(members: number): Promise<Measured[]> {
  const world = buildSyncWorld(NOW, members);
  // The first sync of 2,000 members needs more than GitHub's 5,000 requests an hour (a real
  // first sync of that many spreads over hours); the measured re-sync is all 304s, which
  // GitHub does not count.
  const github = await startFakeGithub(world.fixtures, { rateLimit: 1_000_000 });
  const feeds = await startFakeServer((req) => {
    const match = /^\/feeds\/(\d+)$/.exec(req.path);
    if (!match) return { status: 404, body: 'not found' };
    return { body: memberFeed(Number(match[1])), headers: { 'content-type': 'application/rss+xml; charset=utf-8' } };
  });
  const url = await recreateDatabase(DATABASE);
  const store = await openStore({ databaseUrl: url });
  try {
    await migrate(store.db);
    const inspect = await sql`create extension if not exists pg_walinspect`.execute(store.db).then(() => true, () => false);
    // A slot left by an interrupted run would keep WAL forever.
    await sql`select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name = ${SLOT}`.execute(store.db);
    const setupMs = await timeOnce(() => addCommunity(store, world.logins, feeds.url));
    const built = config(github.url);
    const http = { maxRetries: 0 };
    const firstMs = await timeOnce(async () => check('first sync', await runSync(store, built, { now: NOW, http })));
    process.stderr.write(`  ${members} members: set up in ${(setupMs / 1000).toFixed(1)} s, first sync ${(firstMs / 1000).toFixed(1)} s\n`);
    const out: Measured[] = [];
    const later = new Date(NOW.getTime() + 3_600_000);
    for (const source of ['feeds', 'github']) {
      // Three unchanged re-syncs, each an hour after the last and after a checkpoint: the median.
      const runs: Measured[] = [];
      for (let attempt = 0; attempt < RESYNCS; attempt += 1) {
        await sql`checkpoint`.execute(store.db);
        // Keeps the WAL of the run on the server until it is read (others' writes recycle segments).
        if (inspect) await sql`select pg_create_physical_replication_slot(${SLOT}, true)`.execute(store.db);
        const before = await lsn(store);
        let records: RunRecord[] = [];
        const at = new Date(later.getTime() + attempt * 3_600_000);
        const ms = await timeOnce(async () => (records = await runSync(store, built, { now: at, http, source })));
        const after = await lsn(store);
        check(`re-sync of ${source}`, records);
        const record = records[0]!;
        if (record.itemsNew + record.itemsUpdated > 0) throw new Error(`re-sync of ${source} changed records: ${JSON.stringify(record)}`);
        const wal = await walBetween(store, before, after, inspect).finally(() => (inspect ? sql`select pg_drop_replication_slot(${SLOT})`.execute(store.db) : undefined));
        runs.push({ members, source, ms, requests: record.requests, notModified: record.notModified, walServer: wal.server, walDatabase: wal.database, identities: record.identitiesOk + record.identitiesSkipped, status: record.status });
      }
      const median = <K extends 'ms' | 'walServer' | 'walDatabase'>(key: K) => runs.map((r) => r[key] ?? 0).sort((a, b) => a - b)[Math.floor(runs.length / 2)]!;
      out.push({ ...runs[0]!, ms: median('ms'), walServer: median('walServer'), walDatabase: inspect ? median('walDatabase') : null, firstWalDatabase: runs[0]!.walDatabase });
    }
    return out;
  } finally {
    await store.close();
    await dropDatabase(DATABASE);
    github.close();
    feeds.close();
  }
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

export async function run(): Promise<void> {
  const all: Measured[] = [];
  for (const members of sizes()) {
    const measured = await measureSize(members);
    // As each size ends, so a long run shows its figures early.
    for (const m of measured) process.stderr.write(`  ${m.members} ${m.source}: ${(m.ms / 1000).toFixed(2)} s, ${m.requests} requests (${m.notModified} 304), WAL ${kb(m.walServer)} server, ${m.walDatabase === null ? '-' : kb(m.walDatabase)} this database\n`);
    all.push(...measured);
  }
  console.log(`\nUnchanged re-sync, hourly after the first sync, median of ${RESYNCS}, PostgreSQL, fakes on 127.0.0.1 (ratios to the smallest size)`);
  const header = ['source', 'members', 'wall', 'x', 'requests', 'x', '304', 'WAL server', 'WAL db', 'x', 'WAL db / identity', '1st re-sync WAL db / identity'];
  const rows: string[][] = [];
  for (const source of ['feeds', 'github']) {
    const mine = all.filter((m) => m.source === source);
    const base = mine[0]!;
    for (const m of mine) {
      const wal = m.walDatabase ?? m.walServer;
      const baseWal = base.walDatabase ?? base.walServer;
      rows.push([
        source,
        String(m.members),
        `${(m.ms / 1000).toFixed(2)} s`,
        (m.ms / base.ms).toFixed(2),
        String(m.requests),
        (m.requests / base.requests).toFixed(2),
        String(m.notModified),
        kb(m.walServer),
        m.walDatabase === null ? '-' : kb(m.walDatabase),
        (wal / baseWal).toFixed(2),
        `${(wal / Math.max(1, m.identities)).toFixed(0)} B`,
        m.firstWalDatabase == null ? '-' : `${(m.firstWalDatabase / Math.max(1, m.identities)).toFixed(0)} B`,
      ]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `  ${cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')}`;
  console.log(line(header));
  for (const row of rows) console.log(line(row));
  const largest = all.filter((m) => m.members === Math.max(...all.map((a) => a.members)));
  const smallest = all.filter((m) => m.members === Math.min(...all.map((a) => a.members)));
  for (const m of largest) {
    const base = smallest.find((s) => s.source === m.source)!;
    const perIdentity = (m.walDatabase ?? m.walServer) / Math.max(1, m.identities);
    console.log(
      `  ${m.source}: ${m.members} members took ${(m.ms / base.ms).toFixed(2)}x the time of ${base.members} (${m.members / base.members}x the members; goal for 5,000 vs 500: within 12x); WAL ${perIdentity.toFixed(0)} B per identity (goal: under 1024 B)`,
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
