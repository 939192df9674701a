// The program's whole story through the real command, on PGlite and on PostgreSQL: the two
// engines must print identical JSON.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, POSTGRES_URL } from '../support/engines.js';
import { CLI, cliJson, runCli } from './run-cli.js';

type Env = Record<string, string | undefined>;

async function scenario(env: Env): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const json = (args: string[]) => cliJson<Record<string, unknown>>(args, env);
  const run = async (args: string[]) => {
    const result = await runCli(args, env);
    if (result.code !== 0) throw new Error(`ambassador ${args.join(' ')}: ${result.stderr}`);
  };
  out.ada = await json(['member', 'add', '--handle', 'ada', '--name', 'Ada Lovelace', '--email', 'ada@example.org', '--joined', '2025-03-01', '--country', 'United Kingdom']);
  await run(['member', 'add', '--handle', 'Bob', '--name', 'Bob Builder', '--email', 'bob@example.org', '--joined', '2025-08-31']);
  await run(['member', 'add', '--handle', 'cy', '--name', 'Cy Young', '--email', 'cy@example.org', '--joined', '2026-01-15']);
  await run(['member', 'add', '--handle', 'mgr', '--name', 'Program Manager', '--email', 'pm@example.org', '--joined', '2024-01-01', '--role', 'manager']);
  out.identity = await json(['identity', 'add', 'ada', 'github:AdaL']);
  out.verify = await json(['identity', 'verify', 'ada', 'github:adal']);
  await run(['identity', 'add', 'bob', 'stackexchange:4242', '--verified']);
  await run(['identity', 'add', 'cy', 'feed:https://cy.example/feed.xml']);
  const submissions: [string, string, string, string, string][] = [
    ['ada', 'events', 'talk', 'Talk: MSI at Meet Magento', '2025-05-10'],
    ['ada', 'education', 'mentoring', 'Mentored two new contributors', '2026-02-20'],
    ['bob', 'content', 'blogPost', 'Hyvä checkout deep dive', '2025-11-02'],
    ['bob', 'events', 'eventOrganized', 'Mage-OS meetup Utrecht', '2026-04-18'],
    ['cy', 'leadership', 'associationMembership', 'Magento Association member', '2026-02-01'],
    ['cy', 'events', 'workshop', 'Workshop: extension testing', '2026-09-09'],
    ['bob', 'documentation', 'documentationWritten', 'Copied docs', '2026-03-03'],
  ];
  const ids: number[] = [];
  for (const [handle, category, kind, title, date] of submissions) {
    const row = await json(['submit', handle, '--category', category, '--kind', kind, '--title', title, '--url', `https://example.org/${handle}/${kind}`, '--date', date, '--evidence', `https://example.org/${handle}/evidence`]);
    ids.push(row.id as number);
  }
  out.queue = await json(['review', 'list']);
  out.approved = await json(['review', 'approve', ...ids.slice(0, 6).map(String), '--actor', 'mgr']);
  out.rejected = await json(['review', 'reject', String(ids[6]), '--reason', 'copied from the official docs', '--actor', 'mgr']);
  out.contributions = await json(['contributions', 'ada']);
  out.contributions2026 = await json(['contributions', 'bob', '--year', '2026']);
  for (const at of ['2025-06-01', '2025-12-31', '2026-03-01', '2026-08-01', '2026-11-25']) out[`status ${at}`] = await json(['status', '--at', at]);
  out.statusOne = await json(['status', '--at', '2026-10-19', '--handle', 'ADA']);
  out.leaderboard = await json(['leaderboard', '--year', '2026']);
  out.leaderboardEvents = await json(['leaderboard', '--year', '2026', '--category', 'events', '--limit', '1']);
  // Until the 2026 cycle ends, computing and publishing it need --early with a reason.
  const computed = await json(['awards', 'compute', '2026', '--early', 'scenario test']);
  const recomputed = await json(['awards', 'compute', '2026', '--early', 'scenario test']);
  expect(recomputed.inputHash).toBe(computed.inputHash);
  expect(recomputed.created).toBe(false);
  const published = await json(['awards', 'publish', '2026', '--early', 'scenario test']);
  expect(published.status).toBe('published');
  const { computedAt: _c, publishedAt: _p, ...shown } = await json(['awards', 'show', '2026']);
  out.awards = shown;
  out.members = await json(['member', 'list']);
  return out;
}

