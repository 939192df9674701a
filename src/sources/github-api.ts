// The GitHub REST API as the GitHub source uses it: authenticated JSON requests through the
// shared HTTP client, Link-header pagination, and the handful of object shapes we read (pull
// requests, reviews, issues, issue events, events, repositories), validated loosely with zod so
// a missing optional field never crashes a run while a wrong shape is reported clearly.

import { z } from 'zod';
import type { HttpClient, HttpResponse } from './http.js';
import { withoutTrailingSlashes } from '../domain/untrusted-text.js';

export const githubUserSchema = z.object({ login: z.string(), type: z.string().optional() }).passthrough();
const labelSchema = z.object({ name: z.string() }).passthrough();

export const pullRequestSchema = z
  .object({
    number: z.number(),
    title: z.string().nullish(),
    html_url: z.string().nullish(),
    user: githubUserSchema.nullish(),
    labels: z.array(labelSchema).nullish(),
    merged_at: z.string().nullish(),
    merged: z.boolean().nullish(),
    closed_at: z.string().nullish(),
    created_at: z.string().nullish(),
    updated_at: z.string().nullish(),
    state: z.string().nullish(),
  })
  .passthrough();
export type PullRequest = z.infer<typeof pullRequestSchema>;

export const reviewSchema = z
  .object({
    id: z.number(),
    user: githubUserSchema.nullish(),
    state: z.string(),
    html_url: z.string().nullish(),
    submitted_at: z.string().nullish(),
  })
  .passthrough();
export type Review = z.infer<typeof reviewSchema>;

export const issueSchema = z
  .object({
    number: z.number(),
    title: z.string().nullish(),
    html_url: z.string().nullish(),
    user: githubUserSchema.nullish(),
    labels: z.array(z.union([labelSchema, z.string()])).nullish(),
    created_at: z.string().nullish(),
    updated_at: z.string().nullish(),
    pull_request: z.unknown().optional(),
  })
  .passthrough();
export type Issue = z.infer<typeof issueSchema>;

export const issueEventSchema = z
  .object({ event: z.string(), actor: githubUserSchema.nullish(), created_at: z.string(), label: labelSchema.nullish() })
  .passthrough();

export const eventSchema = z
  .object({
    id: z.string(),
    type: z.string().nullish(),
    actor: githubUserSchema.nullish(),
    repo: z.object({ name: z.string() }).passthrough(),
    payload: z.record(z.string(), z.unknown()).nullish(),
    created_at: z.string(),
  })
  .passthrough();
export type GithubEvent = z.infer<typeof eventSchema>;

export const repositorySchema = z
  .object({ full_name: z.string(), topics: z.array(z.string()).nullish(), archived: z.boolean().nullish(), fork: z.boolean().nullish() })
  .passthrough();

/** The URL of rel="next" in a Link header, if any. */
export function nextLink(link: string | undefined): string | null {
  if (!link) return null;
  for (const part of link.split(',')) {
    const match = /<([^<>]+)>\s*;\s*rel="?([^";]+)"?/.exec(part.trim());
    if (match && match[2]!.split(/\s+/).includes('next')) return match[1]!;
  }
  return null;
}

export interface GithubApi {
  readonly baseUrl: string;
  url(path: string, query?: Record<string, string | number | undefined>): string;
  get<T>(pathOrUrl: string, schema: z.ZodType<T>): Promise<{ data: T; response: HttpResponse }>;
  /** Pages of a list endpoint; stops when `onPage` returns false or `maxPages` is reached. */
  pages<T>(pathOrUrl: string, schema: z.ZodType<T>, maxPages: number): AsyncGenerator<T[]>;
}

export function githubApi(http: HttpClient, baseUrl: string, token?: string): GithubApi {
  const base = withoutTrailingSlashes(baseUrl);
  const headers: Record<string, string> = { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' };
  if (token) headers.authorization = `Bearer ${token}`;
  const toUrl = (pathOrUrl: string) => (/^https?:\/\//.test(pathOrUrl) ? pathOrUrl : `${base}${pathOrUrl}`);

  async function get<T>(pathOrUrl: string, schema: z.ZodType<T>) {
    const { data, response } = await http.getJson<unknown>(toUrl(pathOrUrl), { headers });
    const parsed = schema.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`unexpected response shape from ${response.url}: ${issue?.path.join('.') || '(root)'} ${issue?.message ?? ''}`.trim());
    }
    return { data: parsed.data, response };
  }

  return {
    baseUrl: base,
    url(path, query = {}) {
      const url = new URL(`${base}${path}`);
      for (const [name, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(name, String(value));
      return url.toString();
    },
    get,
    async *pages<T>(pathOrUrl: string, schema: z.ZodType<T>, maxPages: number) {
      let next: string | null = toUrl(pathOrUrl);
      for (let page = 0; next && page < maxPages; page += 1) {
        const { data, response } = await get(next, z.array(schema));
        yield data;
        next = nextLink(response.headers.link);
      }
    },
  };
}
