// How GitHub facts become contributions, shared by the live GitHub source and the GH Archive
// backfill so both produce the same externalIds for the same work: `pr:owner/repo#12`,
// `review:owner/repo#12:login`, `issue:owner/repo#7` (lowercase). Also who counts (no bots, no
// self-reviews) and which repositories are documentation.

import type { NormalizedContribution } from './contract.js';
import { plainText, safeUrl } from './plain-text.js';

export const GITHUB_SOURCE = 'github';

/** Since this instant GitHub's events no longer carry a PR's title, author, labels or merged flag. */
export const SLIM_EVENTS_SINCE = '2025-10-07T00:00:00Z';

export function prExternalId(repo: string, number: number): string {
  return `pr:${repo.toLowerCase()}#${number}`;
}
export function reviewExternalId(repo: string, number: number, login: string): string {
  return `review:${repo.toLowerCase()}#${number}:${login.toLowerCase()}`;
}
export function issueExternalId(repo: string, number: number): string {
  return `issue:${repo.toLowerCase()}#${number}`;
}

export function isBot(user: { login: string; type?: string | undefined } | null | undefined): boolean {
  if (!user) return true;
  return user.type === 'Bot' || /\[bot\]$/i.test(user.login);
}

/** Review states that are work done; PENDING is a draft and DISMISSED was withdrawn. */
export const COUNTED_REVIEW_STATES = new Set(['APPROVED', 'CHANGES_REQUESTED', 'COMMENTED']);

/** Glob-style repository patterns: 'magento/magento2', 'mage-os/*', 'AdobeDocs/commerce-*'. */
export function repoPatternMatcher(patterns: readonly string[]): (repo: string) => boolean {
  const regexes = patterns.map(
    (pattern) => new RegExp(`^${pattern.toLowerCase().replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`),
  );
  return (repo) => regexes.some((regex) => regex.test(repo.toLowerCase()));
}

export interface PullRequestFacts {
  repo: string;
  number: number;
  title: string | null | undefined;
  url: string | null | undefined;
  mergedAt: string;
  labels: string[];
  documentation: boolean;
  extra?: Record<string, unknown>;
}

export function pullRequestMerged(facts: PullRequestFacts, identityId: number): NormalizedContribution {
  return {
    source: GITHUB_SOURCE,
    externalId: prExternalId(facts.repo, facts.number),
    kind: facts.documentation ? 'documentationMerged' : 'pullRequestMerged',
    title: plainText(facts.title) || `${facts.repo}#${facts.number}`,
    url: safeUrl(facts.url) ?? `https://github.com/${facts.repo}/pull/${facts.number}`,
    occurredAt: new Date(facts.mergedAt).toISOString(),
    identityId,
    metadata: { repo: facts.repo.toLowerCase(), number: facts.number, labels: facts.labels.slice(0, 50).map((l) => plainText(l, 100)), ...facts.extra },
  };
}

export interface ReviewFacts {
  repo: string;
  number: number;
  reviewer: string;
  prTitle: string | null | undefined;
  url: string | null | undefined;
  submittedAt: string;
  state: string;
  documentation: boolean;
}

export function pullRequestReviewed(facts: ReviewFacts, identityId: number): NormalizedContribution {
  return {
    source: GITHUB_SOURCE,
    externalId: reviewExternalId(facts.repo, facts.number, facts.reviewer),
    kind: facts.documentation ? 'documentationReviewed' : 'pullRequestReviewed',
    title: `Review: ${plainText(facts.prTitle) || `${facts.repo}#${facts.number}`}`.slice(0, 300),
    url: safeUrl(facts.url) ?? `https://github.com/${facts.repo}/pull/${facts.number}`,
    occurredAt: new Date(facts.submittedAt).toISOString(),
    identityId,
    metadata: { repo: facts.repo.toLowerCase(), number: facts.number, reviewState: facts.state },
  };
}

export interface IssueFacts {
  repo: string;
  number: number;
  title: string | null | undefined;
  url: string | null | undefined;
  createdAt: string;
  labels: string[];
}

export function issueReported(facts: IssueFacts, identityId: number): NormalizedContribution {
  return {
    source: GITHUB_SOURCE,
    externalId: issueExternalId(facts.repo, facts.number),
    kind: 'issueReported',
    title: plainText(facts.title) || `${facts.repo}#${facts.number}`,
    url: safeUrl(facts.url) ?? `https://github.com/${facts.repo}/issues/${facts.number}`,
    occurredAt: new Date(facts.createdAt).toISOString(),
    identityId,
    metadata: { repo: facts.repo.toLowerCase(), number: facts.number, labels: facts.labels.slice(0, 50).map((l) => plainText(l, 100)) },
  };
}

export function labelNames(labels: readonly (string | { name: string })[] | null | undefined): string[] {
  return (labels ?? []).map((label) => (typeof label === 'string' ? label : label.name));
}
