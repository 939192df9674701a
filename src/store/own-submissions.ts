// The person's side of a review: editing or withdrawing their own pending submission, and
// resubmitting after a rejection or a change request (it waits again; the thread keeps both).
// Every change is audited in the same transaction.
import type { Kysely } from 'kysely';
import type { ProgramConfig } from '../domain/config-schema.js';
import { recordAudit } from './audit.js';
import { requireContribution, validateSubmission } from './contributions.js';
import { UserError } from './errors.js';
import { rescoreMembers } from './rescore.js';
import { recordReviewEvent } from './reviews.js';
import type { ContributionRow, Database } from './schema.js';

export interface SubmissionEdit {
  kind: string;
  title: string;
  url: string;
  date: string;
  evidenceUrl: string | null;
}

/**
 * The person changes their own submission: while it waits (edited), or after a rejection or
 * a change request (resubmitted: it waits again, the thread keeps both).
 */
export async function editSubmission(
  db: Kysely<Database>,
  config: ProgramConfig,
  id: number,
  memberId: number,
  edit: SubmissionEdit,
  actor: string,
  today: string,
): Promise<ContributionRow> {
  return db.transaction().execute(async (trx) => {
    const row = await ownSubmission(trx, id, memberId);
    if (row.review_state === 'counted' || row.review_state === 'excluded')
      throw new UserError('a counted contribution cannot be edited', 'conflict');
    const member = await trx
      .selectFrom('members')
      .select('joined_at')
      .where('id', '=', memberId)
      .executeTakeFirstOrThrow();
    const input = {
      memberId,
      kind: edit.kind,
      category: config.kinds[edit.kind]?.category ?? '',
      title: edit.title,
      url: edit.url,
      date: edit.date,
      evidenceUrl: edit.evidenceUrl,
    };
    const problems = validateSubmission(config, input, { joinedAt: member.joined_at, today });
    if (problems.length) throw new UserError(problems.join('; '));
    const duplicate = await trx
      .selectFrom('contributions')
      .select('id')
      .where('member_id', '=', memberId)
      .where('source', '=', 'submission')
      .where('url', '=', edit.url)
      .where('kind', '=', edit.kind)
      .where('id', '<>', id)
      .executeTakeFirst();
    if (duplicate)
      throw new UserError(`this contribution was already submitted (#${duplicate.id})`, 'conflict');
    const resubmitted = row.review_state === 'rejected';
    await trx
      .updateTable('contributions')
      .set({
        kind: edit.kind,
        category: input.category,
        title: edit.title.trim(),
        url: edit.url,
        occurred_at: `${edit.date}T12:00:00Z`,
        evidence_url: edit.evidenceUrl,
        review_state: 'pending',
        changes_requested: false,
        ...(resubmitted ? { review_reason: null, reviewed_at: null, reviewed_by: null } : {}),
        updated_at: new Date(),
      })
      .where('id', '=', id)
      .execute();
    await recordReviewEvent(trx, id, resubmitted ? 'resubmitted' : 'edited', memberId);
    await recordAudit(trx, {
      actor,
      action: resubmitted ? 'contribution.resubmit' : 'contribution.edit',
      subjectType: 'contribution',
      subjectId: id,
    });
    await rescoreMembers(trx, config, [memberId]);
    return requireContribution(trx, id);
  });
}

/** The person takes back a submission that waits (or was not approved): it is deleted. */
export async function withdrawSubmission(
  db: Kysely<Database>,
  config: ProgramConfig,
  id: number,
  memberId: number,
  actor: string,
): Promise<ContributionRow> {
  return db.transaction().execute(async (trx) => {
    const row = await ownSubmission(trx, id, memberId);
    if (row.review_state !== 'pending' && row.review_state !== 'rejected')
      throw new UserError(
        'only a submission waiting for review or not approved can be withdrawn',
        'conflict',
      );
    await trx.deleteFrom('contributions').where('id', '=', id).execute();
    await recordAudit(trx, {
      actor,
      action: 'contribution.withdraw',
      subjectType: 'contribution',
      subjectId: id,
    });
    await rescoreMembers(trx, config, [memberId]);
    return row;
  });
}

export async function ownSubmission(
  db: Kysely<Database>,
  id: number,
  memberId: number,
): Promise<ContributionRow> {
  const row =
    Number.isSafeInteger(id) && id > 0 && id <= 2_147_483_647
      ? await db
          .selectFrom('contributions')
          .selectAll()
          .where('id', '=', id)
          .where('member_id', '=', memberId)
          .where('source', '=', 'submission')
          .executeTakeFirst()
      : undefined;
  if (!row) throw new UserError('no such submission of yours', 'not_found');
  return row;
}
