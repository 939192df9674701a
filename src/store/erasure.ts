// Erasure that erases: when a person is removed, every trace of them outside the rows that
// cascade with their member row goes too. What identifies them (handle, name, email, the
// identities they linked, the actor name they acted under) is looked for in the audit log,
// other people's status history and contributions, award snapshots, sync cursors and run
// records, stored upstream responses, rate-limit counters and API tokens. A published award
// keeps its hash and rank and shows the person as "a former ambassador"; the snapshot records
// that a redaction happened, and why. Called by removeMember, inside its transaction.
import { sql, type Kysely } from 'kysely';
import type { Database, Member } from './schema.js';

export const FORMER_AMBASSADOR = 'a former ambassador';

export interface ErasedPerson {
  member: Pick<Member, 'id' | 'handle' | 'name' | 'email'>;
  identities: { platform: string; externalId: string }[];
  /** Other names they are known by (a GitHub user id from sign-in, ...). */
  extraMarkers?: string[];
}

export interface ErasureReport {
  auditRows: number;
  statusRows: number;
  contributionRows: number;
  awardSnapshots: number;
  cursors: number;
  syncRuns: number;
  validators: number;
  rateLimitKeys: number;
  apiTokens: number;
  identitiesTrusted: number;
}

/** What identifies the person: the strings that must not survive them. */
export function markersOf(person: ErasedPerson): string[] {
  const { member } = person;
  const markers = [member.handle, member.name, member.email ?? '', `web:${member.handle}`, ...(person.extraMarkers ?? [])];
  for (const identity of person.identities) {
    markers.push(identity.externalId, `${identity.platform}:${identity.externalId}`);
    // A Discourse identity is FORUM:USERNAME: the username alone identifies them on that forum.
    if (identity.platform === 'discourse') markers.push(identity.externalId.slice(identity.externalId.lastIndexOf(':') + 1));
    // A URL identity also appears without its scheme or trailing slash.
    if (/^https?:\/\//i.test(identity.externalId)) markers.push(identity.externalId.replace(/^https?:\/\//i, '').split('#')[0]!.replace(/\/$/, ''));
  }
  const cleaned = markers.map((m) => m.trim()).filter((m) => m.length >= 2);
  // Longest first, so a URL is replaced whole before the login inside it.
  return [...new Set(cleaned)].sort((a, b) => b.length - a.length);
}

const isWordChar = (code: number) => (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);

/** Where `marker` occurs in `text` as a whole token (not inside a longer word), case-insensitively. */
function findToken(lower: string, marker: string, from: number): number {
  let at = lower.indexOf(marker, from);
  while (at !== -1) {
    const before = at === 0 ? 0 : lower.charCodeAt(at - 1);
    const after = at + marker.length >= lower.length ? 0 : lower.charCodeAt(at + marker.length);
    const startsWord = isWordChar(marker.charCodeAt(0));
    const endsWord = isWordChar(marker.charCodeAt(marker.length - 1));
    if (!(startsWord && isWordChar(before)) && !(endsWord && isWordChar(after))) return at;
    at = lower.indexOf(marker, at + 1);
  }
  return -1;
}

export function mentions(text: string, markers: string[]): boolean {
  const lower = text.toLowerCase();
  return markers.some((marker) => findToken(lower, marker.toLowerCase(), 0) !== -1);
}

/** `text` with every marker replaced by `replacement`, in one pass per marker. */
export function redactText(text: string, markers: string[], replacement = '[erased]'): string {
  let out = text;
  for (const marker of markers) {
    const needle = marker.toLowerCase();
    const lower = out.toLowerCase();
    // toLowerCase keeps lengths for the characters markers are made of; if not, compare as is.
    const source = lower.length === out.length ? lower : out;
    const pieces: string[] = [];
    let from = 0;
    for (let at = findToken(source, needle, 0); at !== -1; at = findToken(source, needle, at + needle.length)) {
      pieces.push(out.slice(from, at), replacement);
      from = at + needle.length;
    }
    if (from === 0) continue;
    pieces.push(out.slice(from));
    out = pieces.join('');
  }
  return out;
}

/**
 * A JSON value without what mentions the person. `drop` removes entries (cursors: state about
 * them goes); otherwise strings are redacted in place (audit details keep their shape).
 */
export function scrubJson(value: unknown, markers: string[], mode: 'drop' | 'redact'): unknown {
  if (typeof value === 'string') return mode === 'redact' ? redactText(value, markers) : value;
  if (Array.isArray(value)) {
    const items = mode === 'drop' ? value.filter((item) => !(typeof item === 'string' && mentions(item, markers))) : value;
    return items.map((item) => scrubJson(item, markers, mode));
  }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      const keyMentions = mentions(key, markers);
      if (mode === 'drop' && (keyMentions || (typeof item === 'string' && mentions(item, markers)))) continue;
      out[mode === 'redact' && keyMentions ? redactText(key, markers) : key] = scrubJson(item, markers, mode);
    }
    return out;
  }
  return value;
}

