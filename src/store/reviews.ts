// The review desk's store: the queue with its true count, filters and pages; the thread of
// each review (review_events); assignment, change requests, revoking an approval. The
// person's side (editing, withdrawing, resubmitting) is in own-submissions.ts. Every change
// is audited in the same transaction.
import { sql, type Kysely } from 'kysely';
import type { ProgramConfig } from '../domain/config-schema.js';
import { toIsoDate } from '../domain/dates.js';
import { recordAudit } from './audit.js';
import { requireContribution } from './contributions.js';
import { UserError } from './errors.js';
import { rescoreMembers } from './rescore.js';
import type { ContributionRow, Database, ReviewAction } from './schema.js';

export const REVIEW_PAGE_SIZE = 25;

export interface ReviewFilters {
  category?: string;
  kind?: string;
  /** 'submission' or the name of a source; 'sources' = everything found by a source. */
  source?: string;
  /** A member's handle. */
  member?: string;
  /** Waiting at least this many days. */
  olderThanDays?: number;
  /** Words in the title or the link. */
  search?: string;
  /** 'me' (the viewer), 'none', or a manager's member id. */
  assigned?: 'me' | 'none' | number;
  sort?: 'oldest' | 'newest';
}

export interface DeskItem extends ContributionRow {
  handle: string;
  member_name: string;
  member_joined_at: string;
  member_role: string;
  assignee_handle: string | null;
}

export interface Anomaly {
  code: 'before-joining' | 'future' | 'url-counted' | 'burst';
  text: string;
}

export interface MemberContext {
  counted: number;
  rejected: number;
  pending: number;
  verifiedIdentities: number;
  lastCounted: string | null;
}

/** Characters that mean something to LIKE are taken literally. */
export function likePattern(text: string): string {
  return `%${text.slice(0, 200).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function filtered(db: Kysely<Database>, filters: ReviewFilters, viewerId: number, now: Date) {
  let query = db
    .selectFrom('contributions')
    .innerJoin('members', 'members.id', 'contributions.member_id')
    .where('contributions.review_state', '=', 'pending');
  if (filters.category) query = query.where('contributions.category', '=', filters.category);
  if (filters.kind) query = query.where('contributions.kind', '=', filters.kind);
  if (filters.source === 'sources') query = query.where('contributions.source', '<>', 'submission');
  else if (filters.source) query = query.where('contributions.source', '=', filters.source);
  if (filters.member)
    query = query.where(sql<string>`lower(members.handle)`, '=', filters.member.toLowerCase());
  if (filters.olderThanDays !== undefined)
    query = query.where(
      'contributions.created_at',
      '<=',
      new Date(now.getTime() - filters.olderThanDays * 86_400_000),
    );
  if (filters.search) {
    const pattern = likePattern(filters.search);
    query = query.where((eb) =>
      eb.or([eb('contributions.title', 'ilike', pattern), eb('contributions.url', 'ilike', pattern)]),
    );
  }
  if (filters.assigned === 'me') query = query.where('contributions.assigned_to', '=', viewerId);
  else if (filters.assigned === 'none') query = query.where('contributions.assigned_to', 'is', null);
  else if (typeof filters.assigned === 'number')
    query = query.where('contributions.assigned_to', '=', filters.assigned);
  return query;
}

/** One page of the queue and the true count of everything the filters match. */
export async function listReviewDesk(
  db: Kysely<Database>,
  filters: ReviewFilters,
  options: { page: number; viewerId: number; now: Date; pageSize?: number },
): Promise<{ items: DeskItem[]; total: number; allPending: number }> {
  const size = options.pageSize ?? REVIEW_PAGE_SIZE;
  const base = filtered(db, filters, options.viewerId, options.now);
  const [countRow, allRow] = await Promise.all([
    base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
    db
      .selectFrom('contributions')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('review_state', '=', 'pending')
      .executeTakeFirstOrThrow(),
  ]);
  const direction = filters.sort === 'newest' ? 'desc' : 'asc';
  const items = await base
    .leftJoin('members as assignee', 'assignee.id', 'contributions.assigned_to')
    .selectAll('contributions')
    .select([
      'members.handle as handle',
      'members.name as member_name',
      'members.joined_at as member_joined_at',
      'members.role as member_role',
      'assignee.handle as assignee_handle',
    ])
    .orderBy('contributions.created_at', direction)
    .orderBy('contributions.id', direction)
    .limit(size)
    .offset((options.page - 1) * size)
    .execute();
  return { items, total: Number(countRow.n), allPending: Number(allRow.n) };
}

/** What the reviewer should look at twice, for each item of a page. */
export async function anomaliesOf(
  db: Kysely<Database>,
  items: DeskItem[],
  now: Date,
): Promise<Map<number, Anomaly[]>> {
  const result = new Map<number, Anomaly[]>(items.map((item) => [item.id, []]));
  if (items.length === 0) return result;
  const today = toIsoDate(now);
  for (const item of items) {
    const date = toIsoDate(item.occurred_at);
    if (date < item.member_joined_at)
      result
        .get(item.id)!
        .push({
          code: 'before-joining',
          text: `Dated ${date}, before they joined on ${item.member_joined_at}.`,
        });
    if (date > today) result.get(item.id)!.push({ code: 'future', text: `Dated ${date}, in the future.` });
  }
  const urls = [...new Set(items.map((i) => i.url).filter((u): u is string => Boolean(u)))];
  if (urls.length) {
    const counted = await db
      .selectFrom('contributions')
      .innerJoin('members', 'members.id', 'contributions.member_id')
      .select(['contributions.id', 'contributions.url', 'members.handle'])
      .where('contributions.url', 'in', urls)
      .where('contributions.review_state', '=', 'counted')
      .execute();
    for (const item of items) {
      const twin = counted.find((row) => row.url === item.url && row.id !== item.id);
      if (twin)
        result
          .get(item.id)!
          .push({ code: 'url-counted', text: `This link already counts (#${twin.id}, @${twin.handle}).` });
    }
  }
  // A burst: five or more items of the same kind by the same person within a day of this one.
  const pairs = [...new Set(items.map((i) => `${i.member_id}|${i.kind}`))];
  const memberIds = [...new Set(items.map((i) => i.member_id))];
  const recent = await db
    .selectFrom('contributions')
    .select(['member_id', 'kind', 'created_at'])
    .where('member_id', 'in', memberIds)
    .where('created_at', '>=', new Date(Math.min(...items.map((i) => i.created_at.getTime())) - 86_400_000))
    .where('created_at', '<=', new Date(Math.max(...items.map((i) => i.created_at.getTime())) + 86_400_000))
    .execute();
  for (const item of items) {
    if (!pairs.includes(`${item.member_id}|${item.kind}`)) continue;
    const near = recent.filter(
      (r) =>
        r.member_id === item.member_id &&
        r.kind === item.kind &&
        Math.abs(r.created_at.getTime() - item.created_at.getTime()) <= 86_400_000,
    ).length;
    if (near >= 5)
      result
        .get(item.id)!
        .push({ code: 'burst', text: `${near} items of this kind from @${item.handle} within a day.` });
  }
  return result;
}

