// Contributions: recording them idempotently by (source, externalId), submissions for review,
// the review decisions, and listings. Points are derived by rescore.ts.
import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { toIsoDate } from '../domain/dates.js';
import { contributionDateProblem, type ContributionDateBounds } from '../domain/contribution-date.js';
import type { ProgramConfig } from '../domain/config-schema.js';
import { recordAudit } from './audit.js';
import { rescoreMembers } from './rescore.js';
import { UserError } from './errors.js';
import type { ContributionRow, Database, ReviewState } from './schema.js';

export interface ContributionInput {
  memberId: number;
  source: string;
  externalId: string;
  kind: string;
  title: string;
  url: string | null;
  occurredAt: string | Date;
  reviewState: ReviewState;
  evidenceUrl?: string | null;
  metadata?: Record<string, unknown>;
}

export interface UpsertResult {
  inserted: number;
  updated: number;
  unchanged: number;
  memberIds: number[];
}

const TITLE_MAX = 300;
const URL_MAX = 2000;

export function kindCategory(config: ProgramConfig, kind: string): string {
  const definition = config.kinds[kind];
  if (!definition) throw new UserError(`unknown kind "${kind}"; expected one of ${Object.keys(config.kinds).join(', ')}`);
  return definition.category;
}

/**
 * Inserts new contributions and refreshes known ones (title, url, date, metadata). A review
 * decision already taken (counted by a manager, rejected, excluded) is never overwritten.
 */
export async function upsertContributions(
  db: Kysely<Database>,
  config: ProgramConfig,
  inputs: ContributionInput[],
): Promise<UpsertResult> {
  const result: UpsertResult = { inserted: 0, updated: 0, unchanged: 0, memberIds: [] };
  const members = new Set<number>();
  const same = await unchangedKeys(db, inputs);
  for (const input of inputs) {
    if (same.has(upsertKey(input.source, input.externalId))) {
      result.unchanged += 1;
      continue;
    }
    const category = kindCategory(config, input.kind);
    const values = {
      member_id: input.memberId,
      source: input.source,
      external_id: input.externalId,
      kind: input.kind,
      category,
      title: input.title.slice(0, TITLE_MAX),
      url: input.url,
      occurred_at: new Date(input.occurredAt),
      review_state: input.reviewState,
      evidence_url: input.evidenceUrl ?? null,
      metadata: JSON.stringify(input.metadata ?? {}),
    };
    const row = await db
      .insertInto('contributions')
      .values(values)
      .onConflict((oc) =>
        oc.columns(['source', 'external_id']).doUpdateSet((eb) => ({
          kind: eb.ref('excluded.kind'),
          category: eb.ref('excluded.category'),
          title: eb.ref('excluded.title'),
          url: eb.ref('excluded.url'),
          occurred_at: eb.ref('excluded.occurred_at'),
          metadata: eb.ref('excluded.metadata'),
          evidence_url: eb.ref('excluded.evidence_url'),
          updated_at: new Date(),
        })).where((eb) =>
          eb.or([
            eb('contributions.kind', 'is distinct from', eb.ref('excluded.kind')),
            eb('contributions.title', 'is distinct from', eb.ref('excluded.title')),
            eb('contributions.url', 'is distinct from', eb.ref('excluded.url')),
            eb('contributions.occurred_at', 'is distinct from', eb.ref('excluded.occurred_at')),
            eb('contributions.metadata', 'is distinct from', eb.ref('excluded.metadata')),
            eb('contributions.evidence_url', 'is distinct from', eb.ref('excluded.evidence_url')),
          ]),
        ),
      )
      .returning(['member_id', sql<boolean>`(xmax = 0)`.as('inserted')])
      .executeTakeFirst();
    if (!row) {
      result.unchanged += 1;
      continue;
    }
    members.add(row.member_id);
    if (row.inserted) result.inserted += 1;
    else result.updated += 1;
  }
  result.memberIds = [...members];
  await rescoreMembers(db, config, result.memberIds);
  return result;
}

const upsertKey = (source: string, externalId: string) => `${source}\u0000${externalId}`;

/**
 * The inputs already stored exactly as they are, found with one read per 500. They are left
 * alone: an INSERT ... ON CONFLICT DO UPDATE ... WHERE that skips a row still locks it, which
 * writes WAL (and a full-page image after each checkpoint) for every unchanged contribution.
 */
