import { afterEach, describe, expect, it } from 'vitest';
import type { LinkedIdentity, NormalizedContribution, SourceBatch, SourceCursor } from '../../src/sources/contract.js';
import { githubSource, githubSettingsSchema } from '../../src/sources/github.js';
import { createHttpClient } from '../../src/sources/http.js';
import { memoryValidatorStore } from '../../src/sources/validators.js';
import { eventObject, slimPull, startFakeGithub, pullObject, type FakeGithub, type GithubFixtures } from '../fakes/github.js';
import { fakeClock } from '../fakes/server.js';

const NOW = new Date('2026-01-15T12:00:00Z');
const identities: LinkedIdentity[] = [
  { identityId: 1, memberId: 1, platform: 'github', externalId: 'Alice', verified: true },
  { identityId: 2, memberId: 2, platform: 'github', externalId: 'bob', verified: true },
  { identityId: 3, memberId: 3, platform: 'github', externalId: 'carol-renamed', verified: false },
  { identityId: 9, memberId: 9, platform: 'stackexchange', externalId: '123', verified: true },
];

function fixtures(): GithubFixtures {
  return {
    orgs: { 'mage-os': ['mageos-magento2', 'other'], adobedocs: ['commerce-php', 'unrelated'] },
    repos: {
      'magento/magento2': {
        pulls: [
          { number: 1, title: 'Fix <b>cart</b> totals &amp; taxes', author: 'alice', labels: ['Award: complex', 'Progress: accept'], createdAt: '2026-01-02T10:00:00Z', updatedAt: '2026-01-10T09:00:00Z', mergedAt: '2026-01-10T08:00:00Z' },
          { number: 2, title: 'Bump dependency', author: 'dependabot[bot]', authorType: 'Bot', createdAt: '2026-01-03T10:00:00Z', updatedAt: '2026-01-09T09:00:00Z', mergedAt: '2026-01-09T08:00:00Z' },
          { number: 3, title: 'Rejected idea', author: 'bob', createdAt: '2026-01-03T10:00:00Z', updatedAt: '2026-01-08T09:00:00Z', closedAt: '2026-01-08T08:00:00Z' },
          { number: 4, title: 'Ancient fix', author: 'alice', createdAt: '2024-12-01T10:00:00Z', updatedAt: '2025-01-02T09:00:00Z', mergedAt: '2025-01-01T08:00:00Z' },
        ],
        reviews: {
          1: [
            { id: 11, login: 'bob', state: 'APPROVED', submittedAt: '2026-01-09T10:00:00Z' },
            { id: 12, login: 'alice', state: 'COMMENTED', submittedAt: '2026-01-09T11:00:00Z' },
            { id: 13, login: 'copilot-pull-request-reviewer[bot]', userType: 'Bot', state: 'COMMENTED', submittedAt: '2026-01-09T12:00:00Z' },
            { id: 14, login: 'bob', state: 'COMMENTED', submittedAt: '2026-01-09T13:00:00Z' },
          ],
          2: [{ id: 21, login: 'alice', state: 'APPROVED', submittedAt: '2026-01-09T07:00:00Z' }],
          3: [{ id: 31, login: 'alice', state: 'PENDING', submittedAt: '2026-01-08T07:00:00Z' }],
        },
        issues: [
          { number: 10, title: 'Checkout fails with "0" qty', author: 'bob', createdAt: '2026-01-05T10:00:00Z', updatedAt: '2026-01-06T10:00:00Z' },
          { number: 11, title: 'Someone else', author: 'stranger', createdAt: '2026-01-05T10:00:00Z', updatedAt: '2026-01-06T11:00:00Z' },
        ],
        issueEvents: {
          1: [
            { event: 'labeled', actor: 'triage-bot', label: 'Progress: accept', createdAt: '2026-01-10T10:00:00Z' },
            { event: 'labeled', actor: 'maintainer', label: 'Award: complex', createdAt: '2026-01-11T10:00:00Z' },
          ],
        },
      },
      'mage-os/mageos-magento2': {
        pulls: [{ number: 7, title: 'Mage-OS port', author: 'bob', createdAt: '2026-01-01T10:00:00Z', updatedAt: '2026-01-04T09:00:00Z', mergedAt: '2026-01-04T08:00:00Z' }],
      },
      'mage-os/other': {},
      'adobedocs/commerce-php': {
        pulls: [{ number: 3, title: 'Document plugins', author: 'alice', createdAt: '2026-01-01T10:00:00Z', updatedAt: '2026-01-07T09:00:00Z', mergedAt: '2026-01-07T08:00:00Z' }],
        reviews: { 3: [{ id: 301, login: 'bob', state: 'CHANGES_REQUESTED', submittedAt: '2026-01-06T10:00:00Z' }] },
      },
      'alice/magento-module-x': {
        topics: ['magento2-module', 'php'],
        pulls: [
          { number: 5, title: 'Add GraphQL resolver', author: 'alice', createdAt: '2026-01-11T10:00:00Z', updatedAt: '2026-01-12T09:00:00Z', mergedAt: '2026-01-12T08:00:00Z' },
          { number: 6, title: 'Work in progress', author: 'alice', createdAt: '2026-01-13T10:00:00Z', updatedAt: '2026-01-13T10:00:00Z' },
        ],
      },
      'vendor/old-ext': {
        composer: { name: 'vendor/old-ext', type: 'magento2-module', require: { 'magento/framework': '*' } },
        pulls: [{ number: 8, title: 'Dave refactors', author: 'dave', createdAt: '2025-12-20T10:00:00Z', updatedAt: '2025-12-22T09:00:00Z' }],
      },
      'alice/dotfiles': { composer: { name: 'alice/dotfiles', type: 'project' } },
    },
    events: {
      alice: [
        eventObject('5005', 'PullRequestEvent', 'alice', 'alice/magento-module-x', '2026-01-13T10:00:00Z', { action: 'opened', number: 6, pull_request: slimPull('alice/magento-module-x', 6) }),
        eventObject('5004', 'PullRequestEvent', 'alice', 'magento/magento2', '2026-01-12T10:00:00Z', { action: 'opened', number: 99, pull_request: slimPull('magento/magento2', 99) }),
        eventObject('5003', 'IssuesEvent', 'alice', 'alice/dotfiles', '2026-01-11T12:00:00Z', { action: 'opened', issue: { number: 1 } }),
        eventObject('5002', 'PullRequestEvent', 'alice', 'alice/magento-module-x', '2026-01-11T10:00:00Z', { action: 'opened', number: 5, pull_request: slimPull('alice/magento-module-x', 5) }),
        eventObject('5001', 'PullRequestReviewEvent', 'alice', 'vendor/old-ext', '2025-12-21T10:00:00Z', {
          action: 'created',
          review: { id: 77, state: 'approved', submitted_at: '2025-12-21T10:00:00Z', html_url: 'https://github.com/vendor/old-ext/pull/8#pullrequestreview-77' },
          pull_request: slimPull('vendor/old-ext', 8),
        }),
        eventObject('4001', 'PullRequestEvent', 'alice', 'vendor/old-ext', '2025-09-01T10:00:00Z', {
          action: 'closed',
          number: 4,
          pull_request: { ...pullObject('vendor/old-ext', { number: 4, title: 'Old full payload', author: 'alice', labels: ['enhancement'], createdAt: '2025-08-01T10:00:00Z', updatedAt: '2025-09-01T10:00:00Z', mergedAt: '2025-09-01T10:00:00Z' }), merged: true },
        }),
      ],
      bob: [],
    },
  };
}

