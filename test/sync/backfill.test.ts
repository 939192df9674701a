// The GH Archive backfill on both engines, from real .json.gz files and against the loopback
// GitHub API: what it stores, that the live GitHub sync afterwards finds the very same
// records (same externalIds, nothing new), that a re-run changes nothing, that a truncated
// file is reported while the others are kept, and that unverified identities wait.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { disabled, syncConfig } from '../support/sync-config.js';
import { linkIdentity } from '../../src/store/identities.js';
import { addMember } from '../../src/store/members.js';
import { archiveFiles, backfillGhArchive, type BackfillProgress } from '../../src/sync/backfill.js';
import { latestRuns, runSync } from '../../src/sync/engine.js';
import { archiveEvent, fullMergedPr, gzipLines, noiseEvent, slimPrEvent } from '../fakes/gharchive.js';
import { pullObject, slimPull, startFakeGithub, userObject, type FakeGithub, type GithubFixtures } from '../fakes/github.js';
import { fakeClock } from '../fakes/server.js';
import { ENGINES, freshStore, type TestStore } from '../support/engines.js';

const M2 = 'magento/magento2';
const NOW = new Date('2026-01-15T12:00:00Z');
const RECENT = '2025-12-01T00:00:00Z';

function reviewEvent(reviewer: string, number: number, prAuthor: string, at: string, id: number) {
  return archiveEvent('PullRequestReviewEvent', reviewer, M2, at, {
    action: 'created',
    review: { id, user: userObject(reviewer), state: 'approved', submitted_at: at, html_url: `https://github.com/${M2}/pull/${number}#pullrequestreview-${id}` },
    pull_request: pullObject(M2, { number, title: `PR ${number} in ${M2}`, author: prAuthor, createdAt: at, updatedAt: at }),
  });
}

function issueOpened(author: string, number: number, title: string, at: string) {
  const issue = { number, title, user: userObject(author), labels: [], state: 'open', html_url: `https://github.com/${M2}/issues/${number}`, created_at: at };
  return archiveEvent('IssuesEvent', author, M2, at, { action: 'opened', issue });
}

/** Four hours: two full ones, one truncated, one slim; named so that only a numeric sort orders them. */
function writeArchive(dir: string): void {
  const noise = Array.from({ length: 40 }, (_, i) => noiseEvent(i));
  const hour9 = [
    ...noise,
    fullMergedPr('maintainer', M2, 1, 'Alice', '2025-09-30T09:10:00Z'),
    reviewEvent('bob', 1, 'alice', '2025-09-30T09:20:00Z', 11),
    issueOpened('bob', 10, 'Checkout fails', '2025-09-30T09:30:00Z'),
    fullMergedPr('maintainer', 'alice/magento-module-x', 5, 'alice', '2025-09-30T09:40:00Z'),
    fullMergedPr('maintainer', 'alice/dotfiles', 6, 'alice', '2025-09-30T09:41:00Z'),
    fullMergedPr('maintainer', M2, 2, 'stranger', '2025-09-30T09:42:00Z'),
    fullMergedPr('maintainer', 'mage-os/mageos-magento2', 7, 'bob', '2025-09-30T09:43:00Z'),
  ];
  const hour10 = [...noise, reviewEvent('bob', 1, 'alice', '2025-09-30T10:30:00Z', 12), fullMergedPr('maintainer', M2, 3, 'alice', '2025-09-30T10:40:00Z', ['Award: complex'])];
  const truncated = gzipLines([...noise, fullMergedPr('maintainer', M2, 40, 'alice', '2025-09-30T11:00:00Z'), ...noise]);
  const slim = [
    slimPrEvent('alice', M2, 20, 'opened', '2025-10-08T01:00:00Z'),
    archiveEvent('PullRequestReviewEvent', 'bob', M2, '2025-10-08T01:02:00Z', { action: 'created', review: { id: 210, state: 'approved' }, pull_request: slimPull(M2, 21) }),
    archiveEvent('IssuesEvent', 'bob', M2, '2025-10-08T01:05:00Z', { action: 'opened', issue: { number: 30 } }),
    slimPrEvent('alice', 'alice/dotfiles', 8, 'opened', '2025-10-08T01:06:00Z'),
    slimPrEvent('alice', M2, 20, 'synchronize', '2025-10-08T01:07:00Z'),
    ...noise,
  ];
  writeFileSync(path.join(dir, '2025-09-30-9.json.gz'), gzipLines(hour9));
  writeFileSync(path.join(dir, '2025-09-30-10.json.gz'), gzipLines(hour10));
  writeFileSync(path.join(dir, '2025-09-30-11.json.gz'), truncated.subarray(0, truncated.length - 40));
  writeFileSync(path.join(dir, '2025-10-08-1.json.gz'), gzipLines(slim));
  writeFileSync(path.join(dir, 'notes.txt'), 'not an archive');
}

