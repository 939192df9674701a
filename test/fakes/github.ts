// A loopback GitHub REST API: pulls, reviews, issues, issue events, public user events, repos,
// org listings, contents, users and gists, with payloads shaped like api.github.com (user and
// label objects, Link headers with rel="next"/"last", x-ratelimit-* headers, error bodies
// {message, documentation_url}). Fixtures are plain data; builders fill in the real shape.

import { startFakeServer, type FakeReply, type FakeRequest, type FakeServer } from './server.js';

export interface FakePull {
  number: number;
  title: string;
  author: string;
  authorType?: 'User' | 'Bot';
  labels?: string[];
  createdAt: string;
  updatedAt: string;
  mergedAt?: string | null;
  closedAt?: string | null;
  state?: 'open' | 'closed';
}

export interface FakeReview {
  id: number;
  login: string;
  userType?: 'User' | 'Bot';
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING';
  submittedAt: string;
}

export interface FakeIssue {
  number: number;
  title: string;
  author: string;
  createdAt: string;
  updatedAt: string;
  labels?: string[];
}

export interface FakeRepo {
  topics?: string[];
  composer?: Record<string, unknown>;
  pulls?: FakePull[];
  issues?: FakeIssue[];
  reviews?: Record<number, FakeReview[]>;
  issueEvents?: Record<number, { event: 'labeled' | 'unlabeled'; actor: string; label: string; createdAt: string }[]>;
}

export interface GithubFixtures {
  repos: Record<string, FakeRepo>;
  orgs?: Record<string, string[]>;
  /** Raw event objects (already in the Events API shape), newest first. */
  events?: Record<string, unknown[]>;
  users?: Record<string, { bio?: string | null; blog?: string }>;
  gists?: Record<string, { id: string; description: string; files: Record<string, string> }[]>;
}

export const userObject = (login: string, type = 'User') => ({
  login,
  id: Math.abs(hash(login)),
  node_id: `U_${login}`,
  avatar_url: `https://avatars.githubusercontent.com/u/${Math.abs(hash(login))}?v=4`,
  gravatar_id: '',
  url: `https://api.github.com/users/${login}`,
  html_url: `https://github.com/${login}`,
  type,
  site_admin: false,
});

const labelObject = (name: string) => ({ id: Math.abs(hash(name)), node_id: `LA_${hash(name)}`, url: `https://api.github.com/labels/${encodeURIComponent(name)}`, name, color: 'ededed', default: false, description: null });

function hash(text: string): number {
  let h = 7;
  for (const ch of text) h = (h * 31 + ch.charCodeAt(0)) | 0;
  return h;
}

export function pullObject(repo: string, pr: FakePull) {
  return {
    url: `https://api.github.com/repos/${repo}/pulls/${pr.number}`,
    id: 1000 + pr.number,
    html_url: `https://github.com/${repo}/pull/${pr.number}`,
    number: pr.number,
    state: pr.state ?? (pr.closedAt || pr.mergedAt ? 'closed' : 'open'),
    locked: false,
    title: pr.title,
    user: userObject(pr.author, pr.authorType),
    body: 'Description of the change',
    labels: (pr.labels ?? []).map(labelObject),
    created_at: pr.createdAt,
    updated_at: pr.updatedAt,
    closed_at: pr.closedAt ?? pr.mergedAt ?? null,
    merged_at: pr.mergedAt ?? null,
    merge_commit_sha: pr.mergedAt ? 'e5bd3914e2e596debea16f433f57875b5b90bcd6' : null,
    draft: false,
    author_association: 'CONTRIBUTOR',
    base: { label: `${repo.split('/')[0]}:2.4-develop`, ref: '2.4-develop', repo: { full_name: repo } },
  };
}

function issueObject(repo: string, issue: FakeIssue | FakePull, isPull: boolean) {
  return {
    url: `https://api.github.com/repos/${repo}/issues/${issue.number}`,
    id: 5000 + issue.number,
    number: issue.number,
    title: issue.title,
    user: userObject(issue.author),
    labels: (issue.labels ?? []).map(labelObject),
    state: 'open',
    comments: 0,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    closed_at: null,
    author_association: 'NONE',
    html_url: `https://github.com/${repo}/${isPull ? 'pull' : 'issues'}/${issue.number}`,
    body: 'Steps to reproduce',
    ...(isPull ? { pull_request: { url: `https://api.github.com/repos/${repo}/pulls/${issue.number}`, merged_at: null } } : {}),
  };
}

