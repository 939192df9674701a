// `ambassador import FILE`: members or contributions from CSV or JSON. Every row is checked
// first and every bad row reported with its line; only a file without problems is applied,
// in one transaction, idempotently (members by handle, contributions by source + external id).
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { sql, type Kysely } from 'kysely';
import type { ProgramConfig } from '../domain/config-schema.js';
import { recordAudit } from '../store/audit.js';
import { upsertContributions, type ContributionInput } from '../store/contributions.js';
import { UserError } from '../store/errors.js';
import type { Database } from '../store/schema.js';
import { camelKeys, contributionRowSchema, memberRowSchema, type ContributionImportRow, type MemberRow } from './rows.js';

interface SourceRow {
  /** "line 4" for CSV, "row 3" for JSON */
  where: string;
  record: Record<string, unknown>;
}

export interface ImportOutcome {
  members: { inserted: number; updated: number; unchanged: number };
  contributions: { inserted: number; updated: number; unchanged: number };
}

export function readImportFile(file: string): { members: SourceRow[]; contributions: SourceRow[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UserError(`cannot read ${file}: ${(error as Error).message}`);
  }
  return /\.json$/i.test(file) || /^\s*[[{]/.test(text) ? splitJson(text, file) : splitCsv(text, file);
}

function splitJson(text: string, file: string) {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UserError(`${file}: not valid JSON: ${(error as Error).message}`);
  }
  const asRows = (list: unknown, label: string): SourceRow[] => {
    if (!Array.isArray(list)) throw new UserError(`${file}: expected "${label}" to be a list`);
    return list.map((record, index) => ({
      where: `${label} row ${index + 1}`,
      record: typeof record === 'object' && record !== null ? camelKeys(record as Record<string, unknown>) : {},
    }));
  };
  if (Array.isArray(data)) {
    const rows = asRows(data, 'row');
    return isContributionList(rows) ? { members: [], contributions: rows } : { members: rows, contributions: [] };
  }
  if (typeof data === 'object' && data !== null) {
    const object = data as Record<string, unknown>;
    return {
      members: object.members === undefined ? [] : asRows(object.members, 'members'),
      contributions: object.contributions === undefined ? [] : asRows(object.contributions, 'contributions'),
    };
  }
  throw new UserError(`${file}: expected a list of rows or {"members": [...], "contributions": [...]}`);
}

function splitCsv(text: string, file: string) {
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(text, { columns: true, skip_empty_lines: true, trim: true, bom: true, info: true }) as never;
  } catch (error) {
    throw new UserError(`${file}: ${(error as Error).message}`);
  }
  // info.lines is the line the record ends on; the header is line 1.
  const rows = records.map(({ record, info }) => ({ where: `line ${info.lines}`, record: camelKeys(record) }));
  return isContributionList(rows) ? { members: [], contributions: rows } : { members: rows, contributions: [] };
}

function isContributionList(rows: SourceRow[]): boolean {
  const first = rows[0]?.record ?? {};
  return 'externalId' in first || 'source' in first || 'kind' in first;
}