async function unchangedKeys(db: Kysely<Database>, inputs: ContributionInput[]): Promise<Set<string>> {
  const same = new Set<string>();
  for (let start = 0; start < inputs.length; start += 500) {
    const rows = inputs.slice(start, start + 500).map((input) => ({
      source: input.source,
      external_id: input.externalId,
      kind: input.kind,
      title: input.title.slice(0, TITLE_MAX),
      url: input.url,
      occurred_at: new Date(input.occurredAt).toISOString(),
      metadata: input.metadata ?? {},
      evidence_url: input.evidenceUrl ?? null,
    }));
    const found = await sql<{ source: string; external_id: string }>`
      select c.source, c.external_id
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
        as v(source text, external_id text, kind text, title text, url text, occurred_at timestamptz, metadata jsonb, evidence_url text)
      join contributions c on c.source = v.source and c.external_id = v.external_id
      where c.kind = v.kind and c.title = v.title and c.url is not distinct from v.url and c.occurred_at = v.occurred_at
        and c.metadata = v.metadata and c.evidence_url is not distinct from v.evidence_url`.execute(db);
    for (const row of found.rows) same.add(upsertKey(row.source, row.external_id));
  }
  return same;
}

export interface SubmissionInput {
  memberId: number;
  category: string;
  kind: string;
  title: string;
  url: string;
  date: string;
  evidenceUrl?: string | null;
}