function notFound(): FakeReply {
  return { status: 404, json: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' } };
}

export interface FakeGithub extends FakeServer {
  fixtures: GithubFixtures;
}

/** `rateLimit`: requests per hour before it answers as exhausted (GitHub's 5,000; benchmarks raise it). */
export async function startFakeGithub(fixtures: GithubFixtures, options: { rateLimit?: number } = {}): Promise<FakeGithub> {
  const limit = options.rateLimit ?? 5000;
  let remaining = limit;
  const server = await startFakeServer((req) => {
    remaining = Math.max(0, remaining - 1);
    const reply = route(fixtures, req, server.url);
    reply.headers = {
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': String(remaining),
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
      'x-ratelimit-used': String(limit - remaining),
      'x-ratelimit-resource': 'core',
      'x-github-api-version-selected': '2022-11-28',
      ...reply.headers,
    };
    return reply;
  });
  return Object.assign(server, { fixtures });
}

/** Slices a list like GitHub does (per_page, page) and writes the Link header. */
function paginate(items: unknown[], req: FakeRequest, base: string): FakeReply {
  const perPage = Math.min(100, Number(req.query.get('per_page') ?? 30));
  const page = Number(req.query.get('page') ?? 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const slice = items.slice((page - 1) * perPage, page * perPage);
  const link = (p: number, rel: string) => {
    const url = new URL(req.path, base);
    req.query.forEach((value, name) => url.searchParams.set(name, value));
    url.searchParams.set('page', String(p));
    return `<${url}>; rel="${rel}"`;
  };
  const links = [];
  if (page > 1) links.push(link(page - 1, 'prev'), link(1, 'first'));
  if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
  return { json: slice, headers: links.length ? { link: links.join(', ') } : {} };
}

function route(fx: GithubFixtures, req: FakeRequest, base: string): FakeReply {
  const parts = req.path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'users' && parts[2] === 'events' && parts[3] === 'public') {
    const events = fx.events?.[parts[1]!.toLowerCase()];
    return events ? paginate(events, req, base) : notFound();
  }
  if (parts[0] === 'users' && parts.length === 2) {
    const user = fx.users?.[parts[1]!.toLowerCase()];
    return user ? { json: { ...userObject(parts[1]!), name: parts[1], bio: user.bio ?? null, blog: user.blog ?? '' } } : notFound();
  }
  if (parts[0] === 'users' && parts[2] === 'gists') {
    const gists = fx.gists?.[parts[1]!.toLowerCase()];
    if (!gists) return notFound();
    return paginate(
      gists.map((g) => ({
        id: g.id,
        html_url: `https://gist.github.com/${g.id}`,
        description: g.description,
        public: true,
        owner: userObject(parts[1]!),
        files: Object.fromEntries(Object.keys(g.files).map((name) => [name, { filename: name, type: 'text/plain', raw_url: `${base}/gist-raw/${g.id}/${name}`, size: g.files[name]!.length }])),
      })),
      req,
      base,
    );
  }
  if (parts[0] === 'gist-raw') {
    const gist = Object.values(fx.gists ?? {}).flat().find((g) => g.id === parts[1]);
    const content = gist?.files[parts[2] ?? ''];
    return content === undefined ? notFound() : { body: content, headers: { 'content-type': 'text/plain' } };
  }
  if ((parts[0] === 'orgs' || parts[0] === 'users') && parts[2] === 'repos') {
    const names = fx.orgs?.[parts[1]!.toLowerCase()];
    return names ? paginate(names.map((name) => ({ full_name: `${parts[1]}/${name}`, name, archived: false, fork: false, topics: [] })), req, base) : notFound();
  }
  if (parts[0] !== 'repos' || parts.length < 3) return notFound();
  const repoName = `${parts[1]}/${parts[2]}`.toLowerCase();
  const repo = fx.repos[repoName];
  if (!repo) return notFound();
  const rest = parts.slice(3);
  if (rest.length === 0) return { json: { full_name: repoName, topics: repo.topics ?? [], archived: false, fork: false, private: false } };
  if (rest[0] === 'contents' && rest[1] === 'composer.json') {
    if (!repo.composer) return notFound();
    const content = Buffer.from(JSON.stringify(repo.composer, null, 2)).toString('base64').replace(/(.{60})/g, '$1\n');
    return { json: { type: 'file', encoding: 'base64', name: 'composer.json', path: 'composer.json', content } };
  }
  if (rest[0] === 'pulls' && rest.length === 1) {
    const state = req.query.get('state') ?? 'open';
    const pulls = (repo.pulls ?? [])
      .filter((p) => state === 'all' || (p.state ?? (p.closedAt || p.mergedAt ? 'closed' : 'open')) === state)
      .sort((a, b) => (req.query.get('direction') === 'asc' ? a.updatedAt.localeCompare(b.updatedAt) : b.updatedAt.localeCompare(a.updatedAt)));
    return paginate(pulls.map((p) => pullObject(repoName, p)), req, base);
  }
  if (rest[0] === 'pulls' && rest.length === 2) {
    const pr = repo.pulls?.find((p) => p.number === Number(rest[1]));
    return pr ? { json: { ...pullObject(repoName, pr), merged: Boolean(pr.mergedAt) } } : notFound();
  }
  if (rest[0] === 'pulls' && rest[2] === 'reviews') {
    const reviews = repo.reviews?.[Number(rest[1])] ?? [];
    return paginate(
      reviews.map((r) => ({
        id: r.id,
        node_id: `PRR_${r.id}`,
        user: userObject(r.login, r.userType),
        body: '',
        state: r.state,
        html_url: `https://github.com/${repoName}/pull/${rest[1]}#pullrequestreview-${r.id}`,
        pull_request_url: `https://api.github.com/repos/${repoName}/pulls/${rest[1]}`,
        author_association: 'CONTRIBUTOR',
        submitted_at: r.submittedAt,
        commit_id: 'ecdd80bb57125d7ba9641ffaa4d7d2c19d3f3091',
      })),
      req,
      base,
    );
  }
  if (rest[0] === 'issues' && rest.length === 1) {
    const since = req.query.get('since') ?? '';
    const all = [
      ...(repo.issues ?? []).map((i) => ({ at: i.updatedAt, obj: issueObject(repoName, i, false) })),
      ...(repo.pulls ?? []).map((p) => ({ at: p.updatedAt, obj: issueObject(repoName, p, true) })),
    ]
      .filter((i) => i.at >= since)
      // GitHub's default direction is desc.
      .sort((a, b) => (req.query.get('direction') === 'asc' ? a.at.localeCompare(b.at) : b.at.localeCompare(a.at)))
      .map((i) => i.obj);
    return paginate(all, req, base);
  }
  if (rest[0] === 'issues' && rest.length === 2) {
    const issue = repo.issues?.find((i) => i.number === Number(rest[1]));
    return issue ? { json: issueObject(repoName, issue, false) } : notFound();
  }
  if (rest[0] === 'issues' && rest[2] === 'events') {
    const events = repo.issueEvents?.[Number(rest[1])] ?? [];
    return paginate(
      events.map((e, index) => ({
        id: 9000 + index,
        node_id: `LE_${index}`,
        url: `https://api.github.com/repos/${repoName}/issues/events/${9000 + index}`,
        actor: userObject(e.actor),
        event: e.event,
        commit_id: null,
        created_at: e.createdAt,
        label: { name: e.label, color: 'd4c5f9' },
      })),
      req,
      base,
    );
  }
  return notFound();
}

/** An event as /users/{login}/events/public returns it. `full` keeps the pre-2025-10-07 payload. */
export function eventObject(id: string, type: string, actor: string, repo: string, createdAt: string, payload: Record<string, unknown>) {
  return {
    id,
    type,
    actor: { id: Math.abs(hash(actor)), login: actor, display_login: actor, gravatar_id: '', url: `https://api.github.com/users/${actor}`, avatar_url: '' },
    repo: { id: Math.abs(hash(repo)), name: repo, url: `https://api.github.com/repos/${repo}` },
    payload,
    public: true,
    created_at: createdAt,
  };
}

/** The slim pull_request object events carry since 2025-10-07. */
export function slimPull(repo: string, number: number) {
  const repoRef = { id: Math.abs(hash(repo)), url: `https://api.github.com/repos/${repo}`, name: repo.split('/')[1] };
  return {
    url: `https://api.github.com/repos/${repo}/pulls/${number}`,
    id: 1000 + number,
    number,
    head: { ref: 'feature', sha: '184cb4b61e26de7cccc385d37da25cd8bd817d27', repo: repoRef },
    base: { ref: 'main', sha: 'dfbedd9e1470e53f3a0f2e408e4d6808585b6987', repo: repoRef },
  };
}
