// A small upstream world for sync tests that go through the engine (faults, kill and re-run):
// the GitHub, Stack Exchange and feed fakes with fixtures dated relative to a chosen "now", in
// two stages (stage 1 adds new work everywhere), the community that links to it, and the
// `sources` settings that point at it. Not a test file: the tests import it.
import type { Kysely } from 'kysely';
import { linkIdentity } from '../../src/store/identities.js';
import { addMember } from '../../src/store/members.js';
import type { Database } from '../../src/store/schema.js';
import { wordpressRss, youtubeAtom } from '../fakes/feeds.js';
import { startFakeGithub, type FakeGithub, type FakePull, type GithubFixtures } from '../fakes/github.js';
import { startFakeServer, type FakeServer } from '../fakes/server.js';
import { startFakeStackExchange, type FakeAnswer, type FakeStackExchange } from '../fakes/stackexchange.js';

export interface WorldSize {
  /** Tracked repositories, each one batch of the GitHub source. */
  repositories: number;
  /** Answers of Jane before stage 1; over 100 makes the answers come in pages. */
  answers: number;
  /** Extra blogs of Jane besides her blog and her YouTube channel. */
  extraFeeds: number;
}

export interface FakeWorld {
  github: FakeGithub;
  se: FakeStackExchange;
  feeds: FakeServer;
  /** Every request any of the three fakes received, in order. */
  onRequest: (listener: (count: number) => void) => void;
  stage(stage: 0 | 1): void;
  /** The `sources` settings that point at the fakes. */
  sources(): Record<string, unknown>;
  close(): Promise<void>;
}

export async function startWorld(now: Date, size: WorldSize): Promise<FakeWorld> {
  let stage: 0 | 1 = 0;
  const github = await startFakeGithub(githubFixtures(now, size, 0));
  const se = await startFakeStackExchange({ answers: answers(now, size, 0), users: { 42: { displayName: 'Jane' }, 43: { displayName: 'Joe' } } });
  const feeds: FakeServer = await startFakeServer((request) => feedReply(request.path, feeds.url, now, stage));
  const listeners: ((count: number) => void)[] = [];
  let requests = 0;
  countRequests([github, se, feeds], () => {
    requests += 1;
    for (const listener of listeners) listener(requests);
  });
  return {
    github,
    se,
    feeds,
    onRequest: (listener) => void listeners.push(listener),
    stage(next) {
      stage = next;
      Object.assign(github.fixtures, githubFixtures(now, size, next));
      se.fixtures.answers = answers(now, size, next);
    },
    sources: () => ({
      http: { allowPrivateAddresses: ['127.0.0.1/32'], timeoutMs: 5000 },
      github: { baseUrl: github.url, repositories: repositoryNames(size), documentationRepositories: [] },
      // No filter given: each run creates one through /filters/create, as it does by default.
      stackexchange: { baseUrl: `${se.url}/2.3` },
      discourse: { enabled: false },
      packagist: { enabled: false },
      ical: { enabled: false },
    }),
    close: async () => {
      await Promise.all([github.close(), se.close(), feeds.close()]);
    },
  };
}

/**
 * Calls `onRequest` as each fake receives a request, faulted or not, before it answers. The
 * fakes record every request in `requests` first thing, so listening there sees them all.
 */
function countRequests(servers: FakeServer[], onRequest: () => void): void {
  for (const server of servers) {
    const push = server.requests.push.bind(server.requests);
    server.requests.push = (...items) => {
      for (let i = 0; i < items.length; i += 1) onRequest();
      return push(...items);
    };
  }
}

export function repositoryNames(size: WorldSize): string[] {
  return Array.from({ length: size.repositories }, (_, index) => (index === 0 ? 'magento/magento2' : `magento/module-${String(index).padStart(2, '0')}`));
}

const daysBefore = (now: Date, days: number, hour = 10) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - days, hour)).toISOString();

function merged(now: Date, number: number, author: string, days: number): FakePull {
  const at = daysBefore(now, days);
  return { number, title: `Fix number ${number}`, author, createdAt: daysBefore(now, days + 3), updatedAt: at, mergedAt: at };
}

