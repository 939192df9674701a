// The member console's store: every member with what a manager sorts and filters by (status,
// active-until, points this year, last contribution, unverified identities), the segments
// messages go to, private notes, handle changes (the old handle redirects) and email changes
// confirmed by the new address. Changes are audited in the same transaction.
import { createHash, randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { ProgramConfig } from '../domain/config-schema.js';
import { matchCountry } from '../domain/countries.js';
import { toIsoDate } from '../domain/dates.js';
import type { ActivityStatus } from '../domain/status.js';
import { isEmailAddress, MAX_LENGTH } from '../domain/untrusted-text.js';
import { recordAudit } from './audit.js';
import { UserError, isUniqueViolation } from './errors.js';
import type { Database, Member } from './schema.js';
import { memberStatuses } from './statuses.js';

export interface ConsoleMember {
  id: number;
  handle: string;
  name: string;
  email: string | null;
  country: string | null;
  role: Member['role'];
  state: Member['state'];
  isStaff: boolean;
  isBot: boolean;
  joinedAt: string;
  /** null for bots (no status is computed for them). */
  status: ActivityStatus | null;
  activeUntil: string | null;
  pointsThisYear: number;
  lastContribution: string | null;
  unverifiedIdentities: number;
}

export const SORTS = ['name', 'handle', 'joined', 'status', 'points', 'last'] as const;
export type MemberSort = (typeof SORTS)[number];

export interface MemberFilters {
  search?: string;
  status?: 'active' | 'lapsing' | 'inactive' | 'suspended';
  /** Everyone whose active status ends in the current calendar month. */
  lapsingThisMonth?: boolean;
  unverified?: boolean;
  role?: Member['role'];
  staff?: boolean;
  bot?: boolean;
  country?: string;
  sort?: MemberSort;
  descending?: boolean;
}

/** Every member with their console columns, at `today`. A thousand rows are one query each. */
export async function consoleMembers(db: Kysely<Database>, config: ProgramConfig, today: string): Promise<ConsoleMember[]> {
  const year = Number(today.slice(0, 4));
  const rows = await db
    .selectFrom('members as m')
    .select([
      'm.id', 'm.handle', 'm.name', 'm.email', 'm.country', 'm.role', 'm.state', 'm.is_staff', 'm.is_bot', 'm.joined_at',
      (eb) => eb.selectFrom('contributions as c').select(sql<number>`coalesce(sum(c.points), 0)`.as('p')).whereRef('c.member_id', '=', 'm.id').where('c.review_state', '=', 'counted')
        .where('c.occurred_at', '>=', new Date(Date.UTC(year, 0, 1))).where('c.occurred_at', '<', new Date(Date.UTC(year + 1, 0, 1))).as('points'),
      (eb) => eb.selectFrom('contributions as c').select(sql<Date | null>`max(c.occurred_at)`.as('l')).whereRef('c.member_id', '=', 'm.id').where('c.review_state', '=', 'counted').as('last'),
      (eb) => eb.selectFrom('identities as i').select(sql<string>`count(*)`.as('u')).whereRef('i.member_id', '=', 'm.id').where('i.verified_at', 'is', null).as('unverified'),
    ])
    .execute();
  const statuses = new Map((await memberStatuses(db, config, today)).map((s) => [s.memberId, s]));
  return rows.map((row) => {
    const status = statuses.get(row.id);
    return {
      id: row.id,
      handle: row.handle,
      name: row.name,
      email: row.email,
      country: row.country,
      role: row.role,
      state: row.state,
      isStaff: row.is_staff,
      isBot: row.is_bot,
      joinedAt: row.joined_at,
      status: status?.status ?? null,
      activeUntil: status?.activeUntil ?? null,
      pointsThisYear: Number(row.points ?? 0),
      lastContribution: row.last ? toIsoDate(row.last) : null,
      unverifiedIdentities: Number(row.unverified ?? 0),
    };
  });
}

const STATUS_ORDER: Record<string, number> = { active: 0, lapsing: 1, inactive: 2, 'not-yet-joined': 3, suspended: 4, withdrawn: 5 };

export function filterMembers(members: ConsoleMember[], filters: MemberFilters, today: string): ConsoleMember[] {
  const needle = filters.search?.slice(0, 200).toLowerCase();
  const month = today.slice(0, 7);
  const country = filters.country ? matchCountry(filters.country) : null;
  const kept = members.filter((m) => {
    if (needle && !m.name.toLowerCase().includes(needle) && !m.handle.toLowerCase().includes(needle) && !(m.email ?? '').toLowerCase().includes(needle)) return false;
    if (filters.status && m.status !== filters.status) return false;
    if (filters.lapsingThisMonth && !(m.activeUntil && m.activeUntil.slice(0, 7) === month && m.activeUntil >= today && (m.status === 'active' || m.status === 'lapsing'))) return false;
    if (filters.unverified && m.unverifiedIdentities === 0) return false;
    if (filters.role && m.role !== filters.role) return false;
    if (filters.staff !== undefined && m.isStaff !== filters.staff) return false;
    if (filters.bot !== undefined && m.isBot !== filters.bot) return false;
    if (filters.country && m.country !== country) return false;
    return true;
  });
  const sort = filters.sort ?? 'name';
  const key = (m: ConsoleMember): string | number => {
    switch (sort) {
      case 'handle': return m.handle.toLowerCase();
      case 'joined': return m.joinedAt;
      case 'status': return `${STATUS_ORDER[m.status ?? ''] ?? 9}|${m.activeUntil ?? ''}`;
      case 'points': return m.pointsThisYear;
      case 'last': return m.lastContribution ?? '';
      default: return m.name.toLowerCase();
    }
  };
  const direction = filters.descending ? -1 : 1;
  return kept.sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    const order = x < y ? -1 : x > y ? 1 : a.handle.toLowerCase() < b.handle.toLowerCase() ? -1 : 1;
    return order * direction;
  });
}

