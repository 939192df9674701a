// The GitHub part of the test community: magento/magento2 with merged pull requests whose
// "Award: …" labels a maintainer applied (issue events), reviews by the maintainer and by
// peers, self-reviews, a review bot and dismissed reviews; reported issues; the mage-os org
// (tracked by wildcard), AdobeDocs/commerce-* documentation repositories, and Magento work
// outside the tracked list that only public events reveal (own extensions recognised by topic
// or composer.json, a third-party extension). Also what must not count: bots, outsiders, old
// and unmerged work, a person's dotfiles, work of an erased member.

import { eventObject, slimPull, type FakePull, type FakeRepo, type FakeReview, type GithubFixtures } from './github.js';

export interface GithubPerson {
  index: number;
  login: string;
}

export interface CommunityGithub {
  fixtures: GithubFixtures;
  repositories: string[];
  documentationRepositories: string[];
  /** Where the test finds the items it checks one by one. */
  highlights: Record<string, { repo: string; number: number }>;
}

const DAY = 86_400_000;
const HOUR = 3_600_000;
const START = Date.parse('2025-10-20T09:00:00Z');
const stamp = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

export const REVIEW_BOT = 'copilot-pull-request-reviewer[bot]';
export const LABEL_BOT = 'm2-assistant[bot]';
export const OUTSIDER = 'outsider-dev';
export const ADOBE_ENGINEER = 'engcom-Hotel';

const LABEL_SETS = [
  ['Award: advanced', 'Award: complex', 'Progress: accept'],
  ['Award: test coverage', 'Award: bug fix', 'Progress: accept'],
  ['Type: port'],
  ['Type: cleanup'],
  ['Component: Checkout'],
];
const TITLES = [
  'Fix <b>cart</b> price rule &amp; tax rounding',
  'Add GraphQL resolver for customer orders',
  'Port stock reservation fix to 2.4-develop',
  'Remove unused imports in Catalog module',
  'Fix layered navigation with multiple filters',
  'Cover Quote totals collector with unit tests',
];

interface Repo {
  name: string;
  data: FakeRepo;
  next: number;
}

function repo(name: string, first: number, extra: Partial<FakeRepo> = {}): Repo {
  return { name, next: first, data: { pulls: [], issues: [], reviews: {}, issueEvents: {}, ...extra } };
}

function pull(r: Repo, author: string, mergedAt: number | null, title: string, labels: string[] = [], more: Partial<FakePull> = {}): FakePull {
  const at = mergedAt ?? START;
  const pr: FakePull = {
    number: r.next++,
    title,
    author,
    labels,
    createdAt: stamp(at - 4 * DAY),
    updatedAt: stamp(at + HOUR / 2),
    mergedAt: mergedAt === null ? null : stamp(mergedAt),
    ...more,
  };
  r.data.pulls!.push(pr);
  return pr;
}

function review(r: Repo, pr: FakePull, login: string, state: FakeReview['state'], at: number, userType?: 'Bot'): void {
  const list = (r.data.reviews![pr.number] ??= []);
  list.push({ id: 2_000_000_000 + pr.number * 100 + list.length, login, state, submittedAt: stamp(at), ...(userType ? { userType } : {}) });
}

function label(r: Repo, pr: FakePull, actor: string, name: string, at: number, event: 'labeled' | 'unlabeled' = 'labeled'): void {
  (r.data.issueEvents![pr.number] ??= []).push({ event, actor, label: name, createdAt: stamp(at) });
}

function issue(r: Repo, author: string, createdAt: number, title: string): void {
  r.data.issues!.push({ number: r.next++, title, author, createdAt: stamp(createdAt), updatedAt: stamp(createdAt + 2 * DAY), labels: ['Issue: needs update'] });
}

