// Members: registration, look-up, suspension and erasure. Every change a manager makes is
// audited in the same transaction.
import { sql, type Kysely } from 'kysely';
import { isIsoDate } from '../domain/dates.js';
import { matchCountry } from '../domain/countries.js';
import { isEmailAddress, MAX_LENGTH } from '../domain/untrusted-text.js';
import { recordAudit } from './audit.js';
import { eraseTraces } from './erasure.js';
import { recordErasures } from './erasure-list.js';
import { endSessionsOf } from './sessions.js';
import { UserError, isUniqueViolation } from './errors.js';
import type { Database, Member } from './schema.js';

export interface NewMemberInput {
  handle: string;
  name: string;
  email?: string | null;
  joinedAt: string;
  country?: string | null;
  company?: string | null;
  bio?: string | null;
  avatarUrl?: string | null;
  role?: 'ambassador' | 'manager' | 'admin';
  isStaff?: boolean;
  isBot?: boolean;
}

const HANDLE = /^[A-Za-z0-9][A-Za-z0-9_-]{1,38}$/;

export function validateNewMember(input: NewMemberInput): string[] {
  const problems: string[] = [];
  if (input.handle.length > MAX_LENGTH.handle || !HANDLE.test(input.handle)) {
    problems.push(`handle: expected 2-39 letters, digits, - or _ starting with a letter or digit, got "${input.handle.slice(0, 60)}"`);
  }
  if (!input.name.trim() || input.name.length > 200) problems.push('name: expected 1-200 characters');
  if (input.email && !isEmailAddress(input.email)) problems.push(`email: expected an email address of at most ${MAX_LENGTH.email} characters, got "${input.email.slice(0, 60)}"`);
  if (!isIsoDate(input.joinedAt)) problems.push(`joined: expected a date YYYY-MM-DD, got "${input.joinedAt.slice(0, 40)}"`);
  if (input.country?.trim() && !matchCountry(input.country)) problems.push(`country: expected a country name or ISO 3166 code, got "${input.country.slice(0, 60)}"`);
  return problems;
}

