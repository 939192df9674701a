// POST /api/v1/ingest: external systems (an event platform, the Association's CRM) report
// contributions. Idempotent by (source, externalId): the source is the token's, so one system
// can never overwrite another's records. The whole batch is validated first; nothing is
// written when any item is wrong.
import { z } from 'zod';
import { parseIdentity } from '../../domain/identities.js';
import { notifyContributionCounted } from '../../notify/events.js';
import { upsertContributions, type ContributionInput } from '../../store/contributions.js';
import { findIdentity, isErased } from '../../store/identities.js';
import { findMember } from '../../store/members.js';
import type { WebContext } from '../context.js';
import { HttpProblem, invalid } from '../errors.js';
import { safeEqual, sha256 } from '../session.js';

export const ingestItemSchema = z.strictObject({
  externalId: z.string().min(1).max(200),
  handle: z.string().min(1).max(39).optional(),
  identity: z.string().min(3).max(500).optional(),
  kind: z.string().min(1),
  title: z.string().min(1).max(300),
  url: z.url({ protocol: /^https?$/ }).nullable().optional(),
  occurredAt: z.iso.datetime({ offset: true }).or(z.iso.date()),
  metadata: z.record(z.string(), z.unknown()).optional(),
});

export const ingestBodySchema = z.strictObject({ contributions: z.array(ingestItemSchema).min(1).max(500) });

export interface IngestSource {
  name: string;
  source: string;
  /** The contribution kinds this token may report. */
  kinds: string[];
}

export async function authenticateIngest(context: WebContext, authorization: string | undefined): Promise<IngestSource> {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  if (!token) throw new HttpProblem(401, 'unauthorized', 'an API token is required: Authorization: Bearer TOKEN');
  const hash = sha256(token);
  for (const configured of context.web.ingestTokens) {
    if (safeEqual(sha256(configured.token), hash)) return { name: configured.name, source: configured.source, kinds: configured.kinds };
  }
  const stored = await context.wdb
    .selectFrom('api_tokens')
    .select(['id', 'name', 'source', 'kinds'])
    .where('token_hash', '=', hash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!stored) throw new HttpProblem(401, 'unauthorized', 'the API token is not valid');
  // Two tokens never share a source name: a token in the config file takes its name first.
  if (context.web.ingestTokens.some((configured) => configured.source === stored.source)) {
    throw new HttpProblem(403, 'forbidden', `the source "${stored.source}" belongs to a token in the configuration; an admin issues this system a token with its own source name`);
  }
  await context.wdb.updateTable('api_tokens').set({ last_used_at: context.now() }).where('id', '=', stored.id).execute();
  return { name: stored.name, source: stored.source, kinds: stored.kinds };
}

export async function ingest(context: WebContext, caller: IngestSource, body: unknown) {
  const parsed = ingestBodySchema.safeParse(body);
  if (!parsed.success) throw invalid(parsed.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`));
  const problems: string[] = [];
  const inputs: ContributionInput[] = [];
  const handles = new Map<number, string>();
  const seen = new Set<string>();
  for (const [index, item] of parsed.data.contributions.entries()) {
    const at = `contributions.${index}`;
    if (seen.has(item.externalId)) problems.push(`${at}.externalId: "${item.externalId}" appears twice in the batch`);
    seen.add(item.externalId);
    if (!context.config.kinds[item.kind]) problems.push(`${at}.kind: expected one of ${Object.keys(context.config.kinds).join(', ')}, got "${item.kind}"`);
    else if (!caller.kinds.includes(item.kind)) {
      problems.push(`${at}.kind: this token may report ${caller.kinds.length ? caller.kinds.join(', ') : 'no kinds (an admin issues a token with its kinds)'}, got "${item.kind}"`);
    }
    if (!item.handle === !item.identity) {
      problems.push(`${at}: expected exactly one of handle or identity`);
      continue;
    }
    // Counted only for a registered member, named by handle or through a verified identity;
    // for a suspended member or an unverified claim it waits as pending.
    let memberId: number | undefined;
    let waitsFor: { identityId?: number; reason: string } | null = null;
    if (item.handle) {
      const member = await findMember(context.db, item.handle);
      if (!member || member.state === 'withdrawn') problems.push(`${at}.handle: no ambassador "${item.handle}"`);
      else {
        memberId = member.id;
        handles.set(member.id, member.handle);
        if (member.state !== 'registered') waitsFor = { reason: 'reported for a suspended member' };
      }
    } else {
      const ref = parseIdentity(item.identity!);
      if (!ref.ok) problems.push(`${at}.identity: ${ref.error}`);
      else if (await isErased(context.db, ref.identity)) problems.push(`${at}.identity: belongs to a person who asked to be erased`);
      else {
        const found = await findIdentity(context.db, ref.identity);
        const member = found ? await context.db.selectFrom('members').select(['id', 'state']).where('id', '=', found.member_id).executeTakeFirst() : undefined;
        if (!found || !member || member.state === 'withdrawn') problems.push(`${at}.identity: "${item.identity}" is not linked to any ambassador`);
        else {
          memberId = found.member_id;
          if (!found.verified_at) waitsFor = { identityId: found.id, reason: 'the identity is not verified yet' };
          else if (member.state !== 'registered') waitsFor = { reason: 'reported for a suspended member' };
        }
      }
    }
    const occurredAt = item.occurredAt.length === 10 ? `${item.occurredAt}T12:00:00Z` : item.occurredAt;
    if (new Date(occurredAt).getTime() > context.now().getTime() + 86_400_000) problems.push(`${at}.occurredAt: expected a date not in the future`);
    if (memberId !== undefined) {
      inputs.push({
        memberId,
        source: caller.source,
        externalId: item.externalId,
        kind: item.kind,
        title: item.title,
        url: item.url ?? null,
        occurredAt,
        reviewState: waitsFor ? 'pending' : 'counted',
        metadata: {
          ...(item.metadata ?? {}),
          reportedBy: caller.name,
          ...(waitsFor ? { pendingReason: waitsFor.reason } : {}),
          ...(waitsFor?.identityId !== undefined ? { awaitsIdentity: String(waitsFor.identityId) } : {}),
        },
      });
    }
  }
  if (problems.length) throw invalid(problems);
  const existing = new Set(
    (
      await context.db
        .selectFrom('contributions')
        .select('external_id')
        .where('source', '=', caller.source)
        .where('external_id', 'in', inputs.map((i) => i.externalId))
        .execute()
    ).map((r) => r.external_id),
  );
  const result = await upsertContributions(context.db, context.config, inputs);
  const created = inputs.filter((i) => !existing.has(i.externalId)).map((i) => i.externalId);
  if (created.length) {
    const rows = await context.db
      .selectFrom('contributions')
      .innerJoin('members', 'members.id', 'contributions.member_id')
      .selectAll('contributions')
      .select('members.handle')
      .where('source', '=', caller.source)
      .where('external_id', 'in', created)
      .execute();
    for (const row of rows) if (row.review_state === 'counted') await notifyContributionCounted(context.notifier, { handle: row.handle }, row);
  }
  context.cache.clear();
  return { source: caller.source, inserted: result.inserted, updated: result.updated, unchanged: result.unchanged };
}
