// `ambassador export`: members and contributions as JSON or CSV, in the same row shapes that
// `import` reads. Emails are private and left out unless asked for.
import { stringify } from 'csv-stringify/sync';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { contributionView } from '../store/views.js';

export interface ExportOptions {
  includeEmail?: boolean;
}

export async function exportMembers(db: Kysely<Database>, options: ExportOptions = {}) {
  const rows = await db.selectFrom('members').selectAll().orderBy('id').execute();
  return rows.map((member) => ({
    handle: member.handle,
    name: member.name,
    ...(options.includeEmail ? { email: member.email } : {}),
    joinedAt: member.joined_at,
    country: member.country,
    company: member.company,
    role: member.role,
    state: member.state,
  }));
}

export async function exportContributions(db: Kysely<Database>) {
  const rows = await db
    .selectFrom('contributions')
    .innerJoin('members', 'members.id', 'contributions.member_id')
    .selectAll('contributions')
    .select('members.handle')
    .orderBy('contributions.id')
    .execute();
  return rows.map((row) => {
    const { id: _id, reviewReason: _reason, ...view } = contributionView(row);
    return { handle: row.handle, ...view, metadata: row.metadata };
  });
}

export function toCsv(rows: Record<string, unknown>[]): string {
  if (rows.length === 0) return '';
  const columns = Object.keys(rows[0]!);
  return stringify(
    rows.map((row) =>
      columns.map((column) => {
        const value = row[column];
        if (value === null || value === undefined) return '';
        if (typeof value === 'object') return JSON.stringify(value);
        return neutralizeFormula(String(value));
      }),
    ),
    { header: true, columns },
  );
}

/** Cells starting with = + - @ are read as formulas by spreadsheets; upstream text is untrusted. */
function neutralizeFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) && !/^-?\d/.test(value) ? `'${value}` : value;
}
