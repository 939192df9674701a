// The live GitHub source. Cost grows with the number of tracked repositories, not with the
// number of ambassadors: each tracked repository is polled once per run for closed pull
// requests (newest updates first, down to the cursor), their reviews, and new issues, and the
// results are matched against every linked login. Each linked person's public events then
// discover Magento work in repositories outside the list (github-events.ts). The repositories'
// cursors and the verdict cache are shared; each person's events cursor is their identity's
// own, and one person's failure is theirs alone (the run is partial, the others go on).

import { z } from 'zod';
import type { LinkedIdentity, NormalizedContribution, SourceBatch, SourceCursor } from './contract.js';
import { asSourceError, identitiesOn, type SourceContext } from './context.js';
import { githubApi, issueEventSchema, issueSchema, pullRequestSchema, reviewSchema, type GithubApi, type PullRequest } from './github-api.js';
import {
  COUNTED_REVIEW_STATES,
  isBot,
  issueReported,
  labelNames,
  pullRequestMerged,
  pullRequestReviewed,
  repoPatternMatcher,
} from './github-contributions.js';
import { syncPersonEvents, type PersonCursor } from './github-events.js';
import { expandRepositories, pruneVerdicts, type RepoVerdict } from './github-repos.js';
import { isHttpStatus } from './http-errors.js';

export const githubSettingsSchema = z.object({
  baseUrl: z.string().url().default('https://api.github.com'),
  token: z.string().min(1).optional(),
  repositories: z
    .array(z.string())
    .default([
      'magento/magento2',
      'magento/magento2-page-builder',
      'magento/pwa-studio',
      'magento/magento-coding-standard',
      'magento/magento2-functional-testing-framework',
      'mage-os/*',
    ]),
  documentationRepositories: z.array(z.string()).default(['AdobeDocs/commerce-*']),
  magentoTopics: z
    .array(z.string())
    .default(['magento', 'magento2', 'magento-2', 'magento2-module', 'magento2-extension', 'magento-extension', 'mage-os', 'hyva', 'hyva-themes', 'adobe-commerce']),
  magentoComposerTypes: z
    .array(z.string())
    .default(['magento2-module', 'magento2-theme', 'magento2-language', 'magento2-component', 'magento2-library']),
  /** How far back the first run of a repository looks. */
  initialLookbackDays: z.number().int().positive().default(90),
  /** Re-read this much before the cursor, for items updated while the previous run paged. */
  overlapMinutes: z.number().int().nonnegative().default(10),
  maxPagesPerRepository: z.number().int().positive().default(30),
  maxEventPages: z.number().int().min(1).max(3).default(3),
  repositoryVerdictTtlDays: z.number().int().positive().default(30),
  /** Labels starting with this record who applied them and when. */
  awardLabelPrefix: z.string().default('Award:'),
  /** Follow PRs a person opened outside the tracked list for this long, waiting for the merge. */
  pendingPullRequestDays: z.number().int().positive().default(90),
});
export type GithubSettings = z.infer<typeof githubSettingsSchema>;

interface RepoCursor {
  pullsUpdatedAt?: string;
  issuesUpdatedAt?: string;
}

export interface GithubCursor {
  repos: Record<string, RepoCursor>;
  /** Login -> events cursor, filled from the identities' own cursors for this run. */
  people: Record<string, PersonCursor>;
  verdicts: Record<string, RepoVerdict>;
}

/** The shared cursor, with each person's own cursor (or, once, what earlier versions kept for them). */
function readCursor(cursor: SourceCursor, people: LinkedIdentity[]): GithubCursor {
  const value = (cursor ?? {}) as Partial<GithubCursor>;
  const legacy = value.people ?? {};
  const byLogin: Record<string, PersonCursor> = {};
  for (const identity of people) {
    const login = identity.externalId.toLowerCase();
    const own = identity.cursor as PersonCursor | null | undefined;
    const person = own ?? legacy[login];
    if (person) byLogin[login] = { ...person };
  }
  return { repos: { ...value.repos }, people: byLogin, verdicts: { ...value.verdicts } };
}