export function validateSubmission(config: ProgramConfig, input: SubmissionInput, bounds?: ContributionDateBounds): string[] {
  const problems: string[] = [];
  const kind = config.kinds[input.kind];
  if (!kind) {
    problems.push(`kind: expected one of ${Object.keys(config.kinds).join(', ')}, got "${input.kind.slice(0, 60)}"`);
  } else {
    if (kind.category !== input.category) {
      problems.push(`category: the kind ${input.kind} belongs to ${kind.category}, got "${input.category}"`);
    }
    if (!kind.submittable) problems.push(`kind: ${input.kind} is tracked automatically and cannot be submitted`);
  }
  if (!input.title.trim()) problems.push('title: expected a non-empty text');
  if (input.title.length > TITLE_MAX) problems.push(`title: expected at most ${TITLE_MAX} characters`);
  if (input.url.length > URL_MAX || !isHttpUrl(input.url)) problems.push(`url: expected an http(s) URL of at most ${URL_MAX} characters, got "${input.url.slice(0, 80)}"`);
  if (input.evidenceUrl && (input.evidenceUrl.length > URL_MAX || !isHttpUrl(input.evidenceUrl))) {
    problems.push(`evidence: expected an http(s) URL of at most ${URL_MAX} characters, got "${input.evidenceUrl.slice(0, 80)}"`);
  }
  // Without bounds (a dry check), only the calendar is asked: any day from year 1 to 9999.
  const dateProblem = contributionDateProblem(input.date, bounds ?? { joinedAt: '0001-01-01', today: '9999-12-31' });
  if (dateProblem) problems.push(`date: ${dateProblem}`);
  return problems;
}

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** A contribution no source can see, submitted with evidence; it waits for a manager's review. */
export async function submitContribution(
  db: Kysely<Database>,
  config: ProgramConfig,
  input: SubmissionInput,
  actor: string,
  today: string,
): Promise<ContributionRow> {
  const member = await db.selectFrom('members').select('joined_at').where('id', '=', input.memberId).executeTakeFirst();
  if (!member) throw new UserError(`no member #${input.memberId}`, 'not_found');
  const problems = validateSubmission(config, input, { joinedAt: member.joined_at, today });
  if (problems.length > 0) throw new UserError(problems.join('; '));
  return db.transaction().execute(async (trx) => {
    const duplicate = await trx
      .selectFrom('contributions')
      .select('id')
      .where('member_id', '=', input.memberId)
      .where('source', '=', 'submission')
      .where('url', '=', input.url)
      .where('kind', '=', input.kind)
      .executeTakeFirst();
    if (duplicate) throw new UserError(`this contribution was already submitted (#${duplicate.id})`, 'conflict');
    const row = await trx
      .insertInto('contributions')
      .values({
        member_id: input.memberId,
        source: 'submission',
        external_id: submissionId(input),
        kind: input.kind,
        category: input.category,
        title: input.title.trim(),
        url: input.url,
        occurred_at: `${input.date}T12:00:00Z`,
        review_state: 'pending',
        evidence_url: input.evidenceUrl ?? null,
        metadata: JSON.stringify({}),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, { actor, action: 'contribution.submit', subjectType: 'contribution', subjectId: row.id });
    await trx.insertInto('review_events').values({ contribution_id: row.id, action: 'submitted', actor_id: input.memberId }).execute();
    await rescoreMembers(trx, config, [input.memberId]);
    return requireContribution(trx, row.id);
  });
}

/** Stable, so the same submission twice is one contribution whatever the engine. */
function submissionId(input: SubmissionInput): string {
  return createHash('sha256').update(`${input.memberId}|${input.kind}|${input.url}`).digest('hex').slice(0, 24);
}

export async function requireContribution(db: Kysely<Database>, id: number): Promise<ContributionRow> {
  const row = await db.selectFrom('contributions').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new UserError(`no contribution #${id}`, 'not_found');
  return row;
}

export async function decideReview(
  db: Kysely<Database>,
  config: ProgramConfig,
  id: number,
  decision: { approve: boolean; reason?: string | null; reviewerId?: number | null },
  actor: string,
): Promise<ContributionRow> {
  if (!decision.approve && !decision.reason?.trim()) throw new UserError('a rejection needs a reason');
  return db.transaction().execute(async (trx) => {
    const row = await requireContribution(trx, id);
    if (row.review_state !== 'pending') {
      throw new UserError(`contribution #${id} is ${row.review_state}, not pending review`, 'conflict');
    }
    if (decision.reviewerId !== undefined && decision.reviewerId === row.member_id) {
      throw new UserError('nobody reviews their own contribution', 'forbidden');
    }
    const updated = await trx
      .updateTable('contributions')
      .set({
        review_state: decision.approve ? 'counted' : 'rejected',
        changes_requested: false,
        review_reason: decision.reason?.trim() || null,
        reviewed_by: decision.reviewerId ?? null,
        reviewed_at: new Date(),
        updated_at: new Date(),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('review_events')
      .values({ contribution_id: id, action: decision.approve ? 'approved' : 'rejected', actor_id: decision.reviewerId ?? null, note: decision.reason?.trim().slice(0, 2000) || null })
      .execute();
    await recordAudit(trx, {
      actor,
      action: decision.approve ? 'review.approve' : 'review.reject',
      subjectType: 'contribution',
      subjectId: id,
      reason: decision.reason ?? null,
    });
    // A rejection frees a place under the caps for the member's other contributions.
    await rescoreMembers(trx, config, [row.member_id]);
    return requireContribution(trx, updated.id);
  });
}

export interface ReviewItem extends ContributionRow {
  handle: string;
  member_name: string;
}

export async function listPendingReviews(db: Kysely<Database>, limit = 200): Promise<ReviewItem[]> {
  return db
    .selectFrom('contributions')
    .innerJoin('members', 'members.id', 'contributions.member_id')
    .selectAll('contributions')
    .select(['members.handle as handle', 'members.name as member_name'])
    .where('contributions.review_state', '=', 'pending')
    .orderBy('contributions.created_at')
    .orderBy('contributions.id')
    .limit(limit)
    .execute();
}

export async function listMemberContributions(
  db: Kysely<Database>,
  memberId: number,
  options: { year?: number; states?: ReviewState[] } = {},
): Promise<ContributionRow[]> {
  let query = db
    .selectFrom('contributions')
    .selectAll()
    .where('member_id', '=', memberId)
    .orderBy('occurred_at', 'desc')
    .orderBy('id', 'desc');
  if (options.year !== undefined) {
    query = query
      .where('occurred_at', '>=', new Date(Date.UTC(options.year, 0, 1)))
      .where('occurred_at', '<', new Date(Date.UTC(options.year + 1, 0, 1)));
  }
  if (options.states) query = query.where('review_state', 'in', options.states);
  return query.execute();
}

export function contributionDate(row: Pick<ContributionRow, 'occurred_at'>): string {
  return toIsoDate(row.occurred_at);
}
