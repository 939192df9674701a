// What a GitHub sync costs against the rate limit: 500 members with verified logins, 20 tracked
// repositories, the fake GitHub on loopback, an embedded database. Counts every exchange on the
// wire (request headers and the status the fake answered) for the first sync and for an
// unchanged re-sync an hour later, and compares the requests GitHub counts against the rate
// limit (all but 304s to authorized conditional requests) with a per-member search strategy
// run against a Search API over the same data. Wall time of the re-sync as a ratio to the first.
import diagnostics from 'node:diagnostics_channel';
import { mkdtempSync, rmSync } from 'node:fs';
import type http from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { fullConfigSchema } from '../src/config/full-schema.js';
import { buildConfig } from '../src/domain/config.js';
import { openStore, type Store } from '../src/store/db.js';
import { linkIdentity } from '../src/store/identities.js';
import { addMember } from '../src/store/members.js';
import { migrate } from '../src/store/migrate.js';
import { runSync, type RunRecord } from '../src/sync/engine.js';
import { startFakeGithub } from '../test/fakes/github.js';
import { timeOnce } from './measure.js';
import { runSearchStrategy, startFakeSearch } from './sync-requests-search.js';
import { buildSyncWorld, TRACKED } from './sync-requests-world.js';

const MEMBERS = Number(process.env.BENCH_SYNC_MEMBERS ?? 500);
const NOW = new Date('2026-01-15T12:00:00Z');
const LOOKBACK_DAYS = 90;
const TOKEN = 'ghp_bench';
const SEARCH_PER_MINUTE = 30;

interface Exchange {
  path: string;
  status: number;
  conditional: boolean;
  authorized: boolean;
}

/** Every exchange a loopback server on `port` finished, as the wire saw it. */
function watchExchanges(port: number) {
  const exchanges: Exchange[] = [];
  const channel = 'http.server.response.finish';
  const listener = (message: unknown) => {
    const { request, response, socket } = message as {
      request: http.IncomingMessage;
      response: http.ServerResponse;
      socket: Socket;
    };
    if (socket.localPort !== port) return;
    const { headers } = request;
    exchanges.push({
      path: (request.url ?? '').split('?')[0]!,
      status: response.statusCode,
      conditional: headers['if-none-match'] !== undefined || headers['if-modified-since'] !== undefined,
      authorized: headers.authorization !== undefined,
    });
  };
  diagnostics.subscribe(channel, listener);
  return { exchanges, stop: () => diagnostics.unsubscribe(channel, listener) };
}

interface Tally {
  requests: number;
  conditional: number;
  notModified: number;
  /** What GitHub counts: everything but a 304 to an authorized conditional request. */
  rateLimited: number;
  byStatus: string;
}

function tally(exchanges: Exchange[]): Tally {
  const free = (e: Exchange) => e.conditional && e.authorized && e.status === 304;
  const statuses = new Map<number, number>();
  for (const e of exchanges) statuses.set(e.status, (statuses.get(e.status) ?? 0) + 1);
  return {
    requests: exchanges.length,
    conditional: exchanges.filter((e) => e.conditional).length,
    notModified: exchanges.filter(free).length,
    rateLimited: exchanges.filter((e) => !free(e)).length,
    byStatus: [...statuses]
      .sort((a, b) => a[0] - b[0])
      .map(([status, n]) => `${status}: ${n}`)
      .join(', '),
  };
}

async function addCommunity(store: Store, logins: string[]): Promise<void> {
  for (const login of logins) {
    const member = await addMember(
      store.db,
      { handle: login, name: login, email: `${login.toLowerCase()}@example.org`, joinedAt: '2025-01-01' },
      'bench',
    );
    await linkIdentity(
      store.db,
      member.id,
      { platform: 'github', externalId: login },
      { verified: true },
      'bench',
    );
  }
}

