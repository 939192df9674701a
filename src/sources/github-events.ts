// Discovery of a person's Magento work outside the tracked repositories, from their public
// events (/users/{login}/events/public, the last 90 days, at most 300 events). Since
// 2025-10-07 events are slim (no PR title, author, labels or merged flag), so they only say
// where to look: details come from REST. Full payloads of older events are still read.
// A PR the person opened is followed (in the cursor) until it is merged or closed, because
// the merge is an event of the maintainer, not of the author.

import type { LinkedIdentity, NormalizedContribution } from './contract.js';
import type { SourceContext } from './context.js';
import { eventSchema, issueSchema, pullRequestSchema, type GithubApi, type GithubEvent, type PullRequest } from './github-api.js';
import { COUNTED_REVIEW_STATES, isBot, issueReported, labelNames, pullRequestMerged, pullRequestReviewed } from './github-contributions.js';
import { classifyRepository } from './github-repos.js';
import { isHttpStatus } from './http-errors.js';
import { mergedContribution, type GithubCursor, type GithubSettings } from './github.js';

export interface PendingPullRequest {
  repo: string;
  number: number;
  seenAt: string;
}

export interface PersonCursor {
  lastEventId?: string;
  pending?: PendingPullRequest[];
}

const MAX_PENDING = 200;
const INTERESTING = new Set(['PullRequestEvent', 'PullRequestReviewEvent', 'IssuesEvent']);

function eventIdAfter(id: string, last: string | undefined): boolean {
  if (!last) return true;
  try {
    return BigInt(id) > BigInt(last);
  } catch {
    return id > last;
  }
}

