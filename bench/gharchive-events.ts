// Synthetic GH Archive hours for the throughput benchmark, shaped like the real archive: the
// real mix of event types (mostly PushEvent, CreateEvent and WatchEvent by count, while the
// big PullRequest* payloads with their full user and repository objects dominate the bytes),
// random ids, SHAs and text so the files compress about as well as real ones, bots, and a
// small fraction of events by tracked people in Magento repositories (the only ones a
// backfill keeps). Events since 2025-10-07 are slim, as GitHub made them.

export interface HourTally {
  /** Contributions the reader must map: merges, reviews and issues of tracked people. */
  contributions: number;
  /** Slim events of tracked people the reader must hand over for REST lookup. */
  discoveries: number;
}

type Json = Record<string, unknown>;

export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ('fix add update remove refactor test docs build deps bump release cart checkout order ' +
  'customer catalog product price tax shipping payment module theme layout block plugin observer ' +
  'graphql rest api cache index queue cron config admin grid form widget email invoice stock').split(' ');
const EVENT_MIX: [string, number][] = [
  ['PushEvent', 52], ['CreateEvent', 12], ['WatchEvent', 8], ['PullRequestEvent', 7], ['IssueCommentEvent', 6],
  ['DeleteEvent', 3], ['PullRequestReviewEvent', 3], ['PullRequestReviewCommentEvent', 3], ['IssuesEvent', 2],
  ['ForkEvent', 2], ['ReleaseEvent', 1], ['GollumEvent', 0.5], ['MemberEvent', 0.3], ['PublicEvent', 0.2],
];
const MIX_TOTAL = EVENT_MIX.reduce((sum, [, weight]) => sum + weight, 0);
const MAGENTO_REPOS = ['magento/magento2', 'magento/pwa-studio', 'mage-os/mageos-magento2', 'AdobeDocs/commerce-php'];

export class ArchiveGenerator {
  private readonly random: () => number;
  private readonly logins: string[];
  private readonly repos: string[];
  private nextId = 33_000_000_000;
  private nextNumber = 1;

  constructor(seed: number, readonly tracked: string[]) {
    this.random = prng(seed);
    this.logins = Array.from({ length: 40_000 }, () => this.login());
    this.repos = Array.from({ length: 15_000 }, () => `${this.pick(this.logins)}/${this.word()}-${this.word()}`);
  }

  static trackedLogins(seed: number, count: number): string[] {
    const random = prng(seed);
    return Array.from({ length: count }, (_, i) => `Amb${Math.floor(random() * 1e6).toString(36)}-${i}`);
  }

