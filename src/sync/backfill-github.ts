// The GitHub REST side of a GH Archive backfill: which repositories count (the tracked
// patterns, plus other repositories classified as Magento work with the live source's
// classifier and its cached verdicts) and what slim archive events mean, looked up with the
// live source's own functions so both produce identical contributions.
import type { LinkedIdentity, NormalizedContribution } from '../sources/contract.js';
import { issueSchema, pullRequestSchema, type GithubApi } from '../sources/github-api.js';
import { isBot, issueReported, labelNames, repoPatternMatcher } from '../sources/github-contributions.js';
import { classifyRepository, pruneVerdicts, type RepoVerdict } from '../sources/github-repos.js';
import { mergedContribution, reviewContributions, type GithubSettings } from '../sources/github.js';
import { isHttpStatus } from '../sources/http-errors.js';

/** Where a repository stands: tracked or known Magento work, known not to be, or not yet known. */
export type Relevance = 'relevant' | 'irrelevant' | 'unknown';

export interface RepositoryJudge {
  relevance(repo: string): Relevance;
  isDocumentation(repo: string): boolean;
  /** Classifies a repository not yet known through REST (once per repository and TTL). */
  isMagento(repo: string): Promise<boolean>;
  /** Verdicts to keep in the backfill's cursor, pruned. */
  verdicts(): Record<string, RepoVerdict>;
  checked: number;
}

export function repositoryJudge(api: GithubApi, settings: GithubSettings, known: Record<string, RepoVerdict>, now: Date): RepositoryJudge {
  const tracked = repoPatternMatcher([...settings.repositories, ...settings.documentationRepositories]);
  const isDocumentation = repoPatternMatcher(settings.documentationRepositories);
  let verdicts = pruneVerdicts(known, now, settings.repositoryVerdictTtlDays);
  const judge: RepositoryJudge = {
    checked: 0,
    relevance(repo) {
      if (tracked(repo)) return 'relevant';
      const verdict = verdicts[repo];
      if (!verdict) return 'unknown';
      return verdict.magento ? 'relevant' : 'irrelevant';
    },
    isDocumentation,
    async isMagento(repo) {
      const relevance = judge.relevance(repo);
      if (relevance !== 'unknown') return relevance === 'relevant';
      const verdict = await classifyRepository(api, repo, { topics: settings.magentoTopics, composerTypes: settings.magentoComposerTypes }, now);
      judge.checked += 1;
      verdicts = { ...verdicts, [repo]: verdict };
      return verdict.magento;
    },
    verdicts: () => pruneVerdicts(verdicts, now, settings.repositoryVerdictTtlDays),
  };
  return judge;
}

/** A pull request or issue that slim archive events point at, to read through REST. */
export interface LookupTarget {
  kind: 'pullRequest' | 'issue';
  repo: string;
  number: number;
  /** Whether a tracked person reviewed it (so its reviews are read too). */
  reviews: boolean;
}

export function lookupKey(target: Pick<LookupTarget, 'kind' | 'repo' | 'number'>): string {
  return `${target.kind}:${target.repo}#${target.number}`;
}

function ignoreGone(error: unknown): null {
  if (isHttpStatus(error, 404, 410, 451)) return null;
  throw error;
}

/** The contributions of tracked people a pull request or issue holds, as the live source records them. */
export async function resolveTarget(
  api: GithubApi,
  target: LookupTarget,
  documentation: boolean,
  settings: GithubSettings,
  byLogin: Map<string, LinkedIdentity>,
): Promise<NormalizedContribution[]> {
  const { repo, number } = target;
  if (target.kind === 'issue') {
    const issue = (await api.get(`/repos/${repo}/issues/${number}`, issueSchema).catch(ignoreGone))?.data;
    const author = issue?.user && !isBot(issue.user) ? byLogin.get(issue.user.login.toLowerCase()) : undefined;
    if (!issue || !author || issue.pull_request !== undefined || !issue.created_at) return [];
    return [issueReported({ repo, number, title: issue.title, url: issue.html_url, createdAt: issue.created_at, labels: labelNames(issue.labels) }, author.identityId)];
  }
  const pr = (await api.get(`/repos/${repo}/pulls/${number}`, pullRequestSchema).catch(ignoreGone))?.data;
  if (!pr) return [];
  const found: NormalizedContribution[] = [];
  const author = pr.user && !isBot(pr.user) ? byLogin.get(pr.user.login.toLowerCase()) : undefined;
  const merged = author ? await mergedContribution(api, repo, pr, documentation, settings, author) : null;
  if (merged) found.push(merged);
  if (target.reviews) found.push(...(await reviewContributions(api, repo, pr, documentation, byLogin)));
  return found;
}
