// The Stack Exchange source (API 2.3; site 'magento' by default): answers by linked users,
// up to 100 user ids per request, oldest first from a per-user cursor minus a refresh window so
// later acceptance and score changes are picked up. Honours the wrapper's `backoff` (pausing the
// host) and `quota_remaining`, and turns error bodies (error_id, error_name, error_message)
// into clear errors. Titles and links need a filter: one is created once per run unless given.

import { z } from 'zod';
import type { LinkedIdentity, NormalizedContribution, SourceBatch, SourceCursor } from './contract.js';
import { SourceError, asSourceError, identitiesOn, type SourceContext } from './context.js';
import { HttpError, RateLimitError } from './http-errors.js';
import { isoInstant, plainText, safeUrl } from './plain-text.js';
import { withoutTrailingSlashes } from '../domain/untrusted-text.js';

export const stackExchangeSettingsSchema = z.object({
  baseUrl: z.string().url().default('https://api.stackexchange.com/2.3'),
  site: z.string().min(1).default('magento'),
  /** A registered app key raises the daily quota from 300 to 10,000 requests. */
  key: z.string().min(1).optional(),
  /** A filter including answer.title and answer.link; created through /filters/create when absent. */
  filter: z.string().min(1).optional(),
  /** Re-read answers this recent on every run, to refresh is_accepted and score. */
  refreshDays: z.number().int().nonnegative().default(30),
  /** Stop (clearly) rather than spend the last requests of the daily quota. */
  minQuotaRemaining: z.number().int().nonnegative().default(10),
  maxPages: z.number().int().positive().default(50),
});
export type StackExchangeSettings = z.infer<typeof stackExchangeSettingsSchema>;

const wrapperSchema = z
  .object({
    items: z.array(z.unknown()).default([]),
    has_more: z.boolean().default(false),
    quota_max: z.number().optional(),
    quota_remaining: z.number().optional(),
    backoff: z.number().optional(),
    error_id: z.number().optional(),
    error_name: z.string().optional(),
    error_message: z.string().optional(),
  })
  .passthrough();

const answerSchema = z
  .object({
    answer_id: z.number(),
    question_id: z.number(),
    // A deleted account answers as { user_type: 'does_not_exist', display_name } without user_id or link.
    owner: z.object({ user_id: z.number().optional(), user_type: z.string().optional() }).passthrough().optional(),
    score: z.number().default(0),
    is_accepted: z.boolean().default(false),
    creation_date: z.number(),
    title: z.string().optional(),
    link: z.string().optional(),
  })
  .passthrough();

export interface StackExchangeCursor {
  /** Per user id: creation_date (epoch seconds) of the newest answer seen. */
  users: Record<string, number>;
}

const SOURCE = 'stackexchange';

/** The web domain of an API site parameter ('stackoverflow', 'meta.magento', 'pt.stackoverflow', 'mathoverflow.net'). */
export function siteDomain(site: string): string {
  const name = site.trim().toLowerCase();
  if (name.includes('.') && /\.(com|net|org)$/.test(name)) return name;
  const ownDomains = new Set(['stackoverflow', 'superuser', 'serverfault', 'askubuntu', 'stackapps', 'mathoverflow']);
  const meta = name.startsWith('meta.') ? name.slice(5) : null;
  const base = meta ?? name;
  // Localised Stack Overflows: pt.stackoverflow -> pt.stackoverflow.com (meta: pt.meta.stackoverflow.com).
  const localised = /^([a-z]{2})\.stackoverflow$/.exec(base);
  if (localised) return meta ? `${localised[1]}.meta.stackoverflow.com` : `${base}.com`;
  if (ownDomains.has(base)) return meta ? `meta.${base}.com` : `${base}.com`;
  return meta ? `${base}.meta.stackexchange.com` : `${base}.stackexchange.com`;
}

/** A link to an answer when the API gave none: https://{site domain}/a/{id}. */
export function answerUrl(site: string, answerId: number): string {
  return `https://${siteDomain(site)}/a/${answerId}`;
}

/** One request through the wrapper: errors, backoff and quota handled the same way everywhere. */
async function callApi(url: string, settings: StackExchangeSettings, context: SourceContext) {
  let body: unknown;
  try {
    body = (await context.http.getJson(url)).data;
  } catch (error) {
    // Errors come as HTTP 400/502/503 with a JSON body: read it for the real reason.
    if (error instanceof HttpError && error.bodyExcerpt?.includes('error_id')) {
      const parsed = (() => {
        try {
          return wrapperSchema.parse(JSON.parse(error.bodyExcerpt));
        } catch {
          return null;
        }
      })();
      if (parsed?.error_id !== undefined) throw wrapperError(url, parsed, context);
    }
    throw error;
  }
  const wrapper = wrapperSchema.safeParse(body);
  if (!wrapper.success) throw new SourceError(SOURCE, `unexpected response from ${new URL(url).pathname}: not a Stack Exchange wrapper object`);
  if (wrapper.data.error_id !== undefined) throw wrapperError(url, wrapper.data, context);
  if (wrapper.data.backoff) context.http.pauseHost(url, wrapper.data.backoff * 1000);
  if (wrapper.data.quota_remaining !== undefined && wrapper.data.quota_remaining < settings.minQuotaRemaining && wrapper.data.has_more) {
    throw new SourceError(SOURCE, `daily quota nearly spent (${wrapper.data.quota_remaining} of ${wrapper.data.quota_max ?? '?'} requests left); resuming on the next run`, {
      cause: new RateLimitError(url, 'quota spent', undefined),
    });
  }
  return wrapper.data;
}

