// What a sync of the test community must store, worked out from the community's data alone:
// who wrote, reviewed, answered, posted, released or organised what, which of it is about
// Magento and within reach, what each item earns under the program's default rules (written
// out here by hand, not taken from the scoring code) and which items the default caps leave at
// zero. Not a test file: test/sync/community.test.ts compares the store with these lines.
import type { Community, CommunityMember } from '../fakes/community.js';
import type { FakeRepo } from '../fakes/github.js';

export interface ExpectedContribution {
  handle: string;
  source: string;
  kind: string;
  category: string;
  points: number;
  state: 'counted' | 'pending';
  occurredAt: string;
  /** Identifies the item within the source for de-duplication here (not the stored id). */
  key: string;
}

const CATEGORY: Record<string, string> = {
  pullRequestMerged: 'code',
  pullRequestReviewed: 'code',
  issueReported: 'code',
  packageReleased: 'code',
  documentationMerged: 'documentation',
  documentationReviewed: 'documentation',
  blogPost: 'content',
  video: 'content',
  eventOrganized: 'events',
  answerPosted: 'education',
  forumTopic: 'education',
  forumReply: 'education',
};

const BASE_POINTS: Record<string, number> = {
  pullRequestMerged: 10,
  pullRequestReviewed: 5,
  issueReported: 2,
  packageReleased: 5,
  documentationMerged: 10,
  documentationReviewed: 3,
  blogPost: 10,
  video: 10,
  eventOrganized: 40,
  answerPosted: 2,
  forumTopic: 1,
  forumReply: 1,
};

/** The Contribution Reward Program's awards: a base by type, plus each award label. */
const PR_BASE: Record<string, number> = { 'Type: port': 5, 'Type: cleanup': 1 };
const PR_AWARDS: Record<string, number> = {
  'Award: advanced': 30,
  'Award: complex': 20,
  'Award: special achievement': 20,
  'Award: test coverage': 10,
  'Award: MFTF test coverage': 10,
  'Award: bug fix': 10,
};
const DOC_BASE: Record<string, number> = { Editorial: 1 };
const DOC_AWARDS: Record<string, number> = { 'New Topic': 30, 'Major Update': 20, Technical: 10 };

const CAPS: Record<string, { perDay?: number; perWeek?: number }> = {
  issueReported: { perDay: 5, perWeek: 15 },
  answerPosted: { perDay: 10 },
  forumTopic: { perDay: 5 },
  forumReply: { perDay: 10, perWeek: 40 },
  blogPost: { perDay: 2, perWeek: 5 },
  video: { perDay: 2, perWeek: 5 },
  packageReleased: { perDay: 3, perWeek: 10 },
  pullRequestReviewed: { perDay: 10 },
  documentationReviewed: { perDay: 10 },
};

const MAGENTO_TOPICS = ['magento', 'magento2', 'magento-2', 'magento2-module', 'magento2-extension', 'magento-extension', 'mage-os', 'hyva', 'hyva-themes', 'adobe-commerce'];
const MAGENTO_TYPES = ['magento2-module', 'magento2-theme', 'magento2-language', 'magento2-component', 'magento2-library'];
const COUNTED_REVIEWS = ['APPROVED', 'CHANGES_REQUESTED', 'COMMENTED'];
/** The GitHub source looks this far back on its first run. */
const LOOKBACK_DAYS = 90;

const iso = (value: string | number) => new Date(value).toISOString();
const isBot = (login: string, type?: string) => type === 'Bot' || /\[bot\]$/i.test(login);

function pullPoints(labels: readonly string[], documentation: boolean): number {
  const [bases, awards] = documentation ? [DOC_BASE, DOC_AWARDS] : [PR_BASE, PR_AWARDS];
  const base = labels.map((l) => bases[l]).find((b) => b !== undefined) ?? 10;
  return labels.reduce((sum, l) => sum + (awards[l] ?? 0), base);
}

/** The parts of an Events API event read here. */
interface GithubEvent {
  type: string;
  repo: { name: string };
  payload: {
    action?: string;
    number?: number;
    issue?: { number: number };
    pull_request?: { number: number };
    review?: { state: string; submitted_at: string };
  };
}

/** Who owns an identity, for every platform, keyed by the lowercased value. */
type Owners = Map<string, { member: CommunityMember; verified: boolean }>;

function owners(community: Community, platform: string, caseSensitive = false): Owners {
  const map: Owners = new Map();
  for (const member of community.members.filter((m) => !m.erased)) {
    for (const identity of member.identities.filter((i) => i.platform === platform)) {
      map.set(caseSensitive ? identity.value : identity.value.toLowerCase(), { member, verified: identity.verified });
    }
  }
  return map;
}