/** What the REST API says about the same work, for the lookups and for the live sync. */
function fixtures(): GithubFixtures {
  const pull = (number: number, author: string, mergedAt: string, labels: string[] = [], repo = M2) => ({ number, title: `PR ${number} in ${repo}`, author, labels, createdAt: mergedAt, updatedAt: RECENT, mergedAt });
  return {
    orgs: { 'mage-os': ['mageos-magento2'] },
    events: { alice: [], bob: [] },
    repos: {
      [M2]: {
        pulls: [pull(1, 'Alice', '2025-09-30T09:10:00Z'), pull(2, 'stranger', '2025-09-30T09:42:00Z'), pull(3, 'alice', '2025-09-30T10:40:00Z', ['Award: complex']), pull(20, 'alice', '2025-11-01T10:00:00Z'), pull(21, 'carol', '2025-11-02T10:00:00Z')],
        reviews: {
          1: [
            { id: 11, login: 'bob', state: 'APPROVED', submittedAt: '2025-09-30T09:20:00Z' },
            { id: 12, login: 'bob', state: 'APPROVED', submittedAt: '2025-09-30T10:30:00Z' },
          ],
          21: [{ id: 210, login: 'bob', state: 'APPROVED', submittedAt: '2025-10-08T01:02:00Z' }],
        },
        issueEvents: { 3: [{ event: 'labeled', actor: 'maintainer', label: 'Award: complex', createdAt: '2025-09-30T10:35:00Z' }] },
        issues: [
          { number: 10, title: 'Checkout fails', author: 'bob', createdAt: '2025-09-30T09:30:00Z', updatedAt: RECENT },
          { number: 30, title: 'Slim issue', author: 'bob', createdAt: '2025-10-08T01:05:00Z', updatedAt: RECENT },
        ],
      },
      'mage-os/mageos-magento2': { pulls: [pull(7, 'bob', '2025-09-30T09:43:00Z', [], 'mage-os/mageos-magento2')] },
      'adobedocs/commerce-php': {},
      'alice/magento-module-x': { topics: ['magento2-module'] },
      'alice/dotfiles': { composer: { name: 'alice/dotfiles', type: 'project' } },
    },
  };
}

const EXPECTED = [
  'issue:magento/magento2#10',
  'issue:magento/magento2#30',
  'pr:alice/magento-module-x#5',
  'pr:mage-os/mageos-magento2#7',
  'pr:magento/magento2#1',
  'pr:magento/magento2#20',
  'pr:magento/magento2#3',
  'review:magento/magento2#1:bob',
  'review:magento/magento2#21:bob',
];

let github: FakeGithub;
let archive: string;
beforeAll(async () => {
  github = await startFakeGithub(fixtures());
  archive = mkdtempSync(path.join(tmpdir(), 'ambassador-gharchive-'));
  writeArchive(archive);
});
afterAll(async () => {
  await github.close();
  rmSync(archive, { recursive: true, force: true });
});

function config() {
  return syncConfig({
    github: { baseUrl: github.url, repositories: [M2, 'mage-os/*'], documentationRepositories: ['AdobeDocs/commerce-php'] },
    ...disabled('stackexchange', 'feeds', 'discourse', 'packagist', 'ical'),
  });
}

const options = () => ({ now: NOW, http: { clock: fakeClock(), random: () => 0 } });