function likeAny(markers: string[]): string[] {
  return markers.map((m) => `%${m.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
}

/** Rows of `table` whose `columns` (as text) mention a marker, found by the database. */
/** Columns kept as bytes: searched through their escape encoding (ASCII as is, other bytes octal). */
const BYTEA_COLUMNS = new Set(['http_validators.body']);

async function rowsMentioning(db: Kysely<Database>, table: string, key: string, columns: string[], markers: string[]) {
  const patterns = likeAny(markers);
  const textOf = (column: string) => (BYTEA_COLUMNS.has(`${table}.${column}`) ? sql`encode(${sql.ref(column)}, 'escape')` : sql`${sql.ref(column)}::text`);
  const where = sql.join(columns.map((column) => sql`lower(coalesce(${textOf(column)}, '')) like any(${patterns}::text[])`), sql` or `);
  const result = await sql<Record<string, unknown>>`select ${sql.ref(key)} as key, ${sql.join(columns.map((c) => sql.ref(c)))} from ${sql.table(table)} where ${where}`.execute(db);
  return result.rows;
}

/** Removes every trace of the person outside the rows that cascade with their member row. */
export async function eraseTraces(db: Kysely<Database>, person: ErasedPerson, reason: string, now = new Date()): Promise<ErasureReport> {
  const markers = markersOf(person);
  const { member } = person;
  const formerActor = `web:#${member.id}`;
  const redactActor = (actor: string | null) => (actor === null ? null : actor.toLowerCase() === `web:${member.handle}`.toLowerCase() ? formerActor : redactText(actor, markers));
  const report: ErasureReport = { auditRows: 0, statusRows: 0, contributionRows: 0, awardSnapshots: 0, cursors: 0, syncRuns: 0, validators: 0, rateLimitKeys: 0, apiTokens: 0, identitiesTrusted: 0 };

  for (const row of await rowsMentioning(db, 'audit_log', 'id', ['actor', 'subject_id', 'reason', 'details'], markers)) {
    const subject = row.subject_id as string | null;
    await db
      .updateTable('audit_log')
      .set({
        actor: redactActor(row.actor as string)!,
        subject_id: subject === null ? null : subject.toLowerCase() === member.handle.toLowerCase() ? `#${member.id}` : redactText(subject, markers),
        reason: row.reason === null ? null : redactText(row.reason as string, markers),
        details: JSON.stringify(scrubJson(row.details, markers, 'redact')),
      })
      .where('id', '=', row.key as number)
      .execute();
    report.auditRows += 1;
  }

  for (const row of await rowsMentioning(db, 'status_changes', 'id', ['actor', 'reason'], markers)) {
    await db
      .updateTable('status_changes')
      .set({ actor: redactActor(row.actor as string | null), reason: row.reason === null ? null : redactText(row.reason as string, markers) })
      .where('id', '=', row.key as number)
      .execute();
    report.statusRows += 1;
  }

  // A reason given for another member's suspension may name them.
  for (const row of await rowsMentioning(db, 'members', 'id', ['state_reason'], markers)) {
    await db.updateTable('members').set({ state_reason: redactText(row.state_reason as string, markers) }).where('id', '=', row.key as number).where('id', '!=', member.id).execute();
    report.statusRows += 1;
  }

  // Other people's contributions may name them (who awarded a label, who reviewed).
  for (const row of await rowsMentioning(db, 'contributions', 'id', ['metadata', 'review_reason'], markers)) {
    await db
      .updateTable('contributions')
      .set({ metadata: JSON.stringify(scrubJson(row.metadata, markers, 'redact')), review_reason: row.review_reason === null ? null : redactText(row.review_reason as string, markers) })
      .where('id', '=', row.key as number)
      .where('member_id', '!=', member.id)
      .execute();
    report.contributionRows += 1;
  }

  // The review desk's threads and managers' private notes about other people (migration 0050).
  for (const row of await rowsMentioning(db, 'review_events', 'id', ['note'], markers)) {
    await db.updateTable('review_events').set({ note: redactText(row.note as string, markers) }).where('id', '=', row.key as number).execute();
    report.contributionRows += 1;
  }
  for (const row of await rowsMentioning(db, 'member_notes', 'id', ['body'], markers)) {
    await db.updateTable('member_notes').set({ body: redactText(row.body as string, markers) }).where('id', '=', row.key as number).where('member_id', '!=', member.id).execute();
    report.statusRows += 1;
  }

  report.awardSnapshots = await redactAwardSnapshots(db, person, markers, redactActor, reason, now);

  for (const row of await rowsMentioning(db, 'sync_cursors', 'source', ['cursor'], markers)) {
    await db.updateTable('sync_cursors').set({ cursor: JSON.stringify(scrubJson(row.cursor, markers, 'drop')) }).where('source', '=', row.key as string).execute();
    report.cursors += 1;
  }

  // Their identities' own sync state (it also cascades with the identities).
  await db.deleteFrom('identity_sync_state').where('identity_id', 'in', db.selectFrom('identities').select('id').where('member_id', '=', member.id)).execute();

  for (const row of await rowsMentioning(db, 'sync_runs', 'id', ['scope', 'error', 'warnings'], markers)) {
    const scope = row.scope as string | null;
    await db
      .updateTable('sync_runs')
      .set({
        scope: scope === null ? null : scope.toLowerCase() === `member:${member.handle}`.toLowerCase() ? `member:#${member.id}` : redactText(scope, markers),
        error: row.error === null ? null : redactText(row.error as string, markers),
        warnings: JSON.stringify(scrubJson(row.warnings ?? [], markers, 'redact')),
      })
      .where('id', '=', row.key as number)
      .execute();
    report.syncRuns += 1;
  }

  // A stored response that names them is dropped: the next request is simply unconditional.
  const validators = await rowsMentioning(db, 'http_validators', 'url', ['url', 'body', 'headers'], markers);
  for (const row of validators) await db.deleteFrom('http_validators').where('url', '=', row.key as string).execute();
  report.validators = validators.length;

  const keys = await rowsMentioning(db, 'rate_limit_hits', 'key', ['key'], [...markers, `member:${member.id}:`]);
  for (const row of keys) await db.deleteFrom('rate_limit_hits').where('key', '=', row.key as string).execute();
  report.rateLimitKeys = keys.length;

  for (const row of await rowsMentioning(db, 'api_tokens', 'id', ['created_by', 'name'], markers)) {
    await sql`update api_tokens set created_by = ${redactActor(row.created_by as string)}, name = ${redactText(row.name as string, markers)} where id = ${row.key as number}`.execute(db);
    report.apiTokens += 1;
  }

  for (const row of await rowsMentioning(db, 'identities', 'id', ['trusted_by'], markers)) {
    await db.updateTable('identities').set({ trusted_by: redactActor(row.trusted_by as string | null) }).where('id', '=', row.key as number).execute();
    report.identitiesTrusted += 1;
  }
  return report;
}

interface SnapshotEntry {
  memberId?: number;
  handle?: string;
  name?: string;
  citation?: string;
  redacted?: boolean;
}

/**
 * Award snapshots keep the person's rank, points and the input hash (what was decided stays
 * verifiable) and lose who they were: "a former ambassador", no handle, no citation.
 */
async function redactAwardSnapshots(
  db: Kysely<Database>,
  person: ErasedPerson,
  markers: string[],
  redactActor: (actor: string | null) => string | null,
  reason: string,
  now: Date,
): Promise<number> {
  const rows = await rowsMentioning(db, 'award_snapshots', 'id', ['results', 'computed_by', 'published_by'], markers);
  for (const row of rows) {
    const results = { ...(row.results as Record<string, unknown>) };
    let entries = 0;
    const redactEntry = (entry: SnapshotEntry | null | undefined) => {
      if (!entry || entry.memberId !== person.member.id) return entry;
      entries += 1;
      return { ...entry, handle: '', name: FORMER_AMBASSADOR, citation: `${FORMER_AMBASSADOR}, whose details were erased at their request`, redacted: true };
    };
    if (Array.isArray(results.topAmbassadors)) results.topAmbassadors = (results.topAmbassadors as SnapshotEntry[]).map(redactEntry);
    if (results.categoryWinners && typeof results.categoryWinners === 'object') {
      results.categoryWinners = Object.fromEntries(Object.entries(results.categoryWinners as Record<string, SnapshotEntry>).map(([category, entry]) => [category, redactEntry(entry)]));
    }
    if (Array.isArray(results.ineligible)) {
      const before = (results.ineligible as { handle: string }[]).length;
      results.ineligible = (results.ineligible as { handle: string }[]).filter((entry) => entry.handle.toLowerCase() !== person.member.handle.toLowerCase());
      entries += before - (results.ineligible as unknown[]).length;
    }
    const scrubbed = scrubJson(results, markers, 'redact') as Record<string, unknown>;
    scrubbed.redactions = [...((results.redactions as unknown[] | undefined) ?? []), { at: now.toISOString(), entries, reason }];
    await db
      .updateTable('award_snapshots')
      .set({ results: JSON.stringify(scrubbed), computed_by: redactActor(row.computed_by as string)!, published_by: redactActor(row.published_by as string | null) })
      .where('id', '=', row.key as number)
      .execute();
  }
  return rows.length;
}