  private pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.random() * list.length)]!;
  }
  private word(): string {
    return this.pick(WORDS);
  }
  private int(max: number): number {
    return Math.floor(this.random() * max);
  }
  private hex(length: number): string {
    let out = '';
    while (out.length < length) out += Math.floor(this.random() * 0x100000000).toString(16).padStart(8, '0');
    return out.slice(0, length);
  }
  private login(): string {
    const base = this.word() + this.int(100_000).toString(36);
    return this.random() < 0.3 ? base[0]!.toUpperCase() + base.slice(1) : base;
  }
  private sentence(words: number): string {
    return Array.from({ length: words }, () => this.word()).join(' ');
  }

  /** One line of JSON: an event of the weighted mix, or (1 in `trackedEvery`) a tracked person's work. */
  line(at: string, slim: boolean, trackedEvery: number, tally: HourTally): string {
    if (this.int(trackedEvery) === 0) return JSON.stringify(this.trackedEvent(at, slim, tally));
    let roll = this.random() * MIX_TOTAL;
    const type = EVENT_MIX.find(([, weight]) => (roll -= weight) < 0)?.[0] ?? 'PushEvent';
    const actor = this.random() < 0.08 ? 'github-actions[bot]' : this.pick(this.logins);
    // Real hours carry plenty of Magento activity by people nobody tracks.
    const repo = this.random() < 0.01 ? this.pick(MAGENTO_REPOS) : this.pick(this.repos);
    return JSON.stringify(this.event(type, actor, repo, at, this.payload(type, actor, repo, at, slim)));
  }

  private trackedEvent(at: string, slim: boolean, tally: HourTally): Json {
    const person = this.pick(this.tracked);
    const number = this.nextNumber++;
    const kind = this.int(4);
    if (kind === 3) {
      // Their work elsewhere: parsed by the reader, noted as another repository, never kept.
      const elsewhere = this.pick(this.repos);
      return this.event('PullRequestEvent', person, elsewhere, at, slim ? { action: 'opened', number, pull_request: this.slimPull(elsewhere, number) } : { action: 'opened', number, pull_request: this.pull(elsewhere, number, person, at, false) });
    }
    const repo = this.pick(MAGENTO_REPOS);
    if (slim) {
      tally.discoveries += 1;
      return this.event('PullRequestEvent', person, repo, at, { action: 'opened', number, pull_request: this.slimPull(repo, number) });
    }
    tally.contributions += 1;
    if (kind === 0) {
      const pr = { ...this.pull(repo, number, person, at, true), merged: true };
      return this.event('PullRequestEvent', 'maintainer-bot-free', repo, at, { action: 'closed', number, pull_request: pr });
    }
    if (kind === 1) {
      const review = { id: this.int(2e9), node_id: `PRR_${this.hex(16)}`, user: this.user(person), body: this.sentence(12), commit_id: this.hex(40), submitted_at: at, state: 'approved', html_url: `https://github.com/${repo}/pull/${number}#pullrequestreview-1`, author_association: 'CONTRIBUTOR' };
      return this.event('PullRequestReviewEvent', person, repo, at, { action: 'created', review, pull_request: this.pull(repo, number, this.pick(this.logins), at, false) });
    }
    return this.event('IssuesEvent', person, repo, at, { action: 'opened', issue: this.issue(repo, number, person, at) });
  }

  private event(type: string, actor: string, repo: string, at: string, payload: Json): Json {
    this.nextId += 1 + this.int(3);
    const org = this.random() < 0.3 ? { org: { id: this.int(1e8), login: repo.split('/')[0], gravatar_id: '', url: `https://api.github.com/orgs/${repo.split('/')[0]}`, avatar_url: `https://avatars.githubusercontent.com/u/${this.int(1e8)}?` } } : {};
    return {
      id: String(this.nextId),
      type,
      actor: { id: this.int(2e8), login: actor, display_login: actor.replace(/\[bot\]$/, ''), gravatar_id: '', url: `https://api.github.com/users/${actor}`, avatar_url: `https://avatars.githubusercontent.com/u/${this.int(2e8)}?` },
      repo: { id: this.int(9e8), name: repo, url: `https://api.github.com/repos/${repo}` },
      payload,
      public: true,
      created_at: at,
      ...org,
    };
  }

  private payload(type: string, actor: string, repo: string, at: string, slim: boolean): Json {
    const number = this.int(40_000);
    switch (type) {
      case 'PushEvent': return this.push(actor, repo, slim);
      case 'CreateEvent': return { ref: `feature/${this.word()}-${this.int(999)}`, ref_type: this.random() < 0.7 ? 'branch' : 'tag', master_branch: 'main', description: this.random() < 0.5 ? this.sentence(8) : null, pusher_type: 'user' };
      case 'WatchEvent': return { action: 'started' };
      case 'DeleteEvent': return { ref: `dependabot/npm_and_yarn/${this.word()}-${this.int(99)}`, ref_type: 'branch', pusher_type: 'user' };
      case 'ForkEvent': return { forkee: this.repository(`${actor}/${repo.split('/')[1]}`) };
      case 'IssueCommentEvent': return { action: 'created', issue: this.issue(repo, number, this.pick(this.logins), at), comment: this.comment(repo, number, actor, at) };
      case 'IssuesEvent': return { action: this.random() < 0.5 ? 'opened' : 'closed', issue: this.issue(repo, number, actor, at) };
      case 'PullRequestEvent': return slim ? { action: 'opened', number, pull_request: this.slimPull(repo, number) } : { action: this.random() < 0.5 ? 'opened' : 'closed', number, pull_request: this.pull(repo, number, actor, at, false) };
      case 'PullRequestReviewEvent': return slim ? { action: 'created', review: { id: this.int(2e9), state: 'commented' }, pull_request: this.slimPull(repo, number) } : { action: 'created', review: { id: this.int(2e9), user: this.user(actor), body: this.sentence(10), state: 'commented', submitted_at: at }, pull_request: this.pull(repo, number, this.pick(this.logins), at, false) };
      case 'PullRequestReviewCommentEvent': return { action: 'created', comment: { ...this.comment(repo, number, actor, at), diff_hunk: `@@ -1,6 +1,9 @@\n ${this.sentence(30)}`, path: `src/${this.word()}/${this.word()}.php`, commit_id: this.hex(40), original_commit_id: this.hex(40) }, pull_request: slim ? this.slimPull(repo, number) : this.pull(repo, number, this.pick(this.logins), at, false) };
      case 'ReleaseEvent': return { action: 'published', release: { id: this.int(2e8), tag_name: `v${this.int(9)}.${this.int(20)}.${this.int(50)}`, name: this.sentence(3), body: this.sentence(120), author: this.user(actor), html_url: `https://github.com/${repo}/releases/tag/v1`, created_at: at, published_at: at, assets: [] } };
      case 'GollumEvent': return { pages: [{ page_name: this.word(), title: this.sentence(3), action: 'edited', sha: this.hex(40), html_url: `https://github.com/${repo}/wiki/${this.word()}` }] };
      case 'MemberEvent': return { member: this.user(this.pick(this.logins)), action: 'added' };
      default: return {};
    }
  }

  private push(actor: string, repo: string, slim: boolean): Json {
    const base = { repository_id: this.int(9e8), push_id: this.int(2e10), ref: 'refs/heads/main', head: this.hex(40), before: this.hex(40) };
    if (slim) return base;
    const size = 1 + (this.random() < 0.2 ? this.int(6) : 0);
    const commits = Array.from({ length: size }, () => {
      const sha = this.hex(40);
      return { sha, author: { email: `${this.hex(8)}@users.noreply.github.com`, name: actor }, message: this.sentence(4 + this.int(30)), distinct: true, url: `https://api.github.com/repos/${repo}/commits/${sha}` };
    });
    return { ...base, size, distinct_size: size, commits };
  }

  private user(login: string): Json {
    const id = this.int(2e8);
    const api = `https://api.github.com/users/${login}`;
    return {
      login, id, node_id: `MDQ6VXNlcj${this.hex(10)}`, avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`, gravatar_id: '', url: api,
      html_url: `https://github.com/${login}`, followers_url: `${api}/followers`, following_url: `${api}/following{/other_user}`,
      gists_url: `${api}/gists{/gist_id}`, starred_url: `${api}/starred{/owner}{/repo}`, subscriptions_url: `${api}/subscriptions`,
      organizations_url: `${api}/orgs`, repos_url: `${api}/repos`, events_url: `${api}/events{/privacy}`,
      received_events_url: `${api}/received_events`, type: login.endsWith('[bot]') ? 'Bot' : 'User', user_view_type: 'public', site_admin: false,
    };
  }

  private repository(fullName: string): Json {
    const api = `https://api.github.com/repos/${fullName}`;
    const urls = Object.fromEntries(
      ['forks', 'keys{/key_id}', 'collaborators{/collaborator}', 'teams', 'hooks', 'issues/events{/number}', 'events', 'assignees{/user}', 'branches{/branch}', 'tags', 'git/blobs{/sha}', 'git/tags{/sha}', 'git/refs{/sha}', 'git/trees{/sha}', 'statuses/{sha}', 'languages', 'stargazers', 'contributors', 'subscribers', 'subscription', 'commits{/sha}', 'git/commits{/sha}', 'comments{/number}', 'issues/comments{/number}', 'contents/{+path}', 'compare/{base}...{head}', 'merges', '{archive_format}{/ref}', 'downloads', 'issues{/number}', 'pulls{/number}', 'milestones{/number}', 'notifications{?since,all,participating}', 'labels{/name}', 'releases{/id}', 'deployments']
        .map((part) => [`${part.split('{')[0]!.replace(/[/.-]+/g, '_').replace(/_$/, '') || 'archive'}_url`, `${api}/${part}`]),
    );
    return {
      id: this.int(9e8), node_id: `R_kgDO${this.hex(8)}`, name: fullName.split('/')[1], full_name: fullName, private: false,
      owner: this.user(fullName.split('/')[0]!), html_url: `https://github.com/${fullName}`, description: this.sentence(6 + this.int(12)),
      fork: false, url: api, ...urls, created_at: '2019-03-01T10:00:00Z', updated_at: '2025-08-30T10:00:00Z', pushed_at: '2025-09-01T09:00:00Z',
      git_url: `git://github.com/${fullName}.git`, ssh_url: `git@github.com:${fullName}.git`, clone_url: `https://github.com/${fullName}.git`,
      svn_url: `https://github.com/${fullName}`, homepage: null, size: this.int(900_000), stargazers_count: this.int(12_000), watchers_count: this.int(12_000),
      language: this.pick(['PHP', 'TypeScript', 'JavaScript', 'Go', 'Python']), has_issues: true, has_projects: true, has_downloads: true, has_wiki: false,
      has_pages: false, has_discussions: false, forks_count: this.int(9000), mirror_url: null, archived: false, disabled: false, open_issues_count: this.int(2000),
      license: { key: 'osl-3.0', name: 'Open Software License 3.0', spdx_id: 'OSL-3.0', url: 'https://api.github.com/licenses/osl-3.0', node_id: 'MDc6TGljZW5zZTE0' },
      allow_forking: true, is_template: false, web_commit_signoff_required: false, topics: [this.word(), this.word()], visibility: 'public',
      forks: this.int(9000), open_issues: this.int(2000), watchers: this.int(12_000), default_branch: '2.4-develop',
    };
  }

  private pull(repo: string, number: number, author: string, at: string, merged: boolean): Json {
    const api = `https://api.github.com/repos/${repo}`;
    const side = (ref: string, owner: string) => ({ label: `${owner}:${ref}`, ref, sha: this.hex(40), user: this.user(owner), repo: this.repository(`${owner}/${repo.split('/')[1]}`) });
    return {
      url: `${api}/pulls/${number}`, id: this.int(3e9), node_id: `PR_kwDO${this.hex(12)}`, html_url: `https://github.com/${repo}/pull/${number}`,
      diff_url: `https://github.com/${repo}/pull/${number}.diff`, patch_url: `https://github.com/${repo}/pull/${number}.patch`, issue_url: `${api}/issues/${number}`,
      number, state: merged ? 'closed' : 'open', locked: false, title: this.sentence(3 + this.int(8)), user: this.user(author), body: this.sentence(20 + this.int(150)),
      created_at: at, updated_at: at, closed_at: merged ? at : null, merged_at: merged ? at : null, merge_commit_sha: this.hex(40),
      assignee: null, assignees: [], requested_reviewers: [], requested_teams: [], labels: merged ? [{ id: 1, node_id: 'LA_1', url: `${api}/labels/x`, name: 'Progress: accept', color: 'ededed', default: false, description: null }] : [], milestone: null, draft: false,
      commits_url: `${api}/pulls/${number}/commits`, review_comments_url: `${api}/pulls/${number}/comments`, review_comment_url: `${api}/pulls/comments{/number}`,
      comments_url: `${api}/issues/${number}/comments`, statuses_url: `${api}/statuses/${this.hex(40)}`,
      head: side(`feature-${number}`, author), base: side('2.4-develop', repo.split('/')[0]!),
      _links: Object.fromEntries(['self', 'html', 'issue', 'comments', 'review_comments', 'review_comment', 'commits', 'statuses'].map((k) => [k, { href: `${api}/pulls/${number}/${k}` }])),
      author_association: 'CONTRIBUTOR', auto_merge: null, active_lock_reason: null, merged, mergeable: null, rebaseable: null, mergeable_state: 'unknown',
      merged_by: merged ? this.user('maintainer') : null, comments: this.int(20), review_comments: this.int(20), maintainer_can_modify: false,
      commits: 1 + this.int(10), additions: this.int(500), deletions: this.int(300), changed_files: 1 + this.int(30),
    };
  }

  private slimPull(repo: string, number: number): Json {
    const ref = { id: this.int(9e8), url: `https://api.github.com/repos/${repo}`, name: repo.split('/')[1] };
    return { url: `https://api.github.com/repos/${repo}/pulls/${number}`, id: this.int(3e9), number, head: { ref: 'feature', sha: this.hex(40), repo: ref }, base: { ref: 'main', sha: this.hex(40), repo: ref } };
  }

  private issue(repo: string, number: number, author: string, at: string): Json {
    const api = `https://api.github.com/repos/${repo}`;
    return {
      url: `${api}/issues/${number}`, repository_url: api, labels_url: `${api}/issues/${number}/labels{/name}`, comments_url: `${api}/issues/${number}/comments`,
      events_url: `${api}/issues/${number}/events`, html_url: `https://github.com/${repo}/issues/${number}`, id: this.int(3e9), node_id: `I_kwDO${this.hex(12)}`,
      number, title: this.sentence(4 + this.int(8)), user: this.user(author), labels: [], state: 'open', locked: false, assignee: null, assignees: [],
      milestone: null, comments: this.int(30), created_at: at, updated_at: at, closed_at: null, author_association: 'NONE', active_lock_reason: null,
      body: this.sentence(30 + this.int(200)), reactions: { url: `${api}/issues/${number}/reactions`, total_count: 0, '+1': 0, '-1': 0, laugh: 0, hooray: 0, confused: 0, heart: 0, rocket: 0, eyes: 0 },
      timeline_url: `${api}/issues/${number}/timeline`, performed_via_github_app: null, state_reason: null,
    };
  }

  private comment(repo: string, number: number, author: string, at: string): Json {
    const id = this.int(3e9);
    return {
      url: `https://api.github.com/repos/${repo}/issues/comments/${id}`, html_url: `https://github.com/${repo}/issues/${number}#issuecomment-${id}`,
      issue_url: `https://api.github.com/repos/${repo}/issues/${number}`, id, node_id: `IC_kwDO${this.hex(12)}`, user: this.user(author),
      created_at: at, updated_at: at, author_association: 'NONE', body: this.sentence(10 + this.int(120)), performed_via_github_app: null,
    };
  }
}