function wrapperError(url: string, body: z.infer<typeof wrapperSchema>, _context: SourceContext): SourceError {
  const detail = `${body.error_name ?? 'error'} (${body.error_id}): ${plainText(body.error_message ?? '', 300)}`;
  const seconds = /\b(\d+) seconds?/.exec(body.error_message ?? '')?.[1];
  const cause = body.error_name === 'throttle_violation' ? new RateLimitError(url, detail, seconds ? new Date(Date.now() + Number(seconds) * 1000) : undefined) : undefined;
  return new SourceError(SOURCE, `${new URL(url).pathname}: ${detail}`, { cause });
}

function apiUrl(settings: StackExchangeSettings, path: string, query: Record<string, string | number | undefined>): string {
  const url = new URL(`${withoutTrailingSlashes(settings.baseUrl)}${path}`);
  for (const [name, value] of Object.entries({ ...query, key: settings.key })) if (value !== undefined) url.searchParams.set(name, String(value));
  return url.toString();
}

async function answerFilter(settings: StackExchangeSettings, context: SourceContext): Promise<string> {
  if (settings.filter) return settings.filter;
  const url = apiUrl(settings, '/filters/create', { include: 'answer.title;answer.link', base: 'default', unsafe: 'false' });
  const wrapper = await callApi(url, settings, context);
  const filter = (wrapper.items[0] as { filter?: unknown } | undefined)?.filter;
  if (typeof filter !== 'string') throw new SourceError(SOURCE, '/filters/create returned no filter');
  return filter;
}

export async function* stackExchangeSource(
  rawSettings: z.input<typeof stackExchangeSettingsSchema>,
  identities: LinkedIdentity[],
  cursor: SourceCursor,
  context: SourceContext,
): AsyncGenerator<SourceBatch> {
  const settings = stackExchangeSettingsSchema.parse(rawSettings);
  const users = identitiesOn('stackexchange', identities).filter((i) => /^\d{1,12}$/.test(i.externalId));
  const state: StackExchangeCursor = { users: { ...((cursor as Partial<StackExchangeCursor> | null)?.users ?? {}) } };
  if (users.length === 0) return;
  try {
    const filter = await answerFilter(settings, context);
    // Users whose cursors are close are asked together: group by the day their window starts.
    const groups = new Map<number, LinkedIdentity[]>();
    for (const user of users) {
      const last = state.users[user.externalId];
      const from = last === undefined ? 0 : Math.max(0, last - settings.refreshDays * 86_400);
      const key = from === 0 ? 0 : Math.floor(from / 86_400) * 86_400;
      groups.set(key, [...(groups.get(key) ?? []), user]);
    }
    for (const [fromdate, group] of [...groups].sort((a, b) => a[0] - b[0])) {
      for (let start = 0; start < group.length; start += 100) {
        yield* answersOf(group.slice(start, start + 100), fromdate, filter, settings, state, context);
      }
    }
  } catch (error) {
    throw asSourceError(SOURCE, error);
  }
}

async function* answersOf(
  group: LinkedIdentity[],
  fromdate: number,
  filter: string,
  settings: StackExchangeSettings,
  state: StackExchangeCursor,
  context: SourceContext,
): AsyncGenerator<SourceBatch> {
  const byUserId = new Map(group.map((identity) => [Number(identity.externalId), identity]));
  const ids = group.map((identity) => identity.externalId).join(';');
  for (let page = 1; page <= settings.maxPages; page += 1) {
    const url = apiUrl(settings, `/users/${ids}/answers`, {
      site: settings.site,
      filter,
      sort: 'creation',
      order: 'asc',
      fromdate: fromdate || undefined,
      page,
      pagesize: 100,
    });
    const wrapper = await callApi(url, settings, context);
    const contributions: NormalizedContribution[] = [];
    for (const item of wrapper.items) {
      const answer = answerSchema.safeParse(item);
      if (!answer.success) continue;
      if (answer.data.owner?.user_type === 'does_not_exist' || answer.data.owner?.user_id === undefined) continue;
      const identity = byUserId.get(answer.data.owner.user_id);
      const occurredAt = isoInstant(answer.data.creation_date);
      if (!identity || !occurredAt) continue;
      contributions.push({
        source: SOURCE,
        externalId: `answer:${settings.site}:${answer.data.answer_id}`,
        kind: 'answerPosted',
        title: plainText(answer.data.title) || `Answer ${answer.data.answer_id}`,
        url: safeUrl(answer.data.link) ?? answerUrl(settings.site, answer.data.answer_id),
        occurredAt,
        identityId: identity.identityId,
        metadata: { site: settings.site, questionId: answer.data.question_id, accepted: answer.data.is_accepted, score: answer.data.score },
      });
      const previous = state.users[identity.externalId] ?? 0;
      state.users[identity.externalId] = Math.max(previous, answer.data.creation_date);
    }
    if (!wrapper.has_more) {
      // Everything created until now has been seen, answers or not.
      const seenUntil = Math.floor(context.now.getTime() / 1000);
      for (const identity of group) state.users[identity.externalId] = Math.max(state.users[identity.externalId] ?? 0, seenUntil);
      yield { contributions, cursor: { users: { ...state.users } } };
      return;
    }
    yield { contributions, cursor: { users: { ...state.users } } };
  }
  (context.warn ?? context.log)?.(`${SOURCE}: stopped after ${settings.maxPages} pages for users ${ids}; the rest follows on the next run`);
}