/** The member's record, beside each item. */
export async function memberContexts(
  db: Kysely<Database>,
  memberIds: number[],
): Promise<Map<number, MemberContext>> {
  const result = new Map<number, MemberContext>();
  if (memberIds.length === 0) return result;
  const ids = [...new Set(memberIds)];
  const rows = await db
    .selectFrom('contributions')
    .select([
      'member_id',
      'review_state',
      (eb) => eb.fn.countAll<string>().as('n'),
      (eb) => eb.fn.max('occurred_at').as('last'),
    ])
    .where('member_id', 'in', ids)
    .groupBy(['member_id', 'review_state'])
    .execute();
  const identities = await db
    .selectFrom('identities')
    .select(['member_id', (eb) => eb.fn.countAll<string>().as('n')])
    .where('member_id', 'in', ids)
    .where('verified_at', 'is not', null)
    .groupBy('member_id')
    .execute();
  for (const id of ids) {
    const of = (state: string) =>
      Number(rows.find((r) => r.member_id === id && r.review_state === state)?.n ?? 0);
    const last = rows.find((r) => r.member_id === id && r.review_state === 'counted')?.last;
    result.set(id, {
      counted: of('counted'),
      rejected: of('rejected'),
      pending: of('pending'),
      verifiedIdentities: Number(identities.find((r) => r.member_id === id)?.n ?? 0),
      lastCounted: last ? toIsoDate(last as Date) : null,
    });
  }
  return result;
}

export async function recordReviewEvent(
  db: Kysely<Database>,
  contributionId: number,
  action: ReviewAction,
  actorId: number | null,
  note: string | null = null,
): Promise<void> {
  await db
    .insertInto('review_events')
    .values({
      contribution_id: contributionId,
      action,
      actor_id: actorId,
      note: note?.slice(0, 2000) ?? null,
    })
    .execute();
}