class Expected {
  readonly items = new Map<string, ExpectedContribution>();
  add(owner: { member: CommunityMember; verified: boolean } | undefined, source: string, kind: string, key: string, occurredAt: string, points = BASE_POINTS[kind]!): void {
    if (!owner || this.items.has(`${source} ${key}`)) return;
    this.items.set(`${source} ${key}`, { handle: owner.member.handle, source, kind, category: CATEGORY[kind]!, points, state: owner.verified ? 'counted' : 'pending', occurredAt: iso(occurredAt), key });
  }
}

function github(community: Community, now: Date, out: Expected): void {
  const { fixtures, repositories, documentationRepositories } = community.github;
  const people = owners(community, 'github');
  const since = now.getTime() - LOOKBACK_DAYS * 86_400_000;
  const expand = (patterns: string[]) =>
    patterns.flatMap((pattern) => {
      const [org, name] = pattern.split('/') as [string, string];
      if (!name.endsWith('*')) return [pattern.toLowerCase()];
      return (fixtures.orgs?.[org.toLowerCase()] ?? []).filter((r) => r.startsWith(name.slice(0, -1))).map((r) => `${org}/${r}`.toLowerCase());
    });
  const code = expand(repositories);
  const docs = expand(documentationRepositories);

  const review = (repo: string, documentation: boolean, number: number, author: string, reviewer: string, state: string, at: string, type?: string) => {
    if (!COUNTED_REVIEWS.includes(state.toUpperCase()) || isBot(reviewer, type) || reviewer.toLowerCase() === author.toLowerCase()) return;
    out.add(people.get(reviewer.toLowerCase()), 'github', documentation ? 'documentationReviewed' : 'pullRequestReviewed', `review ${repo}#${number} ${reviewer.toLowerCase()}`, at);
  };
  const merged = (repo: string, data: FakeRepo, documentation: boolean, number: number) => {
    const pr = data.pulls?.find((p) => p.number === number);
    if (!pr?.mergedAt || isBot(pr.author, pr.authorType)) return;
    out.add(people.get(pr.author.toLowerCase()), 'github', documentation ? 'documentationMerged' : 'pullRequestMerged', `pr ${repo}#${number}`, pr.mergedAt, pullPoints(pr.labels ?? [], documentation));
  };
  const reported = (repo: string, data: FakeRepo, number: number) => {
    const issue = data.issues?.find((i) => i.number === number);
    if (issue && !isBot(issue.author)) out.add(people.get(issue.author.toLowerCase()), 'github', 'issueReported', `issue ${repo}#${number}`, issue.createdAt);
  };

  // The tracked repositories: merges in the window, the first counted review of each other
  // linked person on them, and the issues linked people opened.
  for (const repo of [...code, ...docs]) {
    const data = fixtures.repos[repo];
    if (!data) continue;
    const documentation = docs.includes(repo);
    for (const pr of (data.pulls ?? []).filter((p) => p.mergedAt && Date.parse(p.updatedAt) >= since)) {
      merged(repo, data, documentation, pr.number);
      const first = [...(data.reviews?.[pr.number] ?? [])]
        .filter((r) => COUNTED_REVIEWS.includes(r.state))
        .sort((a, b) => a.submittedAt.localeCompare(b.submittedAt));
      for (const r of first) review(repo, documentation, pr.number, pr.author, r.login, r.state, r.submittedAt, r.userType);
    }
    for (const issue of (data.issues ?? []).filter((i) => Date.parse(i.updatedAt) >= since)) reported(repo, data, issue.number);
  }

  // Elsewhere: what linked people's public events point at, in repositories about Magento.
  for (const [login, events] of Object.entries(fixtures.events ?? {})) {
    if (!people.has(login)) continue;
    for (const event of events as GithubEvent[]) {
      const repo = event.repo.name.toLowerCase();
      const data = fixtures.repos[repo];
      if (!data || code.includes(repo) || docs.includes(repo)) continue;
      const composer = data.composer as { type?: string; require?: Record<string, string> } | undefined;
      const magento = (data.topics ?? []).some((t) => MAGENTO_TOPICS.includes(t)) || MAGENTO_TYPES.includes(composer?.type ?? '') || 'magento/framework' in (composer?.require ?? {});
      if (!magento) continue;
      if (event.type === 'PullRequestEvent') merged(repo, data, false, event.payload.number!);
      if (event.type === 'IssuesEvent' && event.payload.action === 'opened') reported(repo, data, event.payload.issue!.number);
      if (event.type === 'PullRequestReviewEvent') {
        const { pull_request: ref, review: done } = event.payload;
        const pr = data.pulls!.find((p) => p.number === ref!.number)!;
        review(repo, false, pr.number, pr.author, login, done!.state, done!.submitted_at);
      }
    }
  }
}