/** Stored GitHub contributions by kind, in the tracked repositories and elsewhere. */
async function storedByKind(store: Store) {
  const rows = await sql<{ kind: string; tracked: boolean; n: number }>`
    select kind, metadata->>'repo' = any(${TRACKED}) as tracked, count(*)::int as n
    from contributions where source = 'github' group by 1, 2`.execute(store.db);
  const count = (kind: string, tracked = true) =>
    rows.rows.filter((r) => r.kind === kind && r.tracked === tracked).reduce((sum, r) => sum + r.n, 0);
  return {
    merged: count('pullRequestMerged'),
    reviews: count('pullRequestReviewed'),
    issues: count('issueReported'),
    outside: rows.rows.filter((r) => !r.tracked).reduce((sum, r) => sum + r.n, 0),
  };
}

function checkRun(label: string, records: RunRecord[]): RunRecord {
  const record = records.find((r) => r.source === 'github');
  if (records.length !== 1 || !record || record.status !== 'ok')
    throw new Error(`${label}: ${JSON.stringify(records)}`);
  return record;
}

export async function run(): Promise<void> {
  const world = buildSyncWorld(NOW, MEMBERS);
  const github = await startFakeGithub(world.fixtures);
  const search = await startFakeSearch(world.fixtures);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ambassador-bench-sync-'));
  const store = await openStore({ dataDir });
  const watch = watchExchanges(Number(new URL(github.url).port));
  try {
    await migrate(store.db);
    await addCommunity(store, world.logins);
    const built = buildConfig(
      {
        sources: {
          http: { allowPrivateAddresses: ['127.0.0.1/32'] },
          github: { baseUrl: github.url, token: TOKEN, repositories: TRACKED, documentationRepositories: [] },
          stackexchange: { enabled: false },
          feeds: { enabled: false },
          discourse: { enabled: false },
          packagist: { enabled: false },
          ical: { enabled: false },
        },
      },
      {},
      fullConfigSchema,
    );
    if (!built.ok) throw new Error(built.problems.join('\n'));
    const http = { maxRetries: 0 };

    let firstRecords: RunRecord[] = [];
    const firstMs = await timeOnce(
      async () => (firstRecords = await runSync(store, built.config, { now: NOW, http })),
    );
    const first = tally(watch.exchanges.splice(0));
    const firstRun = checkRun('first sync', firstRecords);
    const stored = await storedByKind(store);

    let againRecords: RunRecord[] = [];
    const againMs = await timeOnce(
      async () =>
        (againRecords = await runSync(store, built.config, {
          now: new Date(NOW.getTime() + 3_600_000),
          http,
        })),
    );
    const again = tally(watch.exchanges.splice(0));
    const againRun = checkRun('re-sync', againRecords);

    const since = new Date(NOW.getTime() - LOOKBACK_DAYS * 86_400_000).toISOString().slice(0, 10);
    let strategy: Awaited<ReturnType<typeof runSearchStrategy>> | undefined;
    const searchMs = await timeOnce(
      async () => (strategy = await runSearchStrategy(search.url, world.logins, TRACKED, since, TOKEN)),
    );
    const searched = { requests: search.requests.length, ...strategy! };

    const fixtureWork = `${world.tracked.merged} merged PRs, ${world.tracked.reviews} reviews and ${world.tracked.issues} issues by members in the tracked repositories`;
    console.log(
      `\nGitHub requests per sync: ${MEMBERS} members with verified logins, ${TRACKED.length} tracked repositories, fake GitHub on 127.0.0.1, PGlite`,
    );
    console.log(
      `  the fixture: ${fixtureWork}, ${world.outside} merged PRs in members' own Magento modules (found through public events)`,
    );
    console.log(
      `  stored by the first sync: ${stored.merged} merged PRs, ${stored.reviews} reviews, ${stored.issues} issues in tracked repositories, ${stored.outside} elsewhere (${firstRun.itemsNew} new)`,
    );
    console.log(
      `  found by per-member search: ${searched.found.merged} merged PRs, ${searched.found.reviews} reviewed PRs, ${searched.found.issues} issues\n`,
    );
    const row = (
      label: string,
      requests: number,
      conditional: string,
      notModified: string,
      rateLimited: number,
      time: string,
    ) =>
      console.log(
        `  ${label.padEnd(44)} ${String(requests).padStart(8)} ${conditional.padStart(12)} ${notModified.padStart(12)} ${String(rateLimited).padStart(13)}   ${time}`,
      );
    console.log(
      `  ${''.padEnd(44)} ${'requests'.padStart(8)} ${'conditional'.padStart(12)} ${'304 (free)'.padStart(12)} ${'rate-limited'.padStart(13)}   wall time`,
    );
    row(
      'first sync',
      first.requests,
      String(first.conditional),
      String(first.notModified),
      first.rateLimited,
      `${(firstMs / 1000).toFixed(1)} s (baseline)`,
    );
    row(
      'unchanged re-sync, an hour later',
      again.requests,
      String(again.conditional),
      String(again.notModified),
      again.rateLimited,
      `${(againMs / 1000).toFixed(1)} s = ${(againMs / firstMs).toFixed(2)} x first sync`,
    );
    row(
      'per-member search (3 queries a member)',
      searched.requests,
      '-',
      '-',
      searched.requests,
      `${(searchMs / 1000).toFixed(1)} s on loopback; >= ${Math.ceil(searched.requests / SEARCH_PER_MINUTE)} min at GitHub's ${SEARCH_PER_MINUTE}/min`,
    );
    console.log(`\n  statuses on the wire: first sync ${first.byStatus}; re-sync ${again.byStatus}`);
    console.log(
      `  the engine's run records: first ${firstRun.requests} requests, ${firstRun.notModified} not modified; re-sync ${againRun.requests} requests, ${againRun.notModified} not modified, ${againRun.itemsNew} new, ${againRun.itemsUpdated} updated`,
    );
    console.log(`  rate-limited requests per sync, per-member search / ours:`);
    console.log(
      `    first sync:        ${searched.requests} / ${first.rateLimited} = ${(searched.requests / first.rateLimited).toFixed(2)} x (ours: the first sync only; search: every sync)`,
    );
    console.log(
      `    unchanged re-sync: ${searched.requests} / ${again.rateLimited} = ${again.rateLimited === 0 ? 'no rate-limited request at all' : `${(searched.requests / again.rateLimited).toFixed(1)} x`}` +
        ` (search lower bound: no follow-ups for review states or award labels; search answers are not conditional)`,
    );

    const problems: string[] = [];
    if (again.rateLimited !== 0 || again.notModified !== again.requests)
      problems.push(`the unchanged re-sync made ${again.rateLimited} rate-limited requests`);
    if (againRun.itemsNew !== 0 || againRun.itemsUpdated !== 0)
      problems.push('the unchanged re-sync changed stored contributions');
    const expected = {
      merged: world.tracked.merged,
      reviews: world.tracked.reviews,
      issues: world.tracked.issues,
    };
    if (
      JSON.stringify({ merged: stored.merged, reviews: stored.reviews, issues: stored.issues }) !==
      JSON.stringify(expected)
    )
      problems.push(
        `the sync stored ${JSON.stringify(stored)}; the fixture holds ${JSON.stringify(expected)}`,
      );
    if (stored.outside !== world.outside)
      problems.push(
        `the sync found ${stored.outside} contributions outside the tracked repositories; expected ${world.outside}`,
      );
    if (JSON.stringify(searched.found) !== JSON.stringify(expected))
      problems.push(
        `search found ${JSON.stringify(searched.found)}; the fixture holds ${JSON.stringify(expected)}`,
      );
    if (problems.length > 0) throw new Error(problems.join('; '));
  } finally {
    watch.stop();
    await store.close();
    await Promise.all([github.close(), search.close()]);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
