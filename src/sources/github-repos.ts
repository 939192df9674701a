// Which GitHub repositories the source looks at. Tracked repositories come from config, with
// org wildcards ('mage-os/*', 'AdobeDocs/commerce-*') expanded by listing the org. Repositories
// outside the list, found in a person's public events, count when they are Magento work:
// recognised by their topics or by the type/requirements in their composer.json. Those
// verdicts are cached in the cursor so each repository is inspected once per TTL.

import { z } from 'zod';
import { repoPatternMatcher } from './github-contributions.js';
import { repositorySchema, type GithubApi } from './github-api.js';
import { isHttpStatus } from './http-errors.js';

export interface RepoVerdict {
  magento: boolean;
  checkedAt: string;
  reason: string;
}

/** Expands patterns into concrete 'owner/repo' names; literal names are kept without a request. */
export async function expandRepositories(api: GithubApi, patterns: readonly string[], maxPages: number): Promise<string[]> {
  const repos = new Set<string>();
  const byOwner = new Map<string, string[]>();
  for (const pattern of patterns) {
    const [owner, name] = pattern.split('/');
    if (!owner || !name) throw new Error(`repository pattern must be owner/name: ${JSON.stringify(pattern)}`);
    if (name.includes('*')) byOwner.set(owner, [...(byOwner.get(owner) ?? []), pattern]);
    else repos.add(pattern.toLowerCase());
  }
  for (const [owner, ownerPatterns] of byOwner) {
    const matches = repoPatternMatcher(ownerPatterns);
    const listing = api.url(`/orgs/${encodeURIComponent(owner)}/repos`, { type: 'public', per_page: 100 });
    try {
      for await (const page of api.pages(listing, repositorySchema, maxPages)) {
        for (const repo of page) if (!repo.archived && matches(repo.full_name)) repos.add(repo.full_name.toLowerCase());
      }
    } catch (error) {
      // A user account, not an organisation: list its repositories instead.
      if (!isHttpStatus(error, 404)) throw error;
      const userListing = api.url(`/users/${encodeURIComponent(owner)}/repos`, { type: 'owner', per_page: 100 });
      for await (const page of api.pages(userListing, repositorySchema, maxPages)) {
        for (const repo of page) if (!repo.archived && matches(repo.full_name)) repos.add(repo.full_name.toLowerCase());
      }
    }
  }
  return [...repos].sort();
}

const contentSchema = z.object({ content: z.string().optional(), encoding: z.string().optional() }).passthrough();

export interface ClassifyOptions {
  topics: readonly string[];
  composerTypes: readonly string[];
}

/** Decides whether a repository is Magento work, from its topics first and composer.json second. */
export async function classifyRepository(api: GithubApi, repo: string, options: ClassifyOptions, now: Date): Promise<RepoVerdict> {
  const checkedAt = now.toISOString();
  let info;
  try {
    info = (await api.get(`/repos/${repo}`, repositorySchema)).data;
  } catch (error) {
    if (isHttpStatus(error, 404, 451)) return { magento: false, checkedAt, reason: 'repository not found' };
    throw error;
  }
  const topics = new Set((info.topics ?? []).map((t) => t.toLowerCase()));
  const topic = options.topics.find((t) => topics.has(t.toLowerCase()));
  if (topic) return { magento: true, checkedAt, reason: `topic ${topic}` };
  let composer: { type?: unknown; require?: unknown };
  try {
    const { data } = await api.get(`/repos/${repo}/contents/composer.json`, contentSchema);
    if (data.encoding !== 'base64' || !data.content) return { magento: false, checkedAt, reason: 'composer.json unreadable' };
    composer = JSON.parse(Buffer.from(data.content, 'base64').toString('utf8')) as typeof composer;
  } catch (error) {
    if (isHttpStatus(error, 404)) return { magento: false, checkedAt, reason: 'no Magento topic and no composer.json' };
    if (error instanceof SyntaxError) return { magento: false, checkedAt, reason: 'composer.json is not valid JSON' };
    throw error;
  }
  if (typeof composer.type === 'string' && options.composerTypes.includes(composer.type)) {
    return { magento: true, checkedAt, reason: `composer type ${composer.type}` };
  }
  const requires = composer.require && typeof composer.require === 'object' ? Object.keys(composer.require) : [];
  const magentoRequire = requires.find((name) => name === 'magento/framework' || name.startsWith('magento/module-') || name === 'magento/product-community-edition');
  if (magentoRequire) return { magento: true, checkedAt, reason: `requires ${magentoRequire}` };
  return { magento: false, checkedAt, reason: 'no Magento topic or composer type' };
}

/** Keeps the verdict cache bounded: drops expired verdicts, then the oldest past `maxEntries`. */
export function pruneVerdicts(verdicts: Record<string, RepoVerdict>, now: Date, ttlDays: number, maxEntries = 2000): Record<string, RepoVerdict> {
  const cutoff = now.getTime() - ttlDays * 86_400_000;
  const kept = Object.entries(verdicts)
    .filter(([, verdict]) => Date.parse(verdict.checkedAt) >= cutoff)
    .sort((a, b) => b[1].checkedAt.localeCompare(a[1].checkedAt))
    .slice(0, maxEntries);
  return Object.fromEntries(kept);
}
