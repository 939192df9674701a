// The strategy the sync-requests benchmark compares the sync to: finding the members' work
// through GitHub's Search API, member by member, and a loopback Search API over the benchmark's
// fixtures to run it against.

import { z } from 'zod';
import { githubApi, nextLink } from '../src/sources/github-api.js';
import { createHttpClient } from '../src/sources/http.js';
import { userObject, type GithubFixtures } from '../test/fakes/github.js';
import { startFakeServer, type FakeReply, type FakeRequest, type FakeServer } from '../test/fakes/server.js';

/** GET /search/issues over the fixtures: is:pr|issue, is:merged, author:, reviewed-by:, repo:, merged:>= and created:>=. */
export async function startFakeSearch(fixtures: GithubFixtures): Promise<FakeServer> {
  const server: FakeServer = await startFakeServer((request) => searchReply(fixtures, request, server.url));
  return server;
}

function searchReply(fixtures: GithubFixtures, request: FakeRequest, base: string): FakeReply {
  if (request.path !== '/search/issues')
    return { status: 404, json: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } };
  const terms = (request.query.get('q') ?? '').split(/\s+/).filter(Boolean);
  const values = (name: string) =>
    terms
      .filter((t) => t.toLowerCase().startsWith(`${name}:`))
      .map((t) => t.slice(name.length + 1).toLowerCase());
  const [author] = values('author');
  const [reviewer] = values('reviewed-by');
  const repos = values('repo');
  const mergedSince = values('merged')[0]?.replace(/^>=/, '');
  const createdSince = values('created')[0]?.replace(/^>=/, '');
  const items: { at: string; item: unknown }[] = [];
  for (const [name, repo] of Object.entries(fixtures.repos)) {
    if (repos.length > 0 && !repos.includes(name)) continue;
    const candidates = [
      ...(terms.includes('is:issue') ? [] : (repo.pulls ?? []).map((p) => ({ ...p, pull: true }))),
      ...(terms.includes('is:pr')
        ? []
        : (repo.issues ?? []).map((i) => ({ ...i, pull: false, mergedAt: null }))),
    ];
    for (const c of candidates) {
      if (terms.includes('is:merged') && !c.mergedAt) continue;
      if (author && c.author.toLowerCase() !== author) continue;
      if (reviewer && !(repo.reviews?.[c.number] ?? []).some((r) => r.login.toLowerCase() === reviewer))
        continue;
      if (mergedSince && !(c.mergedAt && c.mergedAt >= mergedSince)) continue;
      if (createdSince && c.createdAt < createdSince) continue;
      items.push({ at: c.createdAt, item: searchItem(name, c) });
    }
  }
  items.sort((a, b) => b.at.localeCompare(a.at));
  const perPage = Math.min(100, Number(request.query.get('per_page') ?? 30));
  const page = Number(request.query.get('page') ?? 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const headers: Record<string, string> = { 'x-ratelimit-limit': '30', 'x-ratelimit-resource': 'search' };
  if (page < last) {
    const next = new URL(request.path, base);
    request.query.forEach((value, name) => next.searchParams.set(name, value));
    next.searchParams.set('page', String(page + 1));
    headers.link = `<${next}>; rel="next"`;
  }
  const slice = items.slice((page - 1) * perPage, page * perPage).map((i) => i.item);
  return { json: { total_count: items.length, incomplete_results: false, items: slice }, headers };
}

function searchItem(
  repo: string,
  c: {
    number: number;
    title: string;
    author: string;
    createdAt: string;
    updatedAt: string;
    mergedAt?: string | null;
    pull: boolean;
    labels?: string[];
  },
) {
  return {
    url: `https://api.github.com/repos/${repo}/issues/${c.number}`,
    repository_url: `https://api.github.com/repos/${repo}`,
    html_url: `https://github.com/${repo}/${c.pull ? 'pull' : 'issues'}/${c.number}`,
    number: c.number,
    title: c.title,
    user: userObject(c.author),
    labels: (c.labels ?? []).map((name) => ({ name })),
    state: c.mergedAt ? 'closed' : 'open',
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    closed_at: c.mergedAt ?? null,
    score: 1,
    ...(c.pull
      ? {
          pull_request: {
            url: `https://api.github.com/repos/${repo}/pulls/${c.number}`,
            merged_at: c.mergedAt ?? null,
          },
        }
      : {}),
  };
}

const searchPageSchema = z.object({
  total_count: z.number(),
  items: z.array(z.object({ number: z.number(), repository_url: z.string() }).passthrough()),
});

/**
 * The strategy without a cursor: per member, one query each for merged pull requests, issues
 * and reviewed pull requests in the tracked repositories since `since` (all twenty `repo:`
 * qualifiers in one query, which is generous), every page read. Search answers are not
 * conditional, so a repeat costs the same. It does not fetch what search results lack (review
 * states and dates, who applied award labels), so its request count is a lower bound.
 */
export async function runSearchStrategy(
  baseUrl: string,
  logins: string[],
  repositories: string[],
  since: string,
  token: string,
) {
  const api = githubApi(createHttpClient({ maxRetries: 0 }), baseUrl, token);
  const scope = `${repositories.map((r) => `repo:${r}`).join(' ')}`;
  const found = { merged: 0, reviews: 0, issues: 0 };
  const queries = (login: string): [keyof typeof found, string][] => [
    ['merged', `is:pr is:merged author:${login} merged:>=${since} ${scope}`],
    ['issues', `is:issue author:${login} created:>=${since} ${scope}`],
    ['reviews', `is:pr is:merged reviewed-by:${login} merged:>=${since} ${scope}`],
  ];
  for (const login of logins) {
    for (const [kind, q] of queries(login)) {
      let next: string | null = api.url('/search/issues', { q, per_page: 100 });
      while (next) {
        const { data, response } = await api.get(next, searchPageSchema);
        found[kind] += data.items.length;
        next = nextLink(response.headers.link);
      }
    }
  }
  return { queries: logins.length * 3, found };
}
