// The GitHub of the sync-requests benchmark, generated from a seed: 20 tracked repositories
// holding three months of merged pull requests (award labels applied by maintainers), reviews and
// reported issues by 500 members, mixed with outsiders' and bots' work, rejected and open pull
// requests and work older than the lookback; each member's public events; and a tenth of the
// members with a Magento module of their own outside the list (found through events) and a few
// with unrelated repositories.

import {
  eventObject,
  slimPull,
  type FakePull,
  type FakeRepo,
  type FakeReview,
  type GithubFixtures,
} from '../test/fakes/github.js';
import { prng } from './gharchive-events.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const stamp = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

export const TRACKED = [
  'magento/magento2',
  'magento/magento2-page-builder',
  'magento/pwa-studio',
  'magento/magento-coding-standard',
  'magento/magento2-functional-testing-framework',
  'magento/inventory',
  'magento/adobe-stock-integration',
  'magento/security-package',
  'magento/composer',
  'magento/magento-cloud-components',
  'magento/ece-tools',
  'magento/magento-cloud-patches',
  'magento/quality-patches',
  'magento/magento2-sample-data',
  'magento/architecture',
  'mage-os/mageos-magento2',
  'mage-os/mageos-website',
  'mage-os/generate-mirror-repo-js',
  'hyva-themes/magento2-default-theme',
  'hyva-themes/magento2-theme-module',
];

const FIRST_NAMES = [
  'anna',
  'bartosz',
  'carlos',
  'dmytro',
  'elena',
  'fabian',
  'giulia',
  'hiroshi',
  'ines',
  'jakub',
  'kamila',
  'lars',
  'maria',
  'nikolai',
  'olga',
  'pieter',
  'rafael',
  'sofia',
  'tomasz',
  'vinai',
  'willem',
  'yuliia',
];
const capital = (word: string) => word[0]!.toUpperCase() + word.slice(1);
const LOGIN_STYLES = [
  (name: string, n: number) => `${name}-dev${n}`,
  (name: string, n: number) => `${capital(name)}M2x${n}`,
  (name: string, n: number) => `${name}_${n}`,
  (name: string, n: number) => `${capital(name)}Codes${n}`,
];
const MAINTAINERS = ['engcom-Alfa', 'engcom-Bravo', 'engcom-Charlie', 'engcom-Delta', 'engcom-Echo'];
const REVIEW_BOT = 'copilot-pull-request-reviewer[bot]';
const LABEL_BOT = 'm2-assistant[bot]';
const AWARD_SETS = [
  ['Award: advanced', 'Progress: accept'],
  ['Award: complex', 'Award: test coverage', 'Progress: accept'],
  ['Award: bug fix', 'Progress: accept'],
];
const PLAIN_LABELS = [['Component: Checkout'], ['Component: Catalog'], ['Type: cleanup'], ['Type: port'], []];
const TITLES = [
  'Fix cart price rule tax rounding',
  'Add GraphQL resolver for customer orders',
  'Port stock reservation fix',
  'Remove unused imports',
  'Fix layered navigation with multiple filters',
  'Cover Quote totals collector with unit tests',
];
const PEER_STATES = ['APPROVED', 'COMMENTED', 'CHANGES_REQUESTED'] as const;

export interface SyncWorld {
  fixtures: GithubFixtures;
  logins: string[];
  /** What the sync must store from the tracked repositories (and search must find there). */
  tracked: { merged: number; reviews: number; issues: number };
  /** Merged PRs in members' own Magento modules, found only through their events. */
  outside: number;
}

interface Repo {
  name: string;
  data: Required<Pick<FakeRepo, 'pulls' | 'issues' | 'reviews' | 'issueEvents'>> & FakeRepo;
  next: number;
}

interface PendingEvent {
  login: string;
  type: string;
  repo: string;
  at: number;
  payload: Record<string, unknown>;
}

/** The world as of `now`: in-window work lies 1 to 85 days back, older work 120 to 300 days back. */
export function buildSyncWorld(now: Date, memberCount: number, seed = 2026): SyncWorld {
  const logins = Array.from({ length: memberCount }, (_, i) =>
    LOGIN_STYLES[i % LOGIN_STYLES.length]!(FIRST_NAMES[i % FIRST_NAMES.length]!, i + 1),
  );
  const world = new WorldBuilder(now, logins, seed);
  logins.forEach((login, index) => world.member(login, index));
  world.outsiders();
  return {
    fixtures: {
      repos: Object.fromEntries([...world.repos].map(([name, r]) => [name, r.data])),
      events: eventLists(logins, world.events),
    },
    logins,
    tracked: world.tally,
    outside: world.outside,
  };
}