/** magento/magento2: one to three merged PRs per contributor, reviewed and labelled by the maintainer. */
function magento2(maintainer: string, contributors: GithubPerson[], erased: string): { repo: Repo; highlights: CommunityGithub['highlights'] } {
  const r = repo('magento/magento2', 39_400);
  const highlights: CommunityGithub['highlights'] = {};
  let n = 0;
  contributors.forEach((person, at) => {
    for (let k = 0; k < 1 + (person.index % 3); k += 1, n += 1) {
      const mergedAt = START + ((n * 7) % 85) * DAY + (n % 8) * HOUR;
      const labels = LABEL_SETS[n % LABEL_SETS.length]!;
      const pr = pull(r, person.login, mergedAt, TITLES[n % TITLES.length]!, labels);
      for (const name of labels.filter((l) => l.startsWith('Award:'))) label(r, pr, maintainer, name, mergedAt - 2 * HOUR);
      if (labels.includes('Progress: accept')) label(r, pr, LABEL_BOT, 'Progress: accept', mergedAt - 3 * HOUR);
      review(r, pr, maintainer, 'APPROVED', mergedAt - HOUR);
      const peer = contributors[(at + 7) % contributors.length]!.login;
      if (n % 4 === 0) review(r, pr, peer, 'COMMENTED', mergedAt - 26 * HOUR);
      if (n % 4 === 0) review(r, pr, peer, 'APPROVED', mergedAt - 2 * HOUR);
      if (n % 6 === 1) review(r, pr, person.login, 'COMMENTED', mergedAt - 20 * HOUR);
      if (n % 3 === 0) review(r, pr, REVIEW_BOT, 'COMMENTED', mergedAt - 30 * HOUR, 'Bot');
      if (n % 7 === 2) review(r, pr, ADOBE_ENGINEER, 'APPROVED', mergedAt - 90 * 60_000);
      if (n % 8 === 3) review(r, pr, contributors[(at + 11) % contributors.length]!.login, 'DISMISSED', mergedAt - 30 * HOUR);
      highlights[`labels${n % LABEL_SETS.length}`] ??= { repo: r.name, number: pr.number };
    }
  });
  const relabelled = pull(r, contributors[9]!.login, START + 40 * DAY, 'Fix price rounding in totals collector', ['Award: complex']);
  label(r, relabelled, maintainer, 'Award: advanced', START + 40 * DAY - 5 * HOUR);
  label(r, relabelled, maintainer, 'Award: advanced', START + 40 * DAY - 4 * HOUR, 'unlabeled');
  label(r, relabelled, maintainer, 'Award: complex', START + 40 * DAY - 3 * HOUR);
  review(r, relabelled, maintainer, 'APPROVED', START + 40 * DAY - HOUR);
  highlights.relabelled = { repo: r.name, number: relabelled.number };
  highlights.outsider = { repo: r.name, number: pull(r, OUTSIDER, START + 12 * DAY + 5 * HOUR, 'Fix admin grid export').number };
  review(r, r.data.pulls!.at(-1)!, contributors[11]!.login, 'CHANGES_REQUESTED', START + 11 * DAY);
  pull(r, 'dependabot[bot]', START + 13 * DAY, 'Bump guzzlehttp/guzzle from 7.8.1 to 7.9.2', [], { authorType: 'Bot' });
  const rejected = pull(r, contributors[4]!.login, null, 'Change default sort order', [], { closedAt: stamp(START + 20 * DAY), updatedAt: stamp(START + 20 * DAY) });
  review(r, rejected, maintainer, 'CHANGES_REQUESTED', START + 19 * DAY);
  const old = pull(r, contributors[5]!.login, Date.parse('2025-08-01T10:00:00Z'), 'Old fix merged before the lookback');
  review(r, old, maintainer, 'APPROVED', Date.parse('2025-07-31T10:00:00Z'));
  pull(r, contributors[6]!.login, null, 'Work in progress', [], { state: 'open', updatedAt: stamp(START + 60 * DAY) });
  highlights.erased = { repo: r.name, number: pull(r, erased, START + 33 * DAY + 2 * HOUR, 'Fix wishlist sharing email').number };
  review(r, r.data.pulls!.at(-1)!, maintainer, 'APPROVED', START + 33 * DAY);
  magento2Issues(r, contributors, erased);
  return { repo: r, highlights };
}

function magento2Issues(r: Repo, contributors: GithubPerson[], erased: string): void {
  for (const person of contributors.filter((p) => p.index % 4 === 1)) {
    issue(r, person.login, START + ((person.index * 3) % 80) * DAY + 4 * HOUR, `Checkout fails with "0" qty for ${person.login}`);
  }
  issue(r, 'github-actions[bot]', START + 3 * DAY, 'Nightly build failed');
  issue(r, OUTSIDER, START + 4 * DAY, 'Admin grid is slow');
  issue(r, erased, START + 5 * DAY, 'Wishlist email has no unsubscribe link');
  r.data.issues!.push({ number: r.next++, title: 'Old report', author: contributors[8]!.login, createdAt: '2025-06-02T10:00:00Z', updatedAt: '2025-06-03T10:00:00Z' });
}

