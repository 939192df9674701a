// `ambassador sync` and `ambassador sync status` through the built command (dist/), on a temp
// data directory, against a loopback feeds server: every --json prints JSON (the parent
// command's own --json used to swallow `sync status --json`, which then printed a table), a
// broken feed makes the run partial and shows as a failing identity, and --retry-failing
// checks it again before its next check.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/db.js';
import { linkIdentity } from '../../src/store/identities.js';
import { addMember } from '../../src/store/members.js';
import { migrate } from '../../src/store/migrate.js';
import { malformedXml, wordpressRss } from '../fakes/feeds.js';
import { startFakeServer, type FakeServer } from '../fakes/server.js';
import { CLI, runCli } from './run-cli.js';

describe('ambassador sync --json and sync status --json', () => {
  let root: string;
  let feeds: FakeServer;
  let env: Record<string, string>;
  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error('build first: npm run build (npm test does it)');
    feeds = await startFakeServer((req) => {
      const xml = (body: string) => ({ body, headers: { 'content-type': 'application/rss+xml; charset=utf-8', etag: `"${req.path}"` } });
      if (req.path === '/blog/feed') return xml(wordpressRss(feeds.url));
      if (req.path === '/broken') return xml(malformedXml);
      return { status: 404, body: 'not found' };
    });
    root = mkdtempSync(path.join(tmpdir(), 'ambassador-cli-sync-'));
    const store = await openStore({ dataDir: path.join(root, 'data') });
    await migrate(store.db);
    const ada = await addMember(store.db, { handle: 'ada', name: 'Ada', email: 'ada@example.org', joinedAt: '2025-01-01' }, 'test');
    const bo = await addMember(store.db, { handle: 'bo', name: 'Bo', email: 'bo@example.org', joinedAt: '2025-01-01' }, 'test');
    await linkIdentity(store.db, ada.id, { platform: 'feed', externalId: `${feeds.url}/blog/feed` }, { verified: true }, 'test');
    await linkIdentity(store.db, bo.id, { platform: 'feed', externalId: `${feeds.url}/broken` }, { verified: true }, 'test');
    await store.close();
    const config = path.join(root, 'ambassador.config.yaml');
    const off = { enabled: false };
    // JSON is YAML.
    writeFileSync(config, JSON.stringify({ sources: { http: { allowPrivateAddresses: ['127.0.0.1/32'] }, github: off, stackexchange: off, discourse: off, packagist: off, ical: off } }));
    env = { AMBASSADOR_DATA_DIR: path.join(root, 'data'), AMBASSADOR_CONFIG: config };
  }, 60_000);
  afterAll(() => {
    feeds?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('prints JSON for every --json, and shows the failing identity', async () => {
    const empty = await runCli(['sync', 'status', '--json'], env);
    expect(empty.code).toBe(0);
    expect(JSON.parse(empty.stdout)).toEqual({ runs: [], identities: [], failing: [] });

    const sync = await runCli(['sync', '--json'], env);
    // Partial is not failed: the exit code stays 0.
    expect(sync.code).toBe(0);
    const records = JSON.parse(sync.stdout) as Record<string, unknown>[];
    expect(records).toEqual([expect.objectContaining({ source: 'feeds', status: 'partial', identitiesOk: 1, identitiesFailed: 1, error: 'feeds: 1 of 2 identities failed' })]);

    const status = await runCli(['sync', 'status', '--json'], env);
    expect(status.code).toBe(0);
    const parsed = JSON.parse(status.stdout) as { runs: Record<string, unknown>[]; identities: Record<string, unknown>[]; failing: Record<string, unknown>[] };
    expect(parsed.runs).toEqual([expect.objectContaining({ source: 'feeds', status: 'partial', identitiesOk: 1, identitiesFailed: 1, warnings: [] })]);
    expect(parsed.identities).toEqual([{ source: 'feeds', identities: 2, failing: 1, waiting: 1 }]);
    expect(parsed.failing).toEqual([expect.objectContaining({ source: 'feeds', memberHandle: 'bo', platform: 'feed', consecutiveFailures: 1, lastError: expect.stringContaining('/broken: not well-formed XML') })]);

    // The --json of `sync` with its other options, and `--json` placed before the subcommand's options.
    const waiting = await runCli(['sync', '--source', 'feeds', '--json'], env);
    expect(JSON.parse(waiting.stdout)).toEqual([expect.objectContaining({ status: 'ok', identitiesOk: 1, identitiesSkipped: 1, identitiesFailed: 0 })]);
    const retried = await runCli(['sync', '--json', '--retry-failing'], env);
    expect(JSON.parse(retried.stdout)).toEqual([expect.objectContaining({ status: 'partial', identitiesSkipped: 0, identitiesFailed: 1 })]);
    const member = await runCli(['sync', '--member', 'ada', '--json'], env);
    expect(JSON.parse(member.stdout)).toEqual([expect.objectContaining({ status: 'ok', identitiesOk: 1 })]);

    const table = await runCli(['sync', 'status'], env);
    expect(table.stdout).toMatch(/^SOURCE\s+STATUS/);
    expect(table.stdout).toContain('failing identities');
    expect(table.stdout).toMatch(/feeds\s+bo\s+feed:http/);
  }, 120_000);
});