class WorldBuilder {
  readonly repos = new Map<string, Repo>();
  readonly events: PendingEvent[] = [];
  readonly tally = { merged: 0, reviews: 0, issues: 0 };
  outside = 0;
  private readonly random: () => number;

  constructor(
    private readonly now: Date,
    private readonly logins: string[],
    seed: number,
  ) {
    this.random = prng(seed);
    for (const name of TRACKED) this.repo(name);
  }

  /** One member's work: merged PRs and issues in the window, some older, maybe an own module. */
  member(login: string, index: number): void {
    for (let k = this.pick([0, 1, 1, 2, 2, 3, 4]); k > 0; k -= 1) {
      this.tally.merged += 1;
      this.tally.reviews += this.mergedPull(this.trackedRepo(), login, this.daysAgo(1, 85)).length;
    }
    for (let k = this.pick([0, 0, 1, 1, 2]); k > 0; k -= 1) {
      this.tally.issues += 1;
      this.issue(this.trackedRepo(), login, this.daysAgo(3, 80));
    }
    if (index % 7 === 0) this.mergedPull(this.trackedRepo(), login, this.daysAgo(120, 300));
    if (index % 9 === 0) this.issue(this.trackedRepo(), login, this.daysAgo(120, 300));
    if (index % 10 === 0) {
      const module = this.pick(['gift-wrap', 'cms-import', 'order-notes', 'smtp', 'b2b-quotes']);
      const own = this.repo(`${login.toLowerCase()}/module-${module}`, {
        topics: ['magento2-module', 'php'],
      });
      this.outside += 1;
      this.opened(login, own, this.pull(own, login, { merged: this.daysAgo(5, 60) }, []));
      this.opened(login, own, this.pull(own, login, { merged: null, open: true }, []));
    }
    if (index % 25 === 0) {
      const dotfiles = this.repo(`${login.toLowerCase()}/dotfiles`);
      this.opened(login, dotfiles, this.pull(dotfiles, login, { merged: this.daysAgo(5, 60) }, []));
    }
  }

  /** Outsiders and bots: merged work (some reviewed by members), rejected and open pull requests. */
  outsiders(): void {
    for (let k = 0; k < 200; k += 1) {
      const bot = k % 5 === 0;
      const author = bot ? 'dependabot[bot]' : `outsider-${k % 60}`;
      this.tally.reviews += this.mergedPull(this.trackedRepo(), author, this.daysAgo(1, 85), bot).length;
    }
    for (let k = 0; k < 80; k += 1) {
      const r = this.trackedRepo();
      const author = k % 2 === 0 ? this.pick(this.logins) : `outsider-${k}`;
      const closed = this.daysAgo(1, 85);
      const rejected = this.pull(r, author, { merged: null, closed }, []);
      this.review(r, rejected, this.pick(MAINTAINERS), 'CHANGES_REQUESTED', closed - HOUR);
      this.pull(this.trackedRepo(), author, { merged: null, open: true }, []);
    }
  }