let fake: FakeGithub | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/**
 * One run. `cursor` is what the previous run left, shaped { repos, verdicts, people: { login: cursor } }:
 * the shared cursor, and each person's own cursor handed to their identity, as the engine does.
 */
async function run(settings: Record<string, unknown>, cursor: SourceCursor, http = createHttpClient({ clock: fakeClock(), random: () => 0 })) {
  const batches: SourceBatch[] = [];
  const warnings: string[] = [];
  const { people = {}, ...shared } = (cursor ?? {}) as { people?: Record<string, SourceCursor> };
  const withCursors = identities.map((identity) => ({ ...identity, cursor: people[identity.externalId.toLowerCase()] ?? null }));
  for await (const batch of githubSource(settings as never, withCursors, cursor ? shared : null, { http, now: NOW, warn: (m) => warnings.push(m) })) batches.push(batch);
  const contributions = batches.flatMap((b) => b.contributions);
  const after: Record<string, SourceCursor> = { ...people };
  for (const batch of batches) {
    if (!batch.identity || batch.identity.error !== undefined) continue;
    const identity = identities.find((i) => i.identityId === batch.identity!.identityId)!;
    after[identity.externalId.toLowerCase()] = batch.identity.cursor ?? null;
  }
  const sharedAfter = [...batches].reverse().find((b) => b.cursor !== undefined)?.cursor ?? shared;
  const failures = batches.flatMap((b) => (b.failure !== undefined ? [b.failure] : []));
  return { batches, contributions, cursor: { ...sharedAfter, people: after } as SourceCursor, http, warnings, failures };
}