/** Whether two verdict caches hold different entries (compared by reference: verdicts are replaced, never edited). */
function differs(a: Record<string, RepoVerdict>, b: Record<string, RepoVerdict>): boolean {
  const keys = Object.keys(a);
  return keys.length !== Object.keys(b).length || keys.some((key) => a[key] !== b[key]);
}

function sharedCursor(state: GithubCursor): SourceCursor {
  return { repos: { ...state.repos }, verdicts: { ...state.verdicts } };
}

export async function* githubSource(
  rawSettings: z.input<typeof githubSettingsSchema>,
  identities: LinkedIdentity[],
  cursor: SourceCursor,
  context: SourceContext,
): AsyncGenerator<SourceBatch> {
  const settings = githubSettingsSchema.parse(rawSettings);
  const api = githubApi(context.http, settings.baseUrl, settings.token);
  const people = identitiesOn('github', identities);
  const state = readCursor(cursor, people);
  const byLogin = new Map(people.map((identity) => [identity.externalId.toLowerCase(), identity]));
  if (byLogin.size === 0) return;
  let step = 'listing repositories';
  try {
    const trackedRepos = await expandRepositories(api, settings.repositories, settings.maxPagesPerRepository);
    const docRepos = await expandRepositories(api, settings.documentationRepositories, settings.maxPagesPerRepository);
    const isDocumentation = repoPatternMatcher(settings.documentationRepositories);
    for (const repo of [...trackedRepos, ...docRepos]) {
      step = `polling ${repo}`;
      let contributions: NormalizedContribution[];
      try {
        contributions = await pollRepository(api, repo, isDocumentation(repo), settings, byLogin, state, context);
      } catch (error) {
        // One repository that cannot be read costs that repository: the run is partial.
        yield { contributions: [], failure: `github: polling ${repo}: ${(error as Error).message}` };
        continue;
      }
      yield { contributions, cursor: sharedCursor(state) };
    }
    const tracked = repoPatternMatcher([...trackedRepos, ...docRepos, ...settings.repositories, ...settings.documentationRepositories]);
    step = 'reading public events';
    // The shared cursor goes with a person's batch only when the verdict cache changed.
    let yielded = { ...state.verdicts };
    for (const identity of people) {
      if (identity.due === false) continue;
      const login = identity.externalId.toLowerCase();
      let result: Awaited<ReturnType<typeof syncPersonEvents>>;
      try {
        result = await syncPersonEvents(api, identity, settings, state, tracked, isDocumentation, context);
      } catch (error) {
        yield { contributions: [], identity: { identityId: identity.identityId, error: `github: reading public events of ${identity.externalId}: ${(error as Error).message}` } };
        continue;
      }
      state.verdicts = pruneVerdicts(state.verdicts, context.now, settings.repositoryVerdictTtlDays);
      const verdictsChanged = differs(state.verdicts, yielded);
      if (verdictsChanged) yielded = { ...state.verdicts };
      yield {
        contributions: result.contributions,
        ...(verdictsChanged ? { cursor: sharedCursor(state) } : {}),
        identity: { identityId: identity.identityId, cursor: (state.people[login] ?? null) as SourceCursor },
        ...(result.gone ? { goneIdentities: [result.gone] } : {}),
      };
    }
  } catch (error) {
    throw asSourceError('github', new Error(`${step}: ${(error as Error).message}`, { cause: error }));
  }
}

function windowStart(previous: string | undefined, settings: GithubSettings, now: Date): string {
  if (previous) return new Date(Date.parse(previous) - settings.overlapMinutes * 60_000).toISOString();
  return new Date(now.getTime() - settings.initialLookbackDays * 86_400_000).toISOString();
}