/** mage-os/*: a port each by ten contributors, reviewed by the Mage-OS maintainer. */
function mageOs(people: GithubPerson[]): Repo[] {
  const core = repo('mage-os/mageos-magento2', 120);
  const [lead, ...others] = people;
  others.forEach((person, i) => {
    const mergedAt = START + (3 + i * 6) * DAY + 2 * HOUR;
    const pr = pull(core, person.login, mergedAt, `Port magento/magento2#${39_000 + i} to Mage-OS`, ['Type: port']);
    review(core, pr, lead!.login, 'APPROVED', mergedAt - HOUR);
  });
  const own = pull(core, lead!.login, START + 50 * DAY, 'Mage-OS 1.1 release preparation');
  review(core, own, lead!.login, 'COMMENTED', START + 50 * DAY - 3 * HOUR);
  review(core, own, others[0]!.login, 'APPROVED', START + 50 * DAY - 2 * HOUR);
  const website = repo('mage-os/mageos-website', 30);
  pull(website, others[1]!.login, START + 21 * DAY, 'Add meetup page');
  const infrastructure = repo('mage-os/infrastructure', 5);
  pull(infrastructure, OUTSIDER, START + 22 * DAY, 'Bump runner image');
  return [core, website, infrastructure];
}

/** AdobeDocs/commerce-*: documentation pull requests by size and topic, reviewed by the docs maintainer. */
function adobeDocs(reviewer: string, writers: GithubPerson[]): Repo[] {
  const php = repo('AdobeDocs/commerce-php', 410);
  const frontend = repo('AdobeDocs/commerce-frontend-core', 220);
  const admin = repo('AdobeDocs/commerce-admin', 95);
  const docLabels = [['New Topic'], ['Major Update', 'Technical'], ['Editorial'], []];
  writers.forEach((person, i) => {
    const r = i < 8 ? php : frontend;
    const mergedAt = START + (2 + i * 5) * DAY + 6 * HOUR;
    const pr = pull(r, person.login, mergedAt, `Document ${['plugins', 'service contracts', 'indexers', 'message queues'][i % 4]}`, docLabels[i % 4]);
    review(r, pr, reviewer, 'APPROVED', mergedAt - 2 * HOUR);
    if (i % 5 === 0) review(r, pr, person.login, 'COMMENTED', mergedAt - 3 * HOUR);
  });
  const last = writers.at(-1)!;
  const pr = pull(admin, last.login, START + 70 * DAY, 'Explain B2B shared catalogs', ['Technical']);
  review(admin, pr, REVIEW_BOT, 'COMMENTED', START + 70 * DAY - HOUR, 'Bot');
  const analytics = repo('AdobeDocs/analytics', 12);
  pull(analytics, last.login, START + 71 * DAY, 'Not a commerce repository');
  return [php, frontend, admin, analytics];
}

type EventList = ReturnType<typeof eventObject>[];

function slimEvents(person: GithubPerson, r: Repo, items: { type: string; at: number; payload: Record<string, unknown> }[]): EventList {
  return items.map((item) => eventObject(String(50_000_000_000 + Math.floor(item.at / 1000)), item.type, person.login, r.name, stamp(item.at), item.payload));
}

const opened = (r: Repo, number: number, action = 'opened') => ({ action, number, pull_request: slimPull(r.name, number) });