describe.each(ENGINES)('GH Archive backfill on %s', (engine) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await freshStore(engine);
    github.requests.length = 0;
    const alice = await addMember(store.db, { handle: 'alice', name: 'Alice', email: 'alice@example.org', joinedAt: '2025-01-01' }, 'test');
    const bob = await addMember(store.db, { handle: 'bob', name: 'Bob', email: 'bob@example.org', joinedAt: '2025-01-01' }, 'test');
    await linkIdentity(store.db, alice.id, { platform: 'github', externalId: 'alice' }, { verified: true }, 'test');
    await linkIdentity(store.db, bob.id, { platform: 'github', externalId: 'Bob' }, {}, 'test');
  });
  afterEach(async () => {
    await store.dispose();
  });

  const rows = () => store.db.selectFrom('contributions as c').innerJoin('members as m', 'm.id', 'c.member_id').select(['c.external_id', 'c.source', 'c.kind', 'c.review_state', 'c.occurred_at', 'c.metadata', 'm.handle']).orderBy('c.external_id').execute();

  it('stores what the archive holds for linked people, under the live source ids, and reports the broken file', async () => {
    const progress: BackfillProgress[] = [];
    const summary = await backfillGhArchive(store, config(), [archive], { ...options(), onProgress: (p) => progress.push(p) });

    const stored = await rows();
    expect(stored.map((r) => r.external_id)).toEqual(EXPECTED);
    expect(new Set(stored.map((r) => r.source))).toEqual(new Set(['github']));
    const byId = new Map(stored.map((r) => [r.external_id, r]));
    // Bob's identity is not verified: what it found waits for it.
    for (const row of stored) {
      expect(row.review_state).toBe(row.handle === 'bob' ? 'pending' : 'counted');
      if (row.handle === 'bob') expect(row.metadata).toHaveProperty('awaitsIdentity');
    }
    // Files are read in time order (hour 9 before hour 10): the first review is the one kept, as live.
    expect(byId.get('review:magento/magento2#1:bob')!.occurred_at.toISOString()).toBe('2025-09-30T09:20:00.000Z');
    expect(byId.get('pr:magento/magento2#3')!.metadata).toMatchObject({ labels: ['Award: complex'], labelAwardedBy: 'maintainer' });

    expect(summary.files.map((f) => [f.file, f.status])).toEqual([
      ['2025-09-30-9.json.gz', 'ok'],
      ['2025-09-30-10.json.gz', 'ok'],
      ['2025-09-30-11.json.gz', 'failed'],
      ['2025-10-08-1.json.gz', 'ok'],
    ]);
    expect(summary.files[2]!.error).toMatch(/^2025-09-30-11\.json\.gz: gharchive: truncated gzip archive after \d+ bytes$/);
    expect(summary.run).toMatchObject({ source: 'gharchive', status: 'failed', itemsNew: EXPECTED.length, itemsUpdated: 0 });
    expect(summary.run.error).toContain('2025-09-30-11.json.gz: gharchive: truncated gzip archive');
    expect(summary.repositoriesChecked).toBe(2);
    // Each pull request is looked up once, however many slim events point at it.
    expect(github.count('/repos/magento/magento2/pulls/20')).toBe(1);
    expect(github.count('/repos/alice/dotfiles/pulls')).toBe(0);
    expect(summary.run.requests).toBe(github.requests.length);

    const runs = await latestRuns(store.db);
    expect(runs.find((r) => r.source === 'gharchive')).toMatchObject({ status: 'failed', items_new: EXPECTED.length });
    const reading = progress.filter((p) => p.phase === 'reading');
    expect(reading.at(-1)!.done).toBe(reading.at(-1)!.total);
    expect(progress.at(-1)).toMatchObject({ phase: 'resolving', done: 4, total: 4 });
  });

  it('agrees with the live GitHub sync: no duplicates either way, and a re-run changes nothing', async () => {
    await backfillGhArchive(store, config(), [archive], options());
    const before = await rows();

    const [live] = await runSync(store, config(), { source: 'github', ...options() });
    expect(live).toMatchObject({ source: 'github', status: 'ok', itemsNew: 0 });
    const after = await rows();
    expect(after).toEqual(before);

    const again = await backfillGhArchive(store, config(), [archive], options());
    expect(again.run).toMatchObject({ itemsNew: 0, itemsUpdated: 0, itemsUnchanged: EXPECTED.length });
    // The verdicts on other repositories were kept: nothing is classified twice.
    expect(again.repositoriesChecked).toBe(0);
    expect(await rows()).toEqual(before);
  });

  it('records a GitHub API failure and keeps what the files gave', async () => {
    github.fault({ path: '/repos/magento/magento2/pulls/20', times: 10, reply: { status: 403, json: { message: 'API rate limit exceeded' }, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.floor(NOW.getTime() / 1000) + 3600) } } });
    const summary = await backfillGhArchive(store, config(), [path.join(archive, '2025-09-30-9.json.gz'), path.join(archive, '2025-10-08-1.json.gz')], options());
    github.clearFaults();
    expect(summary.run.status).toBe('failed');
    expect(summary.run.error).toMatch(/looking up magento\/magento2#20: .*rate limit/);
    const ids = (await rows()).map((r) => r.external_id);
    expect(ids).toContain('pr:magento/magento2#1');
    expect(ids).not.toContain('pr:magento/magento2#20');
  });
});

describe('archive files', () => {
  it('expands folders to their .json.gz files in time order and names what is missing', async () => {
    const files = await archiveFiles([archive]);
    expect(files.map((f) => path.basename(f.path))).toEqual(['2025-09-30-9.json.gz', '2025-09-30-10.json.gz', '2025-09-30-11.json.gz', '2025-10-08-1.json.gz']);
    expect(files.every((f) => f.bytes > 0)).toBe(true);
    await expect(archiveFiles([path.join(archive, 'nope.json.gz')])).rejects.toThrow(`no such file or directory: ${path.join(archive, 'nope.json.gz')}`);
    const empty = mkdtempSync(path.join(tmpdir(), 'ambassador-gharchive-empty-'));
    await expect(archiveFiles([empty])).rejects.toThrow(`no .json.gz files in ${empty}`);
    rmSync(empty, { recursive: true });
  });
});