async function pollRepository(
  api: GithubApi,
  repo: string,
  documentation: boolean,
  settings: GithubSettings,
  byLogin: Map<string, LinkedIdentity>,
  state: GithubCursor,
  context: SourceContext,
): Promise<NormalizedContribution[]> {
  const repoCursor: RepoCursor = { ...state.repos[repo] };
  const found = new Map<string, NormalizedContribution>();
  const poll: RepoPoll = { api, repo, documentation, settings, byLogin, context, add: (c) => found.set(c.externalId, c) };
  try {
    repoCursor.pullsUpdatedAt = await pollMergedPulls(poll, repoCursor.pullsUpdatedAt);
  } catch (error) {
    if (isHttpStatus(error, 404, 410, 451)) {
      context.warn?.(`github: repository ${repo} is not available (${(error as Error).message}); skipped`);
      return [];
    }
    throw error;
  }
  repoCursor.issuesUpdatedAt = await pollReportedIssues(poll, repoCursor.issuesUpdatedAt);
  state.repos[repo] = repoCursor;
  return [...found.values()];
}

/**
 * Walks a list sorted by `updated` descending down to the cursor (minus the overlap) and
 * returns the newest update seen. No `since` parameter on purpose: the first page's URL stays
 * the same from run to run, so an unchanged repository answers it with a 304, which GitHub
 * does not count against the rate limit.
 */
async function walkUpdatedDesc<T extends { updated_at?: string | null; closed_at?: string | null }>(
  api: GithubApi,
  url: string,
  schema: z.ZodType<T>,
  previous: string | undefined,
  settings: GithubSettings,
  context: SourceContext,
  visit: (item: T) => Promise<void>,
): Promise<string> {
  const since = windowStart(previous, settings, context.now);
  let newest = previous;
  let pages = 0;
  for await (const page of api.pages(url, schema, settings.maxPagesPerRepository)) {
    pages += 1;
    for (const item of page) {
      const updated = item.updated_at ?? item.closed_at ?? '';
      if (updated < since) return newest ?? context.now.toISOString();
      if (!newest || updated > newest) newest = updated;
      await visit(item);
    }
    if (page.length === 0) break;
  }
  if (pages >= settings.maxPagesPerRepository) {
    context.warn?.(`github: ${new URL(url).pathname}: stopped after ${pages} pages; older updates in the window were not read`);
  }
  return newest ?? context.now.toISOString();
}

/** One repository being polled: where to read, who counts, and where found work goes. */
interface RepoPoll {
  api: GithubApi;
  repo: string;
  documentation: boolean;
  settings: GithubSettings;
  byLogin: Map<string, LinkedIdentity>;
  context: SourceContext;
  add: (c: NormalizedContribution) => void;
}

/** Closed pull requests updated since the cursor: the merges and the reviews of linked people. */
async function pollMergedPulls({ api, repo, documentation, settings, byLogin, context, add }: RepoPoll, previous: string | undefined): Promise<string> {
  const url = api.url(`/repos/${repo}/pulls`, { state: 'closed', sort: 'updated', direction: 'desc', per_page: 100 });
  return walkUpdatedDesc(api, url, pullRequestSchema, previous, settings, context, async (pr) => {
    if (pr.merged_at) for (const c of await mergedPullContributions(api, repo, pr, documentation, settings, byLogin, context.warn)) add(c);
  });
}

/** Issues (not pull requests) opened by linked people, among those updated since the cursor. */
async function pollReportedIssues({ api, repo, settings, byLogin, context, add }: RepoPoll, previous: string | undefined): Promise<string> {
  const url = api.url(`/repos/${repo}/issues`, { state: 'all', sort: 'updated', direction: 'desc', per_page: 100 });
  return walkUpdatedDesc(api, url, issueSchema, previous, settings, context, async (issue) => {
    if (issue.pull_request !== undefined || !issue.user || isBot(issue.user) || !issue.created_at) return;
    const identity = byLogin.get(issue.user.login.toLowerCase());
    if (!identity) return;
    add(issueReported({ repo, number: issue.number, title: issue.title, url: issue.html_url, createdAt: issue.created_at, labels: labelNames(issue.labels) }, identity.identityId));
  });
}

/** The merge (when a linked person wrote the PR) and the reviews by linked people of it. */
async function mergedPullContributions(
  api: GithubApi,
  repo: string,
  pr: PullRequest,
  documentation: boolean,
  settings: GithubSettings,
  byLogin: Map<string, LinkedIdentity>,
  warn?: (message: string) => void,
): Promise<NormalizedContribution[]> {
  const author = pr.user && !isBot(pr.user) ? pr.user.login.toLowerCase() : null;
  const authorIdentity = author ? byLogin.get(author) : undefined;
  const merged = authorIdentity ? await mergedContribution(api, repo, pr, documentation, settings, authorIdentity, warn) : null;
  const reviews = await reviewContributions(api, repo, pr, documentation, byLogin);
  return merged ? [merged, ...reviews] : reviews;
}