export interface MemberNote {
  id: number;
  body: string;
  created_at: Date;
  author_handle: string | null;
}

export async function listNotes(db: Kysely<Database>, memberId: number): Promise<MemberNote[]> {
  return db
    .selectFrom('member_notes')
    .leftJoin('members', 'members.id', 'member_notes.author_id')
    .select(['member_notes.id', 'member_notes.body', 'member_notes.created_at', 'members.handle as author_handle'])
    .where('member_notes.member_id', '=', memberId)
    .orderBy('member_notes.id', 'desc')
    .execute();
}

export async function addNote(db: Kysely<Database>, memberId: number, authorId: number, body: string, actor: string): Promise<void> {
  const text = body.trim();
  if (!text || text.length > 4000) throw new UserError('a note is 1-4000 characters');
  await db.transaction().execute(async (trx) => {
    const row = await trx.insertInto('member_notes').values({ member_id: memberId, author_id: authorId, body: text }).returning('id').executeTakeFirstOrThrow();
    const member = await trx.selectFrom('members').select('handle').where('id', '=', memberId).executeTakeFirstOrThrow();
    await recordAudit(trx, { actor, action: 'member.note', subjectType: 'member', subjectId: member.handle, details: { noteId: row.id } });
  });
}

const HANDLE = /^[A-Za-z0-9][A-Za-z0-9_-]{1,38}$/;

