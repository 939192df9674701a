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

/**
 * Text a spreadsheet would run as a formula gets a leading apostrophe (OWASP "CSV injection"):
 * a cell starting with = + - @, a tab, a carriage return or a line feed, also after leading
 * spaces, and the full-width forms some spreadsheets accept. A plain number stays a number.
 * Upstream and member text is untrusted; `-1+cmd|' /C calc'!A0` starts with a digit after
 * the minus and is neutralised too.
 */
export function neutralizeFormula(value: string): string {
  if (PLAIN_NUMBER.test(value)) return value;
  let i = 0;
  while (i < value.length && value[i] === ' ') i += 1;
  const first = value[i];
  if (i > 0 && first === undefined) return value;
  return first !== undefined && FORMULA_TRIGGERS.has(first) ? `'${value}` : value;
}

const PLAIN_NUMBER = /^-?\d{1,30}(?:\.\d{1,30})?$/;
const FORMULA_TRIGGERS = new Set(['=', '+', '-', '@', '\t', '\r', '\n', '\uff1d', '\uff0b', '\uff0d', '\uff20']);
