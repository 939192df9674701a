// The audit log: who did what to whom, when and why. Written in the same transaction as the
// action it records, so an action and its audit entry exist together or not at all.
import type { Kysely } from 'kysely';
import type { AuditEntry, Database } from './schema.js';

export interface AuditInput {
  actor: string;
  action: string;
  subjectType: string;
  subjectId?: string | number | null;
  reason?: string | null;
  details?: Record<string, unknown>;
}

export async function recordAudit(db: Kysely<Database>, entry: AuditInput): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      actor: entry.actor,
      action: entry.action,
      subject_type: entry.subjectType,
      subject_id: entry.subjectId === undefined || entry.subjectId === null ? null : String(entry.subjectId),
      reason: entry.reason ?? null,
      details: JSON.stringify(entry.details ?? {}),
    })
    .execute();
}

export async function listAudit(
  db: Kysely<Database>,
  options: { limit?: number; beforeId?: number; action?: string } = {},
): Promise<AuditEntry[]> {
  let query = db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(options.limit ?? 100);
  if (options.beforeId !== undefined) query = query.where('id', '<', options.beforeId);
  if (options.action) query = query.where('action', '=', options.action);
  return query.execute();
}