function githubFixtures(now: Date, size: WorldSize, stage: 0 | 1): GithubFixtures {
  const repos: GithubFixtures['repos'] = {};
  repositoryNames(size).forEach((name, index) => {
    const pulls = [merged(now, 1, 'adal', 20 + index), merged(now, 2, 'someone', 15 + index)];
    if (stage === 1) pulls.push(merged(now, 3, 'adal', 2));
    repos[name] = {
      pulls,
      reviews: { 2: [{ id: 100 + index, login: 'adal', state: 'APPROVED', submittedAt: daysBefore(now, 16 + index) }] },
      issues: [{ number: 40, title: `Checkout fails in module ${index}`, author: 'adal', createdAt: daysBefore(now, 10), updatedAt: daysBefore(now, 10) }],
    };
  });
  return { repos, events: { adal: [] }, users: { adal: { bio: null } }, gists: { adal: [] } };
}

function answers(now: Date, size: WorldSize, stage: 0 | 1): FakeAnswer[] {
  const seconds = (iso: string) => Date.parse(iso) / 1000;
  const list: FakeAnswer[] = Array.from({ length: size.answers }, (_, index) => ({
    answerId: 1000 + index,
    questionId: 500 + index,
    userId: 42,
    title: `Answer ${index} about Magento indexers`,
    creationDate: seconds(daysBefore(now, 25, 0)) + index * 600,
    score: index % 4,
    accepted: index % 5 === 0,
  }));
  list.push({ answerId: 2000, questionId: 900, userId: 43, title: 'Joe answers about cron', creationDate: seconds(daysBefore(now, 12)) });
  if (stage === 1) list.push({ answerId: 3000, questionId: 901, userId: 42, title: 'A fresh answer', creationDate: seconds(daysBefore(now, 1)), accepted: true });
  return list;
}

/** Jane's blog (stage 1 adds a post), her YouTube channel and extra blogs at /extra/N. */
function feedReply(path: string, base: string, now: Date, stage: 0 | 1) {
  const rss = (body: string) => ({ body, headers: { 'content-type': 'application/rss+xml; charset=utf-8' } });
  if (path === '/blog/feed') {
    const fresh = `<item><title>Magento upgrade notes</title><link>https://jane.example/upgrade/</link><pubDate>${new Date(daysBefore(now, 1)).toUTCString()}</pubDate><guid>https://jane.example/?p=200</guid></item>`;
    return rss(wordpressRss(base).replace('</channel>', `${stage === 1 ? fresh : ''}</channel>`));
  }
  if (path === '/youtube') return rss(youtubeAtom);
  const extra = /^\/extra\/(\d+)$/.exec(path);
  if (extra) {
    const n = Number(extra[1]);
    return rss(`<?xml version="1.0"?><rss version="2.0"><channel><title>Blog ${n}</title>
      <item><title>Magento tip ${n}</title><link>https://blog${n}.example/tip/</link><pubDate>${new Date(daysBefore(now, 5 + n)).toUTCString()}</pubDate></item>
      </channel></rss>`);
  }
  return { status: 404, body: 'not found' };
}

/** Ada on GitHub; Jane on Stack Exchange and her feeds (verified); Joe on Stack Exchange, unverified. */
export async function linkCommunity(db: Kysely<Database>, world: FakeWorld, size: WorldSize): Promise<void> {
  const member = (handle: string) => addMember(db, { handle, name: handle, email: `${handle}@example.org`, joinedAt: '2025-01-01' }, 'test');
  const [ada, jane, joe] = [await member('ada'), await member('jane'), await member('joe')];
  await linkIdentity(db, ada.id, { platform: 'github', externalId: 'AdaL' }, { verified: true }, 'test');
  await linkIdentity(db, jane.id, { platform: 'stackexchange', externalId: '42' }, { verified: true }, 'test');
  await linkIdentity(db, jane.id, { platform: 'feed', externalId: `${world.feeds.url}/blog/feed` }, { verified: true }, 'test');
  await linkIdentity(db, jane.id, { platform: 'feed', externalId: `${world.feeds.url}/youtube` }, { verified: true }, 'test');
  for (let n = 1; n <= size.extraFeeds; n += 1) {
    await linkIdentity(db, jane.id, { platform: 'feed', externalId: `${world.feeds.url}/extra/${n}` }, { verified: true }, 'test');
  }
  await linkIdentity(db, joe.id, { platform: 'stackexchange', externalId: '43' }, {}, 'test');
}

/** What a sync stored, as comparable lines: source, external id, points, review state. */
export async function storedRecords(db: Kysely<Database>): Promise<string[]> {
  const rows = await db.selectFrom('contributions').select(['source', 'external_id', 'points', 'review_state']).execute();
  return rows.map((row) => `${row.source} ${row.external_id} ${row.points} ${row.review_state}`).sort();
}