/** A new handle; the old one keeps working as an address that redirects to the new one. */
export async function changeHandle(db: Kysely<Database>, memberId: number, newHandle: string, reason: string, actor: string): Promise<Member> {
  const handle = newHandle.trim();
  if (handle.length > MAX_LENGTH.handle || !HANDLE.test(handle)) throw new UserError('handle: expected 2-39 letters, digits, - or _ starting with a letter or digit');
  if (!reason.trim()) throw new UserError('reason: a handle change needs a reason');
  return db.transaction().execute(async (trx) => {
    const member = await trx.selectFrom('members').selectAll().where('id', '=', memberId).executeTakeFirstOrThrow();
    if (member.handle === handle) throw new UserError('handle: that is already the handle');
    // Someone's former handle is free to take; it then names its new holder.
    await trx.deleteFrom('handle_aliases').where('old_handle', '=', handle.toLowerCase()).execute();
    if (member.handle.toLowerCase() !== handle.toLowerCase()) {
      await trx.insertInto('handle_aliases').values({ old_handle: member.handle.toLowerCase(), member_id: memberId }).onConflict((oc) => oc.column('old_handle').doUpdateSet({ member_id: memberId })).execute();
    }
    const updated = await trx
      .updateTable('members')
      .set({ handle, updated_at: new Date() })
      .where('id', '=', memberId)
      .returningAll()
      .executeTakeFirstOrThrow()
      .catch((error: unknown) => {
        if (isUniqueViolation(error, 'members_handle_ci')) throw new UserError(`handle: "${handle}" is taken`, 'conflict');
        throw error;
      });
    await recordAudit(trx, { actor, action: 'member.handle', subjectType: 'member', subjectId: handle, reason: reason.trim(), details: { from: member.handle, to: handle } });
    return updated;
  });
}

/** The member a former handle now points to. */
export async function handleAlias(db: Kysely<Database>, oldHandle: string): Promise<string | null> {
  if (oldHandle.length > MAX_LENGTH.handle) return null;
  const row = await db
    .selectFrom('handle_aliases')
    .innerJoin('members', 'members.id', 'handle_aliases.member_id')
    .select('members.handle')
    .where('handle_aliases.old_handle', '=', oldHandle.toLowerCase())
    .executeTakeFirst();
  return row?.handle ?? null;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Starts an email change: the link goes to the new address, and only it completes the change. */
export async function startEmailChange(db: Kysely<Database>, memberId: number, newEmail: string, requestedBy: number, actor: string, now: Date, hours = 48): Promise<string> {
  const email = newEmail.trim();
  if (!isEmailAddress(email)) throw new UserError('email: expected an email address like name@example.org');
  const taken = await db.selectFrom('members').select('id').where(sql<string>`lower(email)`, '=', email.toLowerCase()).where('id', '!=', memberId).executeTakeFirst();
  if (taken) throw new UserError('email: that address belongs to another member', 'conflict');
  const token = randomBytes(24).toString('base64url');
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('email_changes').where('member_id', '=', memberId).where('used_at', 'is', null).execute();
    await trx.insertInto('email_changes').values({ token_hash: sha256(token), member_id: memberId, new_email: email, requested_by: requestedBy, expires_at: new Date(now.getTime() + hours * 3_600_000) }).execute();
    const member = await trx.selectFrom('members').select('handle').where('id', '=', memberId).executeTakeFirstOrThrow();
    await recordAudit(trx, { actor, action: 'member.email-change.start', subjectType: 'member', subjectId: member.handle });
  });
  return token;
}

/** Completes an email change from the link sent to the new address; the member, or null. */
export async function confirmEmailChange(db: Kysely<Database>, token: string, now: Date): Promise<Member | null> {
  if (token.length > 100) return null;
  return db.transaction().execute(async (trx) => {
    const change = await trx
      .updateTable('email_changes')
      .set({ used_at: now })
      .where('token_hash', '=', sha256(token))
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .returningAll()
      .executeTakeFirst();
    if (!change) return null;
    const member = await trx
      .updateTable('members')
      .set({ email: change.new_email, updated_at: now })
      .where('id', '=', change.member_id)
      .returningAll()
      .executeTakeFirstOrThrow()
      .catch((error: unknown) => {
        if (isUniqueViolation(error, 'members_email_ci')) throw new UserError('that address belongs to another member by now', 'conflict');
        throw error;
      });
    await recordAudit(trx, { actor: `web:${member.handle}`, action: 'member.email-change.confirm', subjectType: 'member', subjectId: member.handle });
    return member;
  });
}