/** The contribution for a merged PR written by `identity`, with who awarded its award labels. */
export async function mergedContribution(
  api: GithubApi,
  repo: string,
  pr: PullRequest,
  documentation: boolean,
  settings: GithubSettings,
  identity: LinkedIdentity,
  warn?: (message: string) => void,
): Promise<NormalizedContribution | null> {
  if (!pr.merged_at) return null;
  const labels = labelNames(pr.labels);
  const awards = labels.some((l) => l.startsWith(settings.awardLabelPrefix)) ? await labelAwards(api, repo, pr.number, settings.awardLabelPrefix, warn) : [];
  const extra: Record<string, unknown> = {};
  if (awards.length > 0) {
    const latest = awards[awards.length - 1]!;
    Object.assign(extra, { labelAwards: awards, labelAwardedBy: latest.by, labelAwardedAt: latest.at });
  }
  return pullRequestMerged({ repo, number: pr.number, title: pr.title, url: pr.html_url, mergedAt: pr.merged_at, labels, documentation, extra }, identity.identityId);
}

/** One review contribution per linked reviewer (their first counted review), never the author's own. */
export async function reviewContributions(
  api: GithubApi,
  repo: string,
  pr: PullRequest,
  documentation: boolean,
  byLogin: Map<string, LinkedIdentity>,
): Promise<NormalizedContribution[]> {
  const author = pr.user?.login.toLowerCase() ?? null;
  const firstReview = new Map<string, { state: string; at: string; url: string | null | undefined }>();
  const reviewsUrl = api.url(`/repos/${repo}/pulls/${pr.number}/reviews`, { per_page: 100 });
  for await (const page of api.pages(reviewsUrl, reviewSchema, 10)) {
    for (const review of page) {
      if (!review.user || isBot(review.user) || !review.submitted_at || !COUNTED_REVIEW_STATES.has(review.state)) continue;
      const reviewer = review.user.login.toLowerCase();
      if (reviewer === author || !byLogin.has(reviewer)) continue;
      const seen = firstReview.get(reviewer);
      if (!seen || review.submitted_at < seen.at) firstReview.set(reviewer, { state: review.state, at: review.submitted_at, url: review.html_url });
    }
  }
  return [...firstReview].map(([reviewer, review]) =>
    pullRequestReviewed(
      { repo, number: pr.number, reviewer, prTitle: pr.title, url: review.url, submittedAt: review.at, state: review.state, documentation },
      byLogin.get(reviewer)!.identityId,
    ),
  );
}

/**
 * Who applied each award label and when, from the issue's events (last 'labeled' wins). Events
 * that cannot be read (404: GitHub hides them for some issues) cost who awarded, with a warning;
 * the pull request and the rest of the repository are still read.
 */
async function labelAwards(api: GithubApi, repo: string, number: number, prefix: string, warn?: (message: string) => void): Promise<{ label: string; by: string | null; at: string }[]> {
  const awards = new Map<string, { label: string; by: string | null; at: string }>();
  const url = api.url(`/repos/${repo}/issues/${number}/events`, { per_page: 100 });
  try {
    for await (const page of api.pages(url, issueEventSchema, 10)) {
      for (const event of page) {
        const name = event.label?.name;
        if (!name?.startsWith(prefix)) continue;
        if (event.event === 'labeled') awards.set(name, { label: name, by: event.actor?.login ?? null, at: event.created_at });
        if (event.event === 'unlabeled') awards.delete(name);
      }
    }
  } catch (error) {
    if (!isHttpStatus(error, 404, 410, 451)) throw error;
    warn?.(`github: ${repo}#${number}: issue events not available (${(error as Error).message}); award labels recorded without who applied them`);
    return [];
  }
  return [...awards.values()].sort((a, b) => a.at.localeCompare(b.at));
}