export async function importFile(
  db: Kysely<Database>,
  config: ProgramConfig,
  file: string,
  actor: string,
): Promise<ImportOutcome> {
  const split = readImportFile(file);
  const problems: string[] = [];
  const members = validate(split.members, memberRowSchema, problems) as (MemberRow & { where: string })[];
  const contributions = validate(split.contributions, contributionRowSchema, problems) as (ContributionImportRow & {
    where: string;
  })[];
  for (const row of contributions) {
    const kind = config.kinds[row.kind];
    if (!kind) problems.push(`${row.where}: kind: expected one of ${Object.keys(config.kinds).join(', ')}, got "${row.kind}"`);
    else if (row.category && row.category !== kind.category) {
      problems.push(`${row.where}: category: the kind ${row.kind} belongs to ${kind.category}, got "${row.category}"`);
    }
    if (typeof row.metadata === 'string' && row.metadata.trim()) {
      try {
        const parsed = JSON.parse(row.metadata);
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      } catch {
        problems.push(`${row.where}: metadata: expected a JSON object`);
      }
    }
  }
  if (problems.length > 0) throw new UserError(`${file}: nothing imported; fix these rows:\n  ${problems.join('\n  ')}`);

  return db.transaction().execute(async (trx) => {
    const outcome: ImportOutcome = {
      members: { inserted: 0, updated: 0, unchanged: 0 },
      contributions: { inserted: 0, updated: 0, unchanged: 0 },
    };
    for (const row of members) await upsertMember(trx, row, outcome);
    const inputs: ContributionInput[] = [];
    const handles = new Map<string, number>();
    for (const row of contributions) {
      const key = row.handle.toLowerCase();
      if (!handles.has(key)) {
        const member = await trx
          .selectFrom('members')
          .select('id')
          .where(sql<string>`lower(handle)`, '=', key)
          .executeTakeFirst();
        if (!member) throw new UserError(`${file}: ${row.where}: handle: no member "${row.handle}"; nothing imported`);
        handles.set(key, member.id);
      }
      inputs.push({
        memberId: handles.get(key)!,
        source: row.source,
        externalId: row.externalId,
        kind: row.kind,
        title: row.title,
        url: row.url,
        occurredAt: /^\d{4}-\d{2}-\d{2}$/.test(row.occurredAt) ? `${row.occurredAt}T12:00:00Z` : row.occurredAt,
        reviewState: row.reviewState,
        evidenceUrl: row.evidenceUrl,
        metadata: typeof row.metadata === 'string' ? (row.metadata.trim() ? JSON.parse(row.metadata) : {}) : (row.metadata ?? {}),
      });
    }
    const result = await upsertContributions(trx, config, inputs);
    outcome.contributions = { inserted: result.inserted, updated: result.updated, unchanged: result.unchanged };
    await recordAudit(trx, { actor, action: 'data.import', subjectType: 'file', subjectId: file, details: { ...outcome } });
    return outcome;
  });
}

function validate<T>(rows: SourceRow[], schema: { safeParse(value: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }, problems: string[]) {
  const valid: (T & { where: string })[] = [];
  for (const row of rows) {
    const parsed = schema.safeParse(row.record);
    if (parsed.success) valid.push({ ...parsed.data, where: row.where });
    else for (const issue of parsed.error.issues) problems.push(`${row.where}: ${issue.path.map(String).join('.')}: ${issue.message}`);
  }
  return valid;
}

async function upsertMember(db: Kysely<Database>, row: MemberRow, outcome: ImportOutcome): Promise<void> {
  const existing = await db
    .selectFrom('members')
    .selectAll()
    .where(sql<string>`lower(handle)`, '=', row.handle.toLowerCase())
    .executeTakeFirst();
  if (!existing) {
    const inserted = await db
      .insertInto('members')
      .values({
        handle: row.handle,
        name: row.name,
        email: row.email,
        joined_at: row.joinedAt,
        country: row.country,
        company: row.company,
        role: row.role,
        state: row.state,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('status_changes')
      .values({ member_id: inserted.id, to_status: row.state, effective_on: row.joinedAt, actor: 'import', reason: 'imported' })
      .execute();
    outcome.members.inserted += 1;
    return;
  }
  const same =
    existing.name === row.name &&
    existing.country === row.country &&
    existing.company === row.company &&
    existing.joined_at === row.joinedAt &&
    (row.email === null || existing.email === row.email);
  if (same) {
    outcome.members.unchanged += 1;
    return;
  }
  await db
    .updateTable('members')
    .set({
      name: row.name,
      country: row.country,
      company: row.company,
      joined_at: row.joinedAt,
      ...(row.email ? { email: row.email } : {}),
      updated_at: new Date(),
    })
    .where('id', '=', existing.id)
    .execute();
  outcome.members.updated += 1;
}
