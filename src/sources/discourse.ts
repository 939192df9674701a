// The Discourse source: a person's new topics and replies on a forum, from
// /user_actions.json?username=..&filter=4,5 (4 = new topic, 5 = reply), newest first with
// offset paging, down to the newest action seen last time. The identity externalId is
// 'https://forum.example:username'; forum URLs are user-supplied, so the SSRF guard applies.

import { z } from 'zod';
import type { LinkedIdentity, NormalizedContribution, SourceBatch, SourceCursor } from './contract.js';
import { identitiesOn, type SourceContext } from './context.js';
import { isHttpStatus } from './http-errors.js';
import { isoInstant, plainText, safeUrl } from './plain-text.js';
import { withoutTrailingSlashes } from '../domain/untrusted-text.js';

export const discourseSettingsSchema = z.object({
  maxPages: z.number().int().positive().default(20),
  /** Only these forums are read; empty means any forum a person links. */
  allowedForums: z.array(z.string().url()).default([]),
});
export type DiscourseSettings = z.infer<typeof discourseSettingsSchema>;

const actionSchema = z
  .object({
    action_type: z.number(),
    created_at: z.string(),
    topic_id: z.number(),
    post_number: z.number().nullish(),
    post_id: z.number().nullish(),
    slug: z.string().nullish(),
    title: z.string().nullish(),
    username: z.string().nullish(),
    acting_username: z.string().nullish(),
    category_id: z.number().nullish(),
    deleted: z.boolean().nullish(),
    hidden: z.boolean().nullish(),
  })
  .passthrough();

const responseSchema = z.object({ user_actions: z.array(z.unknown()) }).passthrough();

const SOURCE = 'discourse';
const NEW_TOPIC = 4;
const REPLY = 5;

/** Splits 'https://forum.example:jdoe' (or 'https://forum.example/sub:jdoe') into forum and username. */
export function parseForumIdentity(externalId: string): { forum: string; username: string } | null {
  const at = externalId.lastIndexOf(':');
  if (at <= 'https:'.length) return null;
  const forum = safeUrl(externalId.slice(0, at));
  const username = externalId.slice(at + 1);
  if (!forum || !/^[\w.-]{1,60}$/.test(username)) return null;
  return { forum: withoutTrailingSlashes(forum), username };
}

/** The shared cursor of earlier versions (read only, for identities without their own yet). */
interface LegacyDiscourseCursor {
  /** identity externalId -> created_at of the newest action seen */
  newest: Record<string, string>;
}

/** One forum identity's cursor: the created_at of the newest action seen. */
interface ForumCursor {
  newest?: string;
}

export async function* discourseSource(
  rawSettings: z.input<typeof discourseSettingsSchema>,
  identities: LinkedIdentity[],
  cursor: SourceCursor,
  context: SourceContext,
): AsyncGenerator<SourceBatch> {
  const settings = discourseSettingsSchema.parse(rawSettings);
  const legacy = (cursor as Partial<LegacyDiscourseCursor> | null)?.newest ?? {};
  const allowed = settings.allowedForums.map(withoutTrailingSlashes);
  for (const identity of identitiesOn('discourse', identities)) {
    if (identity.due === false) continue;
    const fail = (error: string): SourceBatch => ({ contributions: [], identity: { identityId: identity.identityId, error: `${SOURCE}: ${error}` } });
    const parsed = parseForumIdentity(identity.externalId);
    if (!parsed || (allowed.length > 0 && !allowed.includes(parsed.forum))) {
      yield fail(`${identity.externalId}: not a forum identity this program reads (expected https://forum.example:username)`);
      continue;
    }
    const own = (identity.cursor as ForumCursor | null | undefined)?.newest;
    const since = typeof own === 'string' ? own : legacy[identity.externalId];
    try {
      const contributions = await readActions(parsed.forum, parsed.username, identity, since, settings, context);
      const newest = contributions.reduce((max, c) => (c.occurredAt > max ? c.occurredAt : max), since ?? '');
      yield { contributions, identity: { identityId: identity.identityId, cursor: newest ? { newest } : null } };
    } catch (error) {
      if (isHttpStatus(error, 404, 410)) {
        const reason = `${parsed.forum} has no user ${parsed.username} (HTTP ${error.status})`;
        yield { ...fail(reason), goneIdentities: [{ identityId: identity.identityId, reason }] };
        continue;
      }
      yield fail(`${identity.externalId}: ${(error as Error).message}`);
    }
  }
}

async function readActions(
  forum: string,
  username: string,
  identity: LinkedIdentity,
  since: string | undefined,
  settings: DiscourseSettings,
  context: SourceContext,
): Promise<NormalizedContribution[]> {
  const found = new Map<string, NormalizedContribution>();
  let offset = 0;
  for (let page = 0; page < settings.maxPages; page += 1) {
    const url = `${forum}/user_actions.json?username=${encodeURIComponent(username)}&filter=${NEW_TOPIC},${REPLY}&offset=${offset}`;
    const { data } = await context.http.getJson(url, { untrusted: true, conditional: false });
    const body = responseSchema.safeParse(data);
    if (!body.success) throw new Error(`unexpected response from ${url}: no user_actions list`);
    if (body.data.user_actions.length === 0) break;
    let reachedCursor = false;
    for (const raw of body.data.user_actions) {
      const action = actionSchema.safeParse(raw);
      if (!action.success) continue;
      const a = action.data;
      const occurredAt = isoInstant(a.created_at);
      if (!occurredAt) continue;
      if (since && occurredAt < since) {
        reachedCursor = true;
        continue;
      }
      if (a.deleted || a.hidden || (a.action_type !== NEW_TOPIC && a.action_type !== REPLY)) continue;
      const postNumber = a.post_number ?? 1;
      const externalId = `${forum}/t/${a.topic_id}/${postNumber}`;
      found.set(externalId, {
        source: SOURCE,
        externalId,
        kind: a.action_type === NEW_TOPIC ? 'forumTopic' : 'forumReply',
        title: plainText(a.title) || `Topic ${a.topic_id}`,
        url: `${forum}/t/${encodeURIComponent(a.slug ?? 'topic')}/${a.topic_id}/${postNumber}`,
        occurredAt,
        identityId: identity.identityId,
        metadata: { forum, topicId: a.topic_id, postNumber, categoryId: a.category_id ?? null },
      });
    }
    if (reachedCursor) break;
    offset += body.data.user_actions.length;
  }
  return [...found.values()];
}