  private pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.random() * list.length)]!;
  }

  private daysAgo(from: number, to: number): number {
    return this.now.getTime() - Math.round(((from + this.random() * (to - from)) * DAY) / 1000) * 1000;
  }

  private repo(name: string, extra: Partial<FakeRepo> = {}): Repo {
    const data = { pulls: [], issues: [], reviews: {}, issueEvents: {}, ...extra };
    const created: Repo = { name, next: 1 + Math.floor(this.random() * 30_000), data };
    this.repos.set(name, created);
    return created;
  }

  /** magento/magento2 gets about a quarter of the work; the other repositories share the rest. */
  private trackedRepo(): Repo {
    return this.repos.get(this.random() < 0.25 ? TRACKED[0]! : this.pick(TRACKED.slice(1)))!;
  }

  private pull(
    r: Repo,
    author: string,
    at: { merged: number | null; closed?: number; open?: boolean },
    labels: string[],
    bot = false,
  ): FakePull {
    const end = at.merged ?? at.closed ?? this.daysAgo(1, 20);
    const pr: FakePull = {
      number: r.next++,
      title: this.pick(TITLES),
      author,
      labels,
      createdAt: stamp(end - Math.round(1 + this.random() * 9) * DAY),
      updatedAt: stamp(end + HOUR / 2),
      mergedAt: at.merged === null ? null : stamp(at.merged),
      ...(at.closed !== undefined ? { closedAt: stamp(at.closed) } : {}),
      ...(at.open ? { state: 'open' as const } : {}),
      ...(bot ? { authorType: 'Bot' as const } : {}),
    };
    r.data.pulls.push(pr);
    return pr;
  }

  private review(
    r: Repo,
    pr: FakePull,
    login: string,
    state: FakeReview['state'],
    at: number,
    bot = false,
  ): void {
    const list = (r.data.reviews[pr.number] ??= []);
    const id = 3_000_000_000 + pr.number * 10 + list.length;
    list.push({ id, login, state, submittedAt: stamp(at), ...(bot ? { userType: 'Bot' as const } : {}) });
  }

  /** A merged PR with the maintainer's review and labels, and peers' reviews; returns the member reviewers. */
  private mergedPull(r: Repo, author: string, mergedAt: number, bot = false): string[] {
    const award = r.name === TRACKED[0] && !bot && this.random() < 0.35;
    const labels = award ? this.pick(AWARD_SETS) : this.pick(PLAIN_LABELS);
    const pr = this.pull(r, author, { merged: mergedAt }, labels, bot);
    const maintainer = this.pick(MAINTAINERS);
    if (award) {
      r.data.issueEvents[pr.number] = labels.map((name) => ({
        event: 'labeled' as const,
        actor: name.startsWith('Award:') ? maintainer : LABEL_BOT,
        label: name,
        createdAt: stamp(mergedAt - 2 * HOUR),
      }));
    }
    if (this.random() < 0.25) this.review(r, pr, REVIEW_BOT, 'COMMENTED', mergedAt - 30 * HOUR, true);
    const peers = new Set<string>();
    for (const chance of [0.45, 0.2]) {
      const peer = this.pick(this.logins);
      if (this.random() < chance && peer !== author && !peers.has(peer)) {
        peers.add(peer);
        const at = mergedAt - Math.round(3 + this.random() * 40) * HOUR;
        this.review(r, pr, peer, this.pick(PEER_STATES), at);
        const payload = {
          action: 'created',
          review: { state: 'approved' },
          pull_request: slimPull(r.name, pr.number),
        };
        this.events.push({ login: peer, type: 'PullRequestReviewEvent', repo: r.name, at, payload });
      }
    }
    this.review(r, pr, maintainer, 'APPROVED', mergedAt - HOUR);
    if (!bot) this.opened(author, r, pr);
    return [...peers];
  }

  private opened(login: string, r: Repo, pr: FakePull): void {
    const payload = { action: 'opened', number: pr.number, pull_request: slimPull(r.name, pr.number) };
    this.events.push({
      login,
      type: 'PullRequestEvent',
      repo: r.name,
      at: Date.parse(pr.createdAt),
      payload,
    });
  }

  private issue(r: Repo, author: string, createdAt: number): void {
    const number = r.next++;
    r.data.issues.push({
      number,
      title: `Checkout fails with "0" qty (${author})`,
      author,
      createdAt: stamp(createdAt),
      updatedAt: stamp(createdAt + 2 * DAY),
      labels: ['Issue: needs update'],
    });
    const payload = { action: 'opened', issue: { number } };
    this.events.push({ login: author, type: 'IssuesEvent', repo: r.name, at: createdAt, payload });
  }
}

/** Each member's public events, newest first, with ids that grow with time as GitHub's do. */
function eventLists(logins: string[], pending: PendingEvent[]): Record<string, unknown[]> {
  const lists: Record<string, unknown[]> = Object.fromEntries(
    logins.map((login) => [login.toLowerCase(), []]),
  );
  // Outsiders' events are nobody's business here.
  const ordered = pending.filter((event) => lists[event.login.toLowerCase()]).sort((a, b) => a.at - b.at);
  ordered.forEach((event, index) => {
    lists[event.login.toLowerCase()]!.unshift(
      eventObject(
        String(48_000_000_000 + index),
        event.type,
        event.login,
        event.repo,
        stamp(event.at),
        event.payload,
      ),
    );
  });
  return lists;
}