describe('the ambassador command', () => {
  const dirs: string[] = [];
  const databases: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ambassador-cli-'));
    dirs.push(dir);
    return dir;
  };
  beforeAll(() => {
    if (!existsSync(CLI)) throw new Error('build first: npm run build (npm test does it)');
  });
  afterAll(async () => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    if (databases.length) {
      const admin = new pg.Client({ connectionString: POSTGRES_URL });
      await admin.connect();
      for (const name of databases) await admin.query(`drop database if exists ${name}`);
      await admin.end();
    }
  });

  async function engineEnv(engine: string): Promise<Env> {
    if (engine === 'pglite') return { AMBASSADOR_DATA_DIR: tempDir() };
    const name = `ambassador_cli_${process.pid}_${databases.length}`;
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    await admin.query(`drop database if exists ${name}`);
    await admin.query(`create database ${name}`);
    await admin.end();
    databases.push(name);
    const url = new URL(POSTGRES_URL);
    url.pathname = `/${name}`;
    return { DATABASE_URL: url.toString() };
  }

  it('tells the same story on every engine', async () => {
    const results = await Promise.all(ENGINES.map(async (engine) => scenario(await engineEnv(engine))));
    const [first, ...rest] = results;
    for (const other of rest) expect(other).toEqual(first);
    const story = first!;
    const categories = (over: Record<string, number>) => ({ code: 0, content: 0, events: 0, documentation: 0, education: 0, leadership: 0, ...over });
    expect(story.leaderboard).toEqual([
      { rank: 1, handle: 'cy', name: 'Cy Young', points: 50, contributions: 2, categories: categories({ events: 30, leadership: 20 }) },
      { rank: 2, handle: 'Bob', name: 'Bob Builder', points: 40, contributions: 1, categories: categories({ events: 40 }) },
      { rank: 3, handle: 'ada', name: 'Ada Lovelace', points: 15, contributions: 1, categories: categories({ education: 15 }) },
    ]);
    expect(story.leaderboardEvents).toEqual([
      { rank: 1, handle: 'Bob', name: 'Bob Builder', points: 40, contributions: 1, categories: categories({ events: 40 }) },
    ]);
    expect(story['status 2026-03-01']).toEqual([
      { handle: 'ada', name: 'Ada Lovelace', status: 'active', lastContributionAt: '2026-02-20', activeUntil: '2026-08-20', daysLeft: 172 },
      { handle: 'Bob', name: 'Bob Builder', status: 'active', lastContributionAt: '2025-11-02', activeUntil: '2026-05-02', daysLeft: 62 },
      { handle: 'cy', name: 'Cy Young', status: 'active', lastContributionAt: '2026-02-01', activeUntil: '2026-08-01', daysLeft: 153 },
      { handle: 'mgr', name: 'Program Manager', status: 'inactive', lastContributionAt: null, activeUntil: '2024-07-01', daysLeft: -608 },
    ]);
    expect(story['status 2025-06-01']).toContainEqual({ handle: 'Bob', name: 'Bob Builder', status: 'not-yet-joined', lastContributionAt: null, activeUntil: null, daysLeft: null });
    expect(story['status 2026-08-01']).toContainEqual({ handle: 'ada', name: 'Ada Lovelace', status: 'lapsing', lastContributionAt: '2026-02-20', activeUntil: '2026-08-20', daysLeft: 19 });
    expect(story.statusOne).toEqual([
      { handle: 'ada', name: 'Ada Lovelace', status: 'inactive', lastContributionAt: '2026-02-20', activeUntil: '2026-08-20', daysLeft: -60 },
    ]);
    const awards = story.awards as { status: string; results: { topAmbassadors: { handle: string; citation: string }[] } };
    expect(awards.status).toBe('published');
    expect(awards.results.topAmbassadors.map((e) => e.handle)).toEqual(['cy', 'Bob', 'ada']);
    expect((story.rejected as { reviewState: string; reviewReason: string }).reviewReason).toBe('copied from the official docs');
    expect((story.verify as { verified: boolean }).verified).toBe(true);
  }, 900_000);

  it('fails with one clear line and a non-zero code, and writes nothing half-way', async () => {
    const env = await engineEnv('pglite');
    const bad = await runCli(['member', 'add', '--handle', 'x y', '--name', 'X', '--email', 'x@example.org'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/^ambassador: handle: expected 2-39 letters/);
    const unknown = await runCli(['status', '--handle', 'nobody'], env);
    expect(unknown).toMatchObject({ code: 1, stderr: 'ambassador: no member with the handle "nobody"\n' });
    const date = await runCli(['status', '--at', '2026-02-30'], env);
    expect(date.code).toBe(2);
    expect(date.stderr).toContain('expected a date YYYY-MM-DD, got "2026-02-30"');
    const list = await cliJson<unknown[]>(['member', 'list'], env);
    expect(list).toEqual([]);
  }, 240_000);

  it('stops on a bad config with every problem named by path', async () => {
    const dir = tempDir();
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path.join(dir, 'bad.yaml'), 'scoring:\n  points:\n    pullRequestMerged: ten\nactivity:\n  windowMonths: -1\n');
    const result = await runCli(['--config', path.join(dir, 'bad.yaml'), 'status'], { AMBASSADOR_DATA_DIR: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('scoring.points.pullRequestMerged: expected a number >= 0, got "ten"');
    expect(result.stderr).toContain('activity.windowMonths: expected a whole number >= 1, got -1');
  }, 240_000);
});