const byId = (list: NormalizedContribution[]) => new Map(list.map((c) => [c.externalId, c]));

describe('github source', () => {
  it('has defaults for the Magento repositories', () => {
    const settings = githubSettingsSchema.parse({});
    expect(settings.repositories).toContain('magento/magento2');
    expect(settings.repositories).toContain('mage-os/*');
    expect(settings.documentationRepositories).toEqual(['AdobeDocs/commerce-*']);
  });

  it('collects merges, reviews, issues and discovered work with stable ids', async () => {
    fake = await startFakeGithub(fixtures());
    const settings = { baseUrl: fake.url, repositories: ['magento/magento2', 'mage-os/*'], token: 'ghp_secret' };
    const { contributions, batches } = await run(settings, null);
    const found = byId(contributions);
    expect([...found.keys()].sort()).toEqual(
      [
        'pr:magento/magento2#1',
        'review:magento/magento2#1:bob',
        'review:magento/magento2#2:alice',
        'issue:magento/magento2#10',
        'pr:mage-os/mageos-magento2#7',
        'pr:adobedocs/commerce-php#3',
        'review:adobedocs/commerce-php#3:bob',
        'pr:alice/magento-module-x#5',
        'pr:vendor/old-ext#4',
        'review:vendor/old-ext#8:alice',
      ].sort(),
    );
    expect(contributions).toHaveLength(found.size);
    const pr1 = found.get('pr:magento/magento2#1')!;
    expect(pr1).toMatchObject({ source: 'github', kind: 'pullRequestMerged', identityId: 1, title: 'Fix cart totals & taxes', occurredAt: '2026-01-10T08:00:00.000Z', url: 'https://github.com/magento/magento2/pull/1' });
    expect(pr1.metadata).toMatchObject({ repo: 'magento/magento2', labels: ['Award: complex', 'Progress: accept'], labelAwardedBy: 'maintainer', labelAwardedAt: '2026-01-11T10:00:00Z' });
    expect(found.get('review:magento/magento2#1:bob')).toMatchObject({ kind: 'pullRequestReviewed', identityId: 2, occurredAt: '2026-01-09T10:00:00.000Z' });
    expect(found.get('pr:adobedocs/commerce-php#3')!.kind).toBe('documentationMerged');
    expect(found.get('review:adobedocs/commerce-php#3:bob')!.kind).toBe('documentationReviewed');
    expect(found.get('pr:vendor/old-ext#4')!.metadata.labels).toEqual(['enhancement']);
    expect(found.get('review:vendor/old-ext#8:alice')).toMatchObject({ kind: 'pullRequestReviewed', identityId: 1 });
    expect(batches.flatMap((b) => b.goneIdentities ?? [])).toEqual([{ identityId: 3, reason: expect.stringContaining('carol-renamed') }]);
    // Token sent as a bearer token, API version pinned.
    expect(fake.requests[0]!.headers.authorization).toBe('Bearer ghp_secret');
    expect(fake.requests[0]!.headers['x-github-api-version']).toBe('2022-11-28');
  });

  it('picks up new work on the next run, loses nothing and answers unchanged pages with 304', async () => {
    fake = await startFakeGithub(fixtures());
    const settings = { baseUrl: fake.url, repositories: ['magento/magento2'], documentationRepositories: [] };
    const http = createHttpClient({ clock: fakeClock(), validators: memoryValidatorStore() });
    const first = await run(settings, null, http);
    expect(JSON.parse(JSON.stringify(first.cursor))).toEqual(first.cursor);
    const cursor = first.cursor as { people: Record<string, { pending: unknown[] }> };
    expect(cursor.people.alice!.pending).toEqual([{ repo: 'alice/magento-module-x', number: 6, seenAt: '2026-01-13T10:00:00Z' }]);

    const second = await run(settings, first.cursor, http);
    expect(http.stats.notModified).toBeGreaterThan(0);
    const firstIds = new Set(first.contributions.map((c) => c.externalId));
    for (const c of second.contributions) expect(firstIds.has(c.externalId)).toBe(true);

    // PR 6 gets merged by a maintainer, a new PR lands in magento2.
    const moduleRepo = fake.fixtures.repos['alice/magento-module-x']!;
    moduleRepo.pulls![1] = { ...moduleRepo.pulls![1]!, mergedAt: '2026-01-14T08:00:00Z', updatedAt: '2026-01-14T08:00:00Z' };
    fake.fixtures.repos['magento/magento2']!.pulls!.push({ number: 12, title: 'Late fix', author: 'bob', createdAt: '2026-01-13T10:00:00Z', updatedAt: '2026-01-14T11:00:00Z', mergedAt: '2026-01-14T11:00:00Z' });
    const third = await run(settings, second.cursor, http);
    const thirdIds = third.contributions.map((c) => c.externalId);
    expect(thirdIds).toContain('pr:alice/magento-module-x#6');
    expect(thirdIds).toContain('pr:magento/magento2#12');
    expect(new Set(thirdIds).size).toBe(thirdIds.length);
  });

  it('re-reads nothing unchanged: every request of the next run is conditional and answered 304', async () => {
    // carol-renamed exists here: a 404 is not a page a second run could have kept.
    fake = await startFakeGithub({ ...fixtures(), events: { ...fixtures().events, 'carol-renamed': [] } });
    const settings = { baseUrl: fake.url, repositories: ['magento/magento2', 'mage-os/*'] };
    const validators = memoryValidatorStore();
    const first = await run(settings, null, createHttpClient({ clock: fakeClock(), validators }));
    const firstRequests = fake.requests.length;
    const second = await run(settings, first.cursor, createHttpClient({ clock: fakeClock(), validators }));
    const again = fake.requests.slice(firstRequests);
    expect(again.length).toBeGreaterThan(5);
    expect(again.filter((r) => r.headers['if-none-match'] === undefined).map((r) => r.path)).toEqual([]);
    expect(second.http.stats.notModified).toBe(second.http.stats.requests);
    // The issue lists are read newest first without `since`, so their URL does not move with the cursor.
    expect(again.some((r) => r.path === '/repos/magento/magento2/issues' && !r.query.has('since'))).toBe(true);
  });

  it('pages through an unchanged org listing answered 304: the next page comes from the kept Link header', async () => {
    // An org of 150 repositories lists in two pages; the last one holds a merged PR by alice.
    const names = Array.from({ length: 150 }, (_, i) => `commerce-${String(i).padStart(3, '0')}`);
    const base = fixtures();
    const last = { pulls: [{ number: 1, title: 'Document the last repo', author: 'alice', createdAt: '2026-01-08T10:00:00Z', updatedAt: '2026-01-12T10:00:00Z', mergedAt: '2026-01-12T10:00:00Z' }] };
    fake = await startFakeGithub({ ...base, orgs: { adobedocs: names }, repos: { ...base.repos, 'adobedocs/commerce-149': last } });
    const settings = { baseUrl: fake.url, repositories: [], documentationRepositories: ['AdobeDocs/commerce-*'] };
    const validators = memoryValidatorStore();
    const first = await run(settings, null, createHttpClient({ clock: fakeClock(), validators }));
    expect(first.contributions.map((c) => c.externalId)).toContain('pr:adobedocs/commerce-149#1');
    const before = fake.requests.length;
    await run(settings, first.cursor, createHttpClient({ clock: fakeClock(), validators }));
    const listings = fake.requests.slice(before).filter((r) => r.path.toLowerCase() === '/orgs/adobedocs/repos');
    expect(listings.map((r) => r.query.get('page') ?? '1')).toEqual(['1', '2']);
    expect(fake.requests.slice(before).some((r) => r.path === '/repos/adobedocs/commerce-149/pulls')).toBe(true);
  });

  it('stops with a clear rate-limit error when the reset is far away', async () => {
    fake = await startFakeGithub(fixtures());
    const reset = Math.floor(fakeClock().now() / 1000) + 3600;
    fake.fault({ path: '/repos/magento/magento2/pulls', reply: { status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) }, json: { message: 'API rate limit exceeded for 127.0.0.1.', documentation_url: 'https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting' } } });
    const http = createHttpClient({ clock: fakeClock(), maxRateLimitWaitMs: 60_000 });
    const { failures } = await run({ baseUrl: fake.url, repositories: ['magento/magento2'], documentationRepositories: [] }, null, http);
    expect(failures).toEqual([expect.stringMatching(/^github: polling magento\/magento2: GET http:\/\/127\.0\.0\.1:\d+\/repos\/magento\/magento2\/pulls\?.*rate limited/)]);
  });

  it('waits out a short secondary rate limit and retries server errors', async () => {
    fake = await startFakeGithub(fixtures());
    fake.fault({ path: '/repos/magento/magento2/pulls', reply: { status: 403, headers: { 'retry-after': '30' }, json: { message: 'You have exceeded a secondary rate limit.', documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits' } } });
    fake.fault({ path: '/repos/magento/magento2/issues', times: 2, reply: { status: 502, body: 'Bad Gateway' } });
    const clock = fakeClock();
    const http = createHttpClient({ clock, random: () => 0 });
    const { contributions } = await run({ baseUrl: fake.url, repositories: ['magento/magento2'], documentationRepositories: [] }, null, http);
    expect(contributions.map((c) => c.externalId)).toContain('issue:magento/magento2#10');
    expect(http.stats.rateLimitedWaits).toBe(1);
    expect(http.stats.retries).toBe(2);
    expect(clock.sleeps[0]).toBe(30_000);
  });

  it('reports malformed JSON and unexpected shapes with the URL', async () => {
    fake = await startFakeGithub(fixtures());
    fake.fault({ path: '/repos/magento/magento2/pulls', reply: { body: '[{"number": 1,', headers: { 'content-type': 'application/json' } } });
    const settings = { baseUrl: fake.url, repositories: ['magento/magento2'], documentationRepositories: [] };
    expect((await run(settings, null)).failures).toEqual([expect.stringMatching(/github: polling magento\/magento2: .*\/pulls.*malformed JSON/)]);
    fake.fault({ path: '/repos/magento/magento2/pulls', reply: { json: { message: 'not a list' } } });
    expect((await run(settings, null)).failures).toEqual([expect.stringMatching(/unexpected response shape/)]);
  });

  it('reads the rest of a repository when issue events answer 404, with a warning', async () => {
    fake = await startFakeGithub(fixtures());
    fake.fault({ path: '/repos/magento/magento2/issues/1/events', reply: { status: 404, json: { message: 'Not Found' } } });
    const { contributions, warnings, failures } = await run({ baseUrl: fake.url, repositories: ['magento/magento2'], documentationRepositories: [] }, null);
    const found = byId(contributions);
    // The merge is still counted (without who awarded), and so is the rest of the repository.
    expect(found.get('pr:magento/magento2#1')!.metadata.labels).toEqual(['Award: complex', 'Progress: accept']);
    expect(found.get('pr:magento/magento2#1')!.metadata.labelAwardedBy).toBeUndefined();
    expect(found.has('review:magento/magento2#1:bob')).toBe(true);
    expect(found.has('issue:magento/magento2#10')).toBe(true);
    expect(failures).toEqual([]);
    expect(warnings).toEqual([expect.stringMatching(/^github: magento\/magento2#1: issue events not available \(.*HTTP 404/)]);
  });

  it('hands "stopped after N pages" to the run as a warning', async () => {
    // 150 pull requests closed in the window: more than the one page of 100 allowed.
    const pulls = Array.from({ length: 150 }, (_, i) => ({ number: 100 + i, title: `Closed ${i}`, author: 'dave', createdAt: '2026-01-02T10:00:00Z', updatedAt: new Date(Date.parse('2026-01-14T00:00:00Z') - i * 60_000).toISOString(), closedAt: '2026-01-03T10:00:00Z' }));
    fake = await startFakeGithub({ ...fixtures(), repos: { 'magento/magento2': { pulls } } });
    const { warnings } = await run({ baseUrl: fake.url, repositories: ['magento/magento2'], documentationRepositories: [], maxPagesPerRepository: 1 }, null);
    expect(warnings).toContainEqual(expect.stringMatching(/^github: \/repos\/magento\/magento2\/pulls: stopped after 1 pages/));
  });

  it('keeps each person\'s events cursor on their identity, and fails one person alone', async () => {
    fake = await startFakeGithub(fixtures());
    fake.fault({ path: '/users/bob/events/public', times: 10, reply: { status: 500, json: { message: 'Server Error' } } });
    const http = createHttpClient({ clock: fakeClock(), random: () => 0, maxRetries: 0 });
    const { batches } = await run({ baseUrl: fake.url, repositories: ['magento/magento2'], documentationRepositories: [] }, null, http);
    const outcomes = batches.flatMap((b) => (b.identity ? [b.identity] : []));
    expect(outcomes.map((o) => [o.identityId, o.error === undefined])).toEqual([[1, true], [2, false], [3, true]]);
    expect(outcomes[1]!.error).toMatch(/^github: reading public events of bob: .*HTTP 500/);
    expect(outcomes[1]!.error).not.toMatch(/alice|carol/i);
    expect(outcomes[0]!.cursor).toMatchObject({ pending: [{ repo: 'alice/magento-module-x', number: 6 }] });
    // The shared cursor keeps repositories and verdicts, no one's events.
    const shared = [...batches].reverse().find((b) => b.cursor !== undefined)!.cursor as Record<string, unknown>;
    expect(Object.keys(shared).sort()).toEqual(['repos', 'verdicts']);
    // A person backing off is not read, but their login still matches in the repositories.
    const before = fake.requests.length;
    const backingOff = identities.map((identity) => ({ ...identity, due: identity.identityId !== 2 }));
    const again: SourceBatch[] = [];
    for await (const batch of githubSource({ baseUrl: fake.url, repositories: ['magento/magento2'], documentationRepositories: [] } as never, backingOff, null, { http, now: NOW })) again.push(batch);
    expect(fake.requests.slice(before).some((r) => r.path === '/users/bob/events/public')).toBe(false);
    expect(again.flatMap((b) => b.contributions).map((c) => c.externalId)).toContain('review:magento/magento2#1:bob');
  });
});
