// Searching the audit log: by actor, action (exact or a prefix such as "review."), subject and
// date range, newest first, in pages keyed by id, with the true count of what matches.
import type { Kysely } from 'kysely';
import { likePattern } from './reviews.js';
import type { AuditEntry, Database } from './schema.js';

export interface AuditFilters {
  actor?: string;
  /** "review.reject" exactly, or "review." for every review action. */
  action?: string;
  /** Words in the subject's type or id ("member alice", "contribution 42"). */
  subject?: string;
  /** YYYY-MM-DD, inclusive, UTC. */
  from?: string;
  to?: string;
}

function filtered(db: Kysely<Database>, filters: AuditFilters) {
  let query = db.selectFrom('audit_log');
  if (filters.actor) query = query.where('actor', 'ilike', likePattern(filters.actor));
  if (filters.action) query = filters.action.endsWith('.') ? query.where('action', 'like', `${filters.action.replace(/[\\%_]/g, (c) => `\\${c}`)}%`) : query.where('action', '=', filters.action);
  if (filters.subject) {
    const words = filters.subject.trim().split(/\s+/).slice(0, 2);
    if (words.length === 2) query = query.where('subject_type', '=', words[0]!).where('subject_id', 'ilike', likePattern(words[1]!));
    else query = query.where((eb) => eb.or([eb('subject_type', '=', words[0]!), eb('subject_id', 'ilike', likePattern(words[0]!))]));
  }
  if (filters.from) query = query.where('at', '>=', new Date(`${filters.from}T00:00:00Z`));
  if (filters.to) query = query.where('at', '<', new Date(new Date(`${filters.to}T00:00:00Z`).getTime() + 86_400_000));
  return query;
}

export async function searchAudit(db: Kysely<Database>, filters: AuditFilters, options: { limit: number; beforeId?: number }): Promise<{ entries: AuditEntry[]; total: number }> {
  const base = filtered(db, filters);
  const { n } = await base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  let page = base.selectAll().orderBy('id', 'desc').limit(options.limit);
  if (options.beforeId !== undefined) page = page.where('id', '<', options.beforeId);
  return { entries: await page.execute(), total: Number(n) };
}