function record(value: unknown): Record<string, unknown> | null {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

export async function syncPersonEvents(
  api: GithubApi,
  identity: LinkedIdentity,
  settings: GithubSettings,
  state: GithubCursor,
  tracked: (repo: string) => boolean,
  isDocumentation: (repo: string) => boolean,
  context: SourceContext,
): Promise<{ contributions: NormalizedContribution[]; gone?: { identityId: number; reason: string } }> {
  const login = identity.externalId.toLowerCase();
  const person: PersonCursor = { ...state.people[login] };
  const events: GithubEvent[] = [];
  const eventsUrl = api.url(`/users/${encodeURIComponent(identity.externalId)}/events/public`, { per_page: 100 });
  try {
    for await (const page of api.pages(eventsUrl, eventSchema, settings.maxEventPages)) {
      const fresh = page.filter((event) => eventIdAfter(event.id, person.lastEventId));
      events.push(...fresh);
      if (fresh.length < page.length || page.length === 0) break;
    }
  } catch (error) {
    if (isHttpStatus(error, 404, 410)) {
      return { contributions: [], gone: { identityId: identity.identityId, reason: `GitHub user ${identity.externalId} not found (HTTP ${(error as { status: number }).status})` } };
    }
    throw error;
  }

  const found = new Map<string, NormalizedContribution>();
  const pending = new Map((person.pending ?? []).map((p) => [`${p.repo}#${p.number}`, p]));
  events.sort((a, b) => (eventIdAfter(a.id, b.id) ? 1 : -1));
  for (const event of events) {
    const repo = event.repo.name.toLowerCase();
    if (!event.type || !INTERESTING.has(event.type) || tracked(repo)) continue;
    if (!(await isMagentoRepo(api, repo, settings, state, context))) continue;
    const payload = record(event.payload) ?? {};
    const documentation = isDocumentation(repo);
    if (event.type === 'PullRequestEvent') {
      const pr = record(payload.pull_request);
      const number = Number(payload.number ?? pr?.number);
      if (!Number.isInteger(number)) continue;
      const full = pr ? pullRequestSchema.safeParse(pr) : null;
      const author = full?.success ? full.data.user?.login.toLowerCase() : undefined;
      if (full?.success && typeof full.data.merged === 'boolean' && author) {
        // A full (pre-2025-10-07) payload answers everything without a request.
        if (author === login && full.data.merged && full.data.merged_at) {
          const c = pullRequestMerged({ repo, number, title: full.data.title, url: full.data.html_url, mergedAt: full.data.merged_at, labels: labelNames(full.data.labels), documentation }, identity.identityId);
          found.set(c.externalId, c);
        } else if (author === login && payload.action !== 'closed') {
          pending.set(`${repo}#${number}`, { repo, number, seenAt: event.created_at });
        }
      } else if (event.actor?.login.toLowerCase() === login) {
        pending.set(`${repo}#${number}`, { repo, number, seenAt: event.created_at });
      }
    } else if (event.type === 'PullRequestReviewEvent') {
      const review = record(payload.review);
      const prPayload = record(payload.pull_request);
      const number = Number(prPayload?.number ?? payload.number);
      const stateName = String(review?.state ?? '').toUpperCase();
      if (!Number.isInteger(number) || !COUNTED_REVIEW_STATES.has(stateName)) continue;
      let pr = prPayload ? pullRequestSchema.safeParse(prPayload).data : undefined;
      if (!pr?.user) pr = await fetchPull(api, repo, number);
      if (!pr?.user || isBot(pr.user) || pr.user.login.toLowerCase() === login) continue;
      const submittedAt = typeof review?.submitted_at === 'string' ? review.submitted_at : event.created_at;
      const c = pullRequestReviewed(
        { repo, number, reviewer: login, prTitle: pr.title, url: typeof review?.html_url === 'string' ? review.html_url : pr.html_url, submittedAt, state: stateName, documentation },
        identity.identityId,
      );
      if (!found.has(c.externalId)) found.set(c.externalId, c);
    } else if (event.type === 'IssuesEvent' && payload.action === 'opened') {
      const issuePayload = record(payload.issue);
      const number = Number(issuePayload?.number ?? payload.number);
      if (!Number.isInteger(number)) continue;
      let issue = issuePayload ? issueSchema.safeParse(issuePayload).data : undefined;
      if (!issue?.user || !issue.title) issue = (await api.get(`/repos/${repo}/issues/${number}`, issueSchema).catch(ignoreGone)) ?.data;
      if (!issue?.user || issue.pull_request !== undefined || issue.user.login.toLowerCase() !== login) continue;
      const c = issueReported({ repo, number, title: issue.title, url: issue.html_url, createdAt: issue.created_at ?? event.created_at, labels: labelNames(issue.labels) }, identity.identityId);
      found.set(c.externalId, c);
    }
  }

  const stillPending: PendingPullRequest[] = [];
  const horizon = context.now.getTime() - settings.pendingPullRequestDays * 86_400_000;
  for (const item of pending.values()) {
    const pr = await fetchPull(api, item.repo, item.number);
    if (!pr) continue;
    if (pr.merged_at) {
      if (pr.user?.login.toLowerCase() !== login) continue;
      const c = await mergedContribution(api, item.repo, pr, isDocumentation(item.repo), settings, identity, context.warn);
      if (c) found.set(c.externalId, c);
    } else if (pr.state !== 'closed' && Date.parse(item.seenAt) >= horizon) {
      stillPending.push(item);
    }
  }
  const newestId = events.length > 0 ? events[events.length - 1]!.id : person.lastEventId;
  state.people[login] = {
    ...(newestId ? { lastEventId: newestId } : {}),
    pending: stillPending.sort((a, b) => b.seenAt.localeCompare(a.seenAt)).slice(0, MAX_PENDING),
  };
  return { contributions: [...found.values()] };
}

function ignoreGone(error: unknown): null {
  if (isHttpStatus(error, 404, 410, 451)) return null;
  throw error;
}

async function fetchPull(api: GithubApi, repo: string, number: number): Promise<PullRequest | undefined> {
  const result = await api.get(`/repos/${repo}/pulls/${number}`, pullRequestSchema).catch(ignoreGone);
  return result?.data;
}

async function isMagentoRepo(api: GithubApi, repo: string, settings: GithubSettings, state: GithubCursor, context: SourceContext): Promise<boolean> {
  const cached = state.verdicts[repo];
  if (cached && Date.parse(cached.checkedAt) >= context.now.getTime() - settings.repositoryVerdictTtlDays * 86_400_000) return cached.magento;
  const verdict = await classifyRepository(api, repo, { topics: settings.magentoTopics, composerTypes: settings.magentoComposerTypes }, context.now);
  state.verdicts[repo] = verdict;
  return verdict.magento;
}