function stackExchange(community: Community, out: Expected): void {
  const people = owners(community, 'stackexchange');
  for (const answer of community.stackexchange.answers) {
    const points = 2 + (answer.accepted ? 5 : 0) + Math.min(10, Math.max(0, answer.score ?? 0));
    out.add(people.get(String(answer.userId)), 'stackexchange', 'answerPosted', `answer ${answer.answerId}`, iso(answer.creationDate * 1000), points);
  }
}

/** Blog posts and videos about Magento; a post cross-posted to two feeds counts once, at its first date. */
function feeds(community: Community, out: Expected): void {
  const blogs = owners(community, 'feed', true);
  const devto = owners(community, 'devto');
  const documents = [
    ...[...blogs].map(([path, owner]) => ({ owner, feed: community.feeds[path]! })),
    ...[...devto].map(([user, owner]) => ({ owner, feed: community.feeds[`/feed/${user}`]! })),
  ];
  const posts = documents
    .flatMap(({ owner, feed }) => feed.posts.filter((p) => p.magento).map((post) => ({ owner, post, video: feed.format === 'youtube' })))
    .sort((a, b) => a.post.publishedAt.localeCompare(b.post.publishedAt));
  for (const { owner, post, video } of posts) {
    out.add(owner, 'feeds', video ? 'video' : 'blogPost', `${owner.member.handle} ${post.title.toLowerCase()}`, post.publishedAt);
  }
}

function discourse(community: Community, out: Expected): void {
  const people = owners(community, 'discourse');
  for (const action of community.discourse) {
    out.add(people.get(action.username.toLowerCase()), 'discourse', action.type === 4 ? 'forumTopic' : 'forumReply', `post ${action.topicId}/${action.postNumber}`, action.createdAt);
  }
}

/** Stable releases of a linked vendor's Magento packages (by type, or by depending on magento/framework). */
function packagist(community: Community, out: Expected): void {
  const vendors = owners(community, 'packagist');
  for (const pkg of community.packagist) {
    for (const version of pkg.versions as { version: string; time: string; type?: string; require?: Record<string, string> }[]) {
      const magento = MAGENTO_TYPES.includes(version.type ?? '') || 'magento/framework' in (version.require ?? {});
      if (!magento || !/^\d+\.\d+\.\d+$/.test(version.version)) continue;
      out.add(vendors.get(pkg.name.split('/')[0]!), 'packagist', 'packageReleased', `${pkg.name}@${version.version}`, version.time);
    }
  }
}

/** Every past occurrence of the calendars' events, cancelled ones left out. */
function calendars(community: Community, now: Date, out: Expected): void {
  for (const [path, owner] of owners(community, 'ical', true)) {
    for (const event of community.calendars[path]!.events.filter((e) => !e.cancelled)) {
      for (let k = 0; k < (event.monthlyCount ?? 1); k += 1) {
        const start = new Date(event.start);
        start.setUTCMonth(start.getUTCMonth() + k);
        if (start < now) out.add(owner, 'ical', 'eventOrganized', `${event.uid} ${k}`, start.toISOString());
      }
    }
  }
}

/** Monday of the ISO week of a YYYY-MM-DD day. */
function weekOf(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - ((date.getUTCDay() + 6) % 7));
  return date.toISOString().slice(0, 10);
}

/** Past a cap, an item of a member earns nothing; a day's items over its cap take no weekly place. */
function applyCaps(items: ExpectedContribution[]): void {
  const used = new Map<string, number>();
  const bump = (key: string) => used.set(key, (used.get(key) ?? 0) + 1).get(key)!;
  for (const item of [...items].sort((a, b) => a.occurredAt.localeCompare(b.occurredAt))) {
    const cap = CAPS[item.kind];
    if (!cap) continue;
    const day = item.occurredAt.slice(0, 10);
    if (bump(`${item.handle} ${item.kind} ${day}`) > (cap.perDay ?? Infinity)) item.points = 0;
    else if (bump(`${item.handle} ${item.kind} w${weekOf(day)}`) > (cap.perWeek ?? Infinity)) item.points = 0;
  }
}

export function expectedContributions(community: Community, now: Date): ExpectedContribution[] {
  const out = new Expected();
  github(community, now, out);
  stackExchange(community, out);
  feeds(community, out);
  discourse(community, out);
  packagist(community, out);
  calendars(community, now, out);
  const items = [...out.items.values()];
  applyCaps(items);
  return items;
}

/** One comparable line per contribution. */
export const line = (c: Omit<ExpectedContribution, 'key'>) => `${c.handle} ${c.source} ${c.kind} ${c.category} ${c.points} ${c.state} ${c.occurredAt}`;