/** Magento work outside the tracked list, seen only through the people's public events. */
function discoveredWork(own: GithubPerson, composerOnly: GithubPerson, reviewer: GithubPerson, unverified: GithubPerson) {
  const events: Record<string, EventList> = {};
  const giftWrap = repo(`${own.login}/module-gift-wrap`, 1, { topics: ['magento2-module', 'php'] });
  const merged = pull(giftWrap, own.login, START + 61 * DAY, 'Add gift wrap to order view');
  const wip = pull(giftWrap, own.login, null, 'Support multi-source inventory', [], { state: 'open', updatedAt: stamp(START + 80 * DAY) });
  issue(giftWrap, own.login, START + 79 * DAY, 'Gift wrap price not shown in totals');
  events[own.login.toLowerCase()] = slimEvents(own, giftWrap, [
    { type: 'IssuesEvent', at: START + 79 * DAY, payload: { action: 'opened', issue: { number: 3 } } },
    { type: 'PullRequestEvent', at: START + 78 * DAY, payload: opened(giftWrap, wip.number) },
    { type: 'PullRequestEvent', at: START + 61 * DAY, payload: opened(giftWrap, merged.number, 'closed') },
    { type: 'PushEvent', at: START + 60 * DAY + HOUR, payload: { repository_id: 1, push_id: 7, ref: 'refs/heads/main', head: 'a1b2c3', before: 'c3b2a1' } },
    { type: 'PullRequestEvent', at: START + 60 * DAY, payload: opened(giftWrap, merged.number) },
  ]);

  const cmsImport = repo(`${composerOnly.login}/m2-cms-import`, 4, { composer: { name: `${composerOnly.login.toLowerCase()}/m2-cms-import`, type: 'magento2-module', require: { php: '^8.2', 'magento/framework': '^103.0' } } });
  const importPr = pull(cmsImport, composerOnly.login, START + 45 * DAY, 'Import CMS blocks from CSV');
  const dotfiles = repo(`${composerOnly.login}/dotfiles`, 1);
  issue(dotfiles, composerOnly.login, START + 46 * DAY, 'Zsh prompt is slow');
  events[composerOnly.login.toLowerCase()] = [
    ...slimEvents(composerOnly, dotfiles, [{ type: 'IssuesEvent', at: START + 46 * DAY, payload: { action: 'opened', issue: { number: 1 } } }]),
    ...slimEvents(composerOnly, cmsImport, [{ type: 'PullRequestEvent', at: START + 44 * DAY, payload: opened(cmsImport, importPr.number) }]),
  ];

  const smtp = repo('magepal-x/magento2-gmail-smtp', 12, { topics: ['magento2', 'magento2-extension', 'smtp'] });
  const theirs = pull(smtp, 'srinivas-x', null, 'Support OAuth2 for Gmail', [], { state: 'open', updatedAt: stamp(START + 30 * DAY) });
  const mine = pull(smtp, reviewer.login, START + 36 * DAY, 'Fix TLS option for port 587');
  const review = { id: 3_100_000_001, state: 'approved', submitted_at: stamp(START + 30 * DAY), html_url: `https://github.com/${smtp.name}/pull/${theirs.number}#pullrequestreview-3100000001` };
  events[reviewer.login.toLowerCase()] = slimEvents(reviewer, smtp, [
    { type: 'PullRequestEvent', at: START + 35 * DAY, payload: opened(smtp, mine.number) },
    { type: 'PullRequestReviewEvent', at: START + 30 * DAY, payload: { action: 'created', review, pull_request: slimPull(smtp.name, theirs.number) } },
  ]);

  const hyva = repo(`${unverified.login}/hyva-compat-gift-card`, 1, { topics: ['hyva', 'hyva-themes'] });
  const hyvaPr = pull(hyva, unverified.login, START + 52 * DAY, 'Alpine.js gift card form');
  events[unverified.login.toLowerCase()] = slimEvents(unverified, hyva, [{ type: 'PullRequestEvent', at: START + 51 * DAY, payload: opened(hyva, hyvaPr.number) }]);
  return { repos: [giftWrap, cmsImport, dotfiles, smtp, hyva], events };
}

export interface GithubRoles {
  maintainer: GithubPerson;
  docsReviewer: GithubPerson;
  /** Everyone with a GitHub login except the maintainer. */
  contributors: GithubPerson[];
  mageOs: GithubPerson[];
  docWriters: GithubPerson[];
  discoverers: { own: GithubPerson; composerOnly: GithubPerson; reviewer: GithubPerson; unverified: GithubPerson };
  erasedLogin: string;
}

export function communityGithub(roles: GithubRoles): CommunityGithub {
  const core = magento2(roles.maintainer.login, roles.contributors, roles.erasedLogin);
  const { own, composerOnly, reviewer, unverified } = roles.discoverers;
  const discovered = discoveredWork(own, composerOnly, reviewer, unverified);
  const repos = [core.repo, ...mageOs(roles.mageOs), ...adobeDocs(roles.docsReviewer.login, roles.docWriters), ...discovered.repos];
  const events: Record<string, unknown[]> = {};
  for (const person of [roles.maintainer, ...roles.contributors]) {
    // Everyday noise: pushes and stars, which are not contributions.
    events[person.login.toLowerCase()] = [
      eventObject(String(40_000_000_000 + person.index), 'WatchEvent', person.login, 'magento/magento2', stamp(START + person.index * HOUR), { action: 'started' }),
    ];
  }
  Object.assign(events, discovered.events);
  events[roles.erasedLogin.toLowerCase()] = [];
  return {
    fixtures: {
      repos: Object.fromEntries(repos.map((r) => [r.name.toLowerCase(), r.data])),
      orgs: {
        'mage-os': ['mageos-magento2', 'mageos-website', 'infrastructure'],
        adobedocs: ['commerce-php', 'commerce-frontend-core', 'commerce-admin', 'analytics'],
      },
      events,
    },
    repositories: ['magento/magento2', 'mage-os/*'],
    documentationRepositories: ['AdobeDocs/commerce-*'],
    highlights: core.highlights,
  };
}