export async function addMember(db: Kysely<Database>, input: NewMemberInput, actor: string): Promise<Member> {
  const problems = validateNewMember(input);
  if (problems.length > 0) throw new UserError(problems.join('; '));
  return db.transaction().execute(async (trx) => {
    const member = await trx
      .insertInto('members')
      .values({
        handle: input.handle,
        name: input.name.trim(),
        email: input.email?.trim() || null,
        joined_at: input.joinedAt,
        country: matchCountry(input.country),
        company: input.company ?? null,
        bio: input.bio ?? null,
        avatar_url: input.avatarUrl ?? null,
        role: input.role ?? 'ambassador',
        is_staff: input.isStaff ?? false,
        is_bot: input.isBot ?? false,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
      .catch((error: unknown) => {
        if (isUniqueViolation(error, 'members_handle_ci')) {
          throw new UserError(`the handle "${input.handle}" is taken`, 'conflict');
        }
        if (isUniqueViolation(error, 'members_email_ci')) {
          throw new UserError('that email address belongs to another member', 'conflict');
        }
        throw error;
      });
    await trx
      .insertInto('status_changes')
      .values({ member_id: member.id, to_status: 'registered', effective_on: input.joinedAt, actor, reason: 'joined' })
      .execute();
    await recordAudit(trx, { actor, action: 'member.add', subjectType: 'member', subjectId: member.handle });
    return member;
  });
}

export async function findMember(db: Kysely<Database>, handle: string): Promise<Member | undefined> {
  return db
    .selectFrom('members')
    .selectAll()
    .where(sql<string>`lower(handle)`, '=', handle.toLowerCase())
    .executeTakeFirst();
}

export async function requireMember(db: Kysely<Database>, handle: string): Promise<Member> {
  const member = await findMember(db, handle);
  if (!member) throw new UserError(`no member with the handle "${handle}"`, 'not_found');
  return member;
}

export interface MemberListOptions {
  state?: 'registered' | 'suspended' | 'withdrawn';
  search?: string;
  country?: string;
  limit?: number;
  offset?: number;
}

export async function listMembers(db: Kysely<Database>, options: MemberListOptions = {}): Promise<Member[]> {
  let query = db.selectFrom('members').selectAll().orderBy(sql`lower(handle)`).orderBy('id');
  if (options.state) query = query.where('state', '=', options.state);
  if (options.country) query = query.where(sql<string>`lower(country)`, '=', options.country.toLowerCase());
  if (options.search) {
    const pattern = `%${options.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) =>
      eb.or([eb(sql<string>`lower(handle)`, 'like', pattern), eb(sql<string>`lower(name)`, 'like', pattern)]),
    );
  }
  if (options.limit !== undefined) query = query.limit(options.limit);
  if (options.offset !== undefined) query = query.offset(options.offset);
  return query.execute();
}

export async function changeMemberState(
  db: Kysely<Database>,
  handle: string,
  change: { state: 'registered' | 'suspended' | 'withdrawn'; reason: string; effectiveOn: string },
  actor: string,
): Promise<Member> {
  if (!change.reason.trim()) throw new UserError('a reason is required');
  return db.transaction().execute(async (trx) => {
    const member = await requireMember(trx, handle);
    if (member.state === change.state) throw new UserError(`${member.handle} is already ${change.state}`, 'conflict');
    const updated = await trx
      .updateTable('members')
      .set({ state: change.state, state_reason: change.reason, updated_at: new Date() })
      .where('id', '=', member.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('status_changes')
      .values({
        member_id: member.id,
        from_status: member.state,
        to_status: change.state,
        effective_on: change.effectiveOn,
        reason: change.reason,
        actor,
      })
      .execute();
    // Suspension and withdrawal end every session at once, from whichever entry point.
    if (change.state !== 'registered') await endSessionsOf(trx, member.id);
    await recordAudit(trx, {
      actor,
      action: `member.${change.state === 'registered' ? 'reinstate' : change.state === 'suspended' ? 'suspend' : 'withdraw'}`,
      subjectType: 'member',
      subjectId: member.handle,
      reason: change.reason,
    });
    return updated;
  });
}

export async function setMemberFlags(
  db: Kysely<Database>,
  handle: string,
  flags: { isStaff?: boolean; isBot?: boolean; role?: 'ambassador' | 'manager' | 'admin' },
  actor: string,
): Promise<Member> {
  return db.transaction().execute(async (trx) => {
    const member = await requireMember(trx, handle);
    const updated = await trx
      .updateTable('members')
      .set({
        ...(flags.isStaff !== undefined ? { is_staff: flags.isStaff } : {}),
        ...(flags.isBot !== undefined ? { is_bot: flags.isBot } : {}),
        ...(flags.role !== undefined ? { role: flags.role } : {}),
        updated_at: new Date(),
      })
      .where('id', '=', member.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      actor,
      action: 'member.flags',
      subjectType: 'member',
      subjectId: member.handle,
      details: { ...flags },
    });
    return updated;
  });
}

/**
 * Erases a person: their profile, identities and contributions are deleted, every trace of
 * them elsewhere is removed (src/store/erasure.ts), and their verified identities go on the
 * erasure list (keyed, see erasure-list.ts) so no later sync or import re-creates them. An
 * unverified claim goes on no list: it proved nothing, and must not lock out the real owner.
 */
export async function removeMember(db: Kysely<Database>, handle: string, actor: string, reason = 'erased at their request'): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const member = await requireMember(trx, handle);
    const identities = await trx
      .selectFrom('identities')
      .select(['platform', 'external_id', 'verified_at'])
      .where('member_id', '=', member.id)
      .execute();
    const verified = identities.filter((identity) => identity.verified_at !== null);
    await recordErasures(trx, verified.map((identity) => ({ platform: identity.platform, externalId: identity.external_id })));
    await trx.updateTable('contributions').set({ reviewed_by: null }).where('reviewed_by', '=', member.id).execute();
    await eraseTraces(trx, { member, identities: identities.map((identity) => ({ platform: identity.platform, externalId: identity.external_id })) }, reason);
    await trx.deleteFrom('members').where('id', '=', member.id).execute();
    // The audit entry keeps no personal data: only that an erasure happened, and how much.
    await recordAudit(trx, {
      actor: actor.toLowerCase() === `web:${member.handle}`.toLowerCase() ? `web:#${member.id}` : actor,
      action: 'member.remove',
      subjectType: 'member',
      subjectId: `#${member.id}`,
      details: { identities: identities.length, erasureListed: verified.length },
    });
  });
}
