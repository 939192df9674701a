// Identity verification: proof that a person controls the account or site they link. We show
// them a code; they put it in their GitHub bio or a public gist, their Stack Exchange "about
// me", or their feed/site (or link back to the profile URL we give with rel="me" or a meta
// tag). Each check reads public data through the shared HTTP client and returns a verdict with
// the method that succeeded and a detail fit to show the person.

import { z } from 'zod';
import type { HttpClient } from './http.js';
import { githubApi } from './github-api.js';
import { decodeEntities } from './plain-text.js';
import { withoutTrailingSlashes } from '../domain/untrusted-text.js';

export interface VerificationResult {
  verified: boolean;
  method: string;
  detail: string;
}

export const VERIFICATION_META_NAME = 'magento-ambassador-verification';

function contains(haystack: string | null | undefined, code: string): boolean {
  return Boolean(haystack && code && decodeEntities(haystack).includes(code));
}

export async function verifyGithub(http: HttpClient, options: { baseUrl?: string; token?: string }, login: string, code: string): Promise<VerificationResult> {
  const api = githubApi(http, options.baseUrl ?? 'https://api.github.com', options.token);
  const user = await api.get(`/users/${encodeURIComponent(login)}`, z.object({ login: z.string(), bio: z.string().nullish() }).passthrough());
  if (contains(user.data.bio, code)) return { verified: true, method: 'github-bio', detail: `code found in the profile bio of ${user.data.login}` };
  const gistSchema = z.object({ description: z.string().nullish(), html_url: z.string(), files: z.record(z.string(), z.object({ raw_url: z.string(), size: z.number().optional() }).passthrough()) }).passthrough();
  const { data: gists } = await api.get(api.url(`/users/${encodeURIComponent(login)}/gists`, { per_page: 30 }), z.array(gistSchema));
  for (const gist of gists) {
    if (contains(gist.description, code)) return { verified: true, method: 'github-gist', detail: `code found in the description of ${gist.html_url}` };
    for (const file of Object.values(gist.files).slice(0, 5)) {
      if ((file.size ?? 0) > 100_000) continue;
      const raw = await http.get(file.raw_url, { maxBytes: 100_000, conditional: false });
      if (contains(raw.text(), code)) return { verified: true, method: 'github-gist', detail: `code found in ${gist.html_url}` };
    }
  }
  return { verified: false, method: 'github', detail: `the code is neither in the bio of ${login} nor in one of their 30 newest public gists` };
}

export async function verifyStackExchange(
  http: HttpClient,
  options: { baseUrl?: string; site?: string; key?: string },
  userId: string,
  code: string,
): Promise<VerificationResult> {
  if (!/^\d{1,12}$/.test(userId)) return { verified: false, method: 'stackexchange-about-me', detail: 'a Stack Exchange user id is a number' };
  const base = withoutTrailingSlashes(options.baseUrl ?? 'https://api.stackexchange.com/2.3');
  const site = options.site ?? 'magento';
  const key = options.key ? `&key=${encodeURIComponent(options.key)}` : '';
  const filterBody = (await http.getJson<{ items?: { filter?: string }[] }>(`${base}/filters/create?include=user.about_me&base=default&unsafe=false${key}`)).data;
  const filter = filterBody.items?.[0]?.filter ?? 'default';
  const { data } = await http.getJson<{ items?: { about_me?: string; display_name?: string }[] }>(`${base}/users/${userId}?site=${encodeURIComponent(site)}&filter=${encodeURIComponent(filter)}${key}`);
  const user = data.items?.[0];
  if (!user) return { verified: false, method: 'stackexchange-about-me', detail: `no user ${userId} on ${site}` };
  return contains(user.about_me, code)
    ? { verified: true, method: 'stackexchange-about-me', detail: `code found in the "about me" of user ${userId}` }
    : { verified: false, method: 'stackexchange-about-me', detail: `the code is not in the "about me" of user ${userId} on ${site}` };
}

function sameUrl(a: string, b: string): boolean {
  try {
    const x = new URL(decodeEntities(a));
    const y = new URL(b);
    const norm = (u: URL) => `${u.host.toLowerCase().replace(/^www\./, '')}${withoutTrailingSlashes(u.pathname)}`;
    return norm(x) === norm(y);
  } catch {
    return false;
  }
}

/** A feed or site verifies with the code anywhere in it, a rel="me" link to `profileUrl`, or our meta tag. */
export async function verifySite(http: HttpClient, siteUrl: string, code: string, profileUrl: string): Promise<VerificationResult> {
  const response = await http.get(siteUrl, { untrusted: true, maxBytes: 2 * 1024 * 1024, conditional: false });
  const text = response.text();
  const tags = text.match(/<(?:a|link)\b[^>]*>/gi) ?? [];
  for (const tag of tags) {
    const rel = /\brel\s*=\s*["']?([^"'>]+)/i.exec(tag)?.[1] ?? '';
    const href = /\bhref\s*=\s*["']?([^"'\s>]+)/i.exec(tag)?.[1];
    if (href && rel.toLowerCase().split(/\s+/).includes('me') && sameUrl(href, profileUrl)) {
      return { verified: true, method: 'rel-me', detail: `${response.url} links to ${profileUrl} with rel="me"` };
    }
  }
  for (const tag of text.match(/<meta\b[^>]*>/gi) ?? []) {
    const name = /\bname\s*=\s*["']?([^"'>\s]+)/i.exec(tag)?.[1];
    const content = /\bcontent\s*=\s*["']([^"']*)["']/i.exec(tag)?.[1];
    if (name === VERIFICATION_META_NAME && content && decodeEntities(content).trim() === code) {
      return { verified: true, method: 'meta-tag', detail: `${response.url} carries the verification meta tag` };
    }
  }
  if (contains(text, code)) return { verified: true, method: 'code-in-content', detail: `code found in ${response.url}` };
  return { verified: false, method: 'site', detail: `${response.url} has neither the code, a rel="me" link to ${profileUrl}, nor the ${VERIFICATION_META_NAME} meta tag` };
}