export interface ThreadEntry {
  action: ReviewAction;
  note: string | null;
  at: Date;
  actor_handle: string | null;
}

export async function reviewThread(db: Kysely<Database>, contributionId: number): Promise<ThreadEntry[]> {
  return db
    .selectFrom('review_events')
    .leftJoin('members', 'members.id', 'review_events.actor_id')
    .select([
      'review_events.action',
      'review_events.note',
      'review_events.at',
      'members.handle as actor_handle',
    ])
    .where('review_events.contribution_id', '=', contributionId)
    .orderBy('review_events.id')
    .execute();
}

/** Assigns a pending item to a manager (or to nobody). */
export async function assignReview(
  db: Kysely<Database>,
  id: number,
  assigneeId: number | null,
  by: { id: number; actor: string },
): Promise<ContributionRow> {
  return db.transaction().execute(async (trx) => {
    const row = await requireContribution(trx, id);
    if (row.review_state !== 'pending')
      throw new UserError(`contribution #${id} is not pending review`, 'conflict');
    if (assigneeId !== null) {
      const assignee = await trx
        .selectFrom('members')
        .select(['role', 'state'])
        .where('id', '=', assigneeId)
        .executeTakeFirst();
      if (!assignee || assignee.role === 'ambassador' || assignee.state !== 'registered')
        throw new UserError('items are assigned to a program manager', 'invalid');
    }
    await trx.updateTable('contributions').set({ assigned_to: assigneeId }).where('id', '=', id).execute();
    await recordReviewEvent(trx, id, 'assigned', by.id, assigneeId === null ? 'unassigned' : null);
    await recordAudit(trx, {
      actor: by.actor,
      action: 'review.assign',
      subjectType: 'contribution',
      subjectId: id,
      details: { assignedTo: assigneeId },
    });
    return requireContribution(trx, id);
  });
}

/** A pending item sent back: the person edits it and resubmits. */
export async function requestChanges(
  db: Kysely<Database>,
  config: ProgramConfig,
  id: number,
  reason: string,
  by: { id: number; actor: string },
): Promise<ContributionRow> {
  return sendBack(db, config, id, reason, by, {
    from: 'pending',
    changesRequested: true,
    event: 'changes_requested',
    audit: 'review.request-changes',
    noReason: 'a change request needs a reason saying what to change',
    own: 'nobody reviews their own contribution',
  });
}

/** Takes back an approval: the item stops counting; the reason is kept, audited and sent. */
export async function revokeApproval(
  db: Kysely<Database>,
  config: ProgramConfig,
  id: number,
  reason: string,
  by: { id: number; actor: string },
): Promise<ContributionRow> {
  return sendBack(db, config, id, reason, by, {
    from: 'counted',
    changesRequested: false,
    event: 'revoked',
    audit: 'review.revoke',
    noReason: 'revoking an approval needs a reason',
    own: 'nobody decides on their own contribution',
  });
}

/** A decision that rejects an item with a reason (a change request, a revoked approval). */
async function sendBack(
  db: Kysely<Database>,
  config: ProgramConfig,
  id: number,
  reason: string,
  by: { id: number; actor: string },
  how: { from: 'pending' | 'counted'; changesRequested: boolean; event: ReviewAction; audit: string; noReason: string; own: string },
): Promise<ContributionRow> {
  const why = reason.trim();
  if (!why) throw new UserError(how.noReason);
  return db.transaction().execute(async (trx) => {
    const row = await requireContribution(trx, id);
    if (row.review_state !== how.from)
      throw new UserError(`contribution #${id} is ${row.review_state}, not ${how.from === 'pending' ? 'pending review' : 'counted'}`, 'conflict');
    if (row.member_id === by.id) throw new UserError(how.own, 'forbidden');
    const now = new Date();
    await trx
      .updateTable('contributions')
      .set({ review_state: 'rejected', changes_requested: how.changesRequested, review_reason: why, reviewed_by: by.id, reviewed_at: now, updated_at: now })
      .where('id', '=', id)
      .execute();
    await recordReviewEvent(trx, id, how.event, by.id, why);
    await recordAudit(trx, { actor: by.actor, action: how.audit, subjectType: 'contribution', subjectId: id, reason: why });
    await rescoreMembers(trx, config, [row.member_id]);
    return requireContribution(trx, id);
  });
}
