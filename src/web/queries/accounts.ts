// Accounts: sign-up with consents, one-time sign-in links, profile edits, identity codes,
// merges of duplicates. Changes a person or a manager makes are audited.
import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { ProgramConfig } from '../../domain/config-schema.js';
import { formatIdentity, type IdentityRef } from '../../domain/identities.js';
import { matchCountry } from '../../domain/countries.js';
import { recordAudit } from '../../store/audit.js';
import { addMember, requireMember } from '../../store/members.js';
import { UserError } from '../../store/errors.js';
import { rescoreMembers } from '../../store/rescore.js';
import type { Member } from '../../store/schema.js';
import { randomToken, sha256 } from '../session.js';
import { coreDb, type WebDatabase } from './tables.js';

export interface SignUpInput {
  handle: string;
  name: string;
  email: string;
  country: string | null;
  consentTracking: boolean;
  consentPublic: boolean;
}

export function validateSignUp(input: SignUpInput): string[] {
  const problems: string[] = [];
  if (!input.email) problems.push('email: expected an email address');
  if (!input.consentTracking) problems.push('consent: you need to agree to the tracking of your public contributions');
  if (!input.consentPublic) problems.push('consent: you need to agree to a public profile');
  if (input.country && input.country.length > 100) problems.push('country: expected at most 100 characters');
  return problems;
}

export async function signUp(db: Kysely<WebDatabase>, input: SignUpInput, today: string, now: Date): Promise<Member> {
  const problems = validateSignUp(input);
  if (problems.length) throw new UserError(problems.join('; '));
  // addMember runs its own transaction (with the audit entry); the account row follows it.
  const member = await addMember(
    coreDb(db),
    { handle: input.handle, name: input.name, email: input.email, joinedAt: today, country: input.country || null },
    `web:${input.handle}`,
  );
  await db.insertInto('accounts').values({ member_id: member.id, consent_tracking_at: now, consent_public_at: now }).execute();
  return member;
}

export async function findMemberByEmail(db: Kysely<WebDatabase>, email: string): Promise<Member | undefined> {
  return db.selectFrom('members').selectAll().where(sql<string>`lower(email)`, '=', email.trim().toLowerCase()).executeTakeFirst();
}

export async function createLoginToken(db: Kysely<WebDatabase>, memberId: number, now: Date, minutes: number): Promise<string> {
  const token = randomToken();
  await db
    .insertInto('login_tokens')
    .values({ token_hash: sha256(token), member_id: memberId, expires_at: new Date(now.getTime() + minutes * 60_000) })
    .execute();
  // Old links are dead weight; keep the table small.
  await db.deleteFrom('login_tokens').where('expires_at', '<', new Date(now.getTime() - 86_400_000)).execute();
  return token;
}

export async function peekLoginToken(db: Kysely<WebDatabase>, token: string, now: Date): Promise<Member | undefined> {
  return db
    .selectFrom('login_tokens')
    .innerJoin('members', 'members.id', 'login_tokens.member_id')
    .selectAll('members')
    .where('login_tokens.token_hash', '=', sha256(token))
    .where('login_tokens.used_at', 'is', null)
    .where('login_tokens.expires_at', '>', now)
    .executeTakeFirst();
}

/** Uses a sign-in link once; the member it signs in, or nothing when it is unknown, used or expired. */
export async function consumeLoginToken(db: Kysely<WebDatabase>, token: string, now: Date): Promise<number | null> {
  const row = await db
    .updateTable('login_tokens')
    .set({ used_at: now })
    .where('token_hash', '=', sha256(token))
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returning('member_id')
    .executeTakeFirst();
  return row?.member_id ?? null;
}

export interface ProfileUpdate {
  name: string;
  country: string | null;
  company: string | null;
  bio: string | null;
  avatarUrl: string | null;
}

export function validateProfile(update: ProfileUpdate): string[] {
  const problems: string[] = [];
  if (!update.name || update.name.length > 200) problems.push('name: expected 1-200 characters');
  if (update.country && update.country.length > 100) problems.push('country: expected at most 100 characters');
  else if (update.country && !matchCountry(update.country)) problems.push(`country: "${update.country.slice(0, 60)}" is not a country we know; pick one from the list`);
  if (update.company && update.company.length > 200) problems.push('company: expected at most 200 characters');
  if (update.bio && update.bio.length > 4000) problems.push('bio: expected at most 4000 characters');
  if (update.avatarUrl) {
    try {
      if (new URL(update.avatarUrl).protocol !== 'https:') problems.push('avatar: expected an https URL');
    } catch {
      problems.push('avatar: expected an https URL');
    }
  }
  return problems;
}

export async function updateProfile(db: Kysely<WebDatabase>, memberId: number, update: ProfileUpdate, actor: string): Promise<void> {
  const problems = validateProfile(update);
  if (problems.length) throw new UserError(problems.join('; '));
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('members')
      .set({ name: update.name, country: matchCountry(update.country), country_unmatched: null, company: update.company, bio: update.bio, avatar_url: update.avatarUrl, updated_at: new Date() })
      .where('id', '=', memberId)
      .execute();
    await recordAudit(coreDb(trx), { actor, action: 'member.profile', subjectType: 'member', subjectId: (await requireMemberById(trx, memberId)).handle });
  });
}

async function requireMemberById(db: Kysely<WebDatabase>, id: number): Promise<Member> {
  const member = await db.selectFrom('members').selectAll().where('id', '=', id).executeTakeFirst();
  if (!member) throw new UserError(`no member #${id}`, 'not_found');
  return member;
}

/** The code a person places on their account to prove it is theirs; made once per identity. */
export async function verificationCode(db: Kysely<WebDatabase>, identityId: number): Promise<string> {
  const code = `magento-ambassador-${randomBytes(6).toString('hex')}`;
  await db.updateTable('identities').set({ verification_code: code }).where('id', '=', identityId).where('verification_code', 'is', null).execute();
  const row = await db.selectFrom('identities').select('verification_code').where('id', '=', identityId).executeTakeFirstOrThrow();
  return row.verification_code ?? code;
}

export async function unlinkIdentity(db: Kysely<WebDatabase>, memberId: number, identityId: number, actor: string): Promise<void> {
  if (!Number.isSafeInteger(identityId) || identityId < 1 || identityId > 2_147_483_647) throw new UserError('no such identity on your profile', 'not_found');
  await db.transaction().execute(async (trx) => {
    const identity = await trx.selectFrom('identities').selectAll().where('id', '=', identityId).where('member_id', '=', memberId).executeTakeFirst();
    if (!identity) throw new UserError('no such identity on your profile', 'not_found');
    await trx.deleteFrom('identities').where('id', '=', identityId).execute();
    // The GitHub account it was bound to no longer signs this member in.
    if (identity.upstream_id && identity.platform === 'github') {
      await trx.updateTable('accounts').set({ github_user_id: null }).where('member_id', '=', memberId).where('github_user_id', '=', identity.upstream_id).execute();
    }
    await recordAudit(coreDb(trx), {
      actor,
      action: 'identity.unlink',
      subjectType: 'identity',
      subjectId: formatIdentity({ platform: identity.platform as IdentityRef['platform'], externalId: identity.external_id }),
      details: { memberId },
    });
  });
}

/**
 * Merges a duplicate into the member to keep: identities and contributions move, the
 * duplicate's own record goes (it is not an erasure: nothing is put on the erasure list).
 */
export async function mergeMembers(
  db: Kysely<WebDatabase>,
  config: ProgramConfig,
  keepHandle: string,
  duplicateHandle: string,
  reason: string,
  actor: string,
  options: { byAdmin?: boolean } = {},
): Promise<Member> {
  if (!reason.trim()) throw new UserError('a reason is required');
  return db.transaction().execute(async (trx) => {
    const keep = await requireMember(coreDb(trx), keepHandle);
    const duplicate = await requireMember(coreDb(trx), duplicateHandle);
    if (keep.id === duplicate.id) throw new UserError('a member cannot be merged into themselves');
    // A merge hands the duplicate's way in (role, GitHub sign-in) to the member kept: only an
    // administrator decides that.
    const account = await trx.selectFrom('accounts').select('github_user_id').where('member_id', '=', duplicate.id).executeTakeFirst();
    const signInIdentity = await trx
      .selectFrom('identities')
      .select('id')
      .where('member_id', '=', duplicate.id)
      .where('verified_at', 'is not', null)
      .where((eb) => eb.or([eb('verification_method', '=', 'github-oauth'), eb('upstream_id', 'is not', null)]))
      .executeTakeFirst();
    if (!options.byAdmin && (duplicate.role !== 'ambassador' || account?.github_user_id || signInIdentity)) {
      throw new UserError(`${duplicate.handle} holds a role or a verified sign-in identity; only an administrator may merge it`, 'forbidden');
    }
    const keptAccount = await trx.selectFrom('accounts').select('github_user_id').where('member_id', '=', keep.id).executeTakeFirst();
    const movesGithub = Boolean(account?.github_user_id) && keptAccount !== undefined && !keptAccount.github_user_id;
    // Both may link the same identity: one row stays, the verified one if either is.
    const keptLinks = await trx.selectFrom('identities').selectAll().where('member_id', '=', keep.id).execute();
    for (const link of await trx.selectFrom('identities').selectAll().where('member_id', '=', duplicate.id).execute()) {
      const twin = keptLinks.find((k) => k.platform === link.platform && k.external_id.toLowerCase() === link.external_id.toLowerCase());
      if (!twin) continue;
      await trx.deleteFrom('identities').where('id', '=', twin.verified_at || !link.verified_at ? link.id : twin.id).execute();
    }
    const identities = await trx.updateTable('identities').set({ member_id: keep.id }).where('member_id', '=', duplicate.id).executeTakeFirst();
    const contributions = await trx.updateTable('contributions').set({ member_id: keep.id }).where('member_id', '=', duplicate.id).executeTakeFirst();
    await trx.updateTable('contributions').set({ reviewed_by: keep.id }).where('reviewed_by', '=', duplicate.id).execute();
    if (duplicate.joined_at < keep.joined_at) {
      await trx.updateTable('members').set({ joined_at: duplicate.joined_at }).where('id', '=', keep.id).execute();
    }
    await trx.deleteFrom('members').where('id', '=', duplicate.id).execute();
    // The GitHub sign-in goes with the identities, decided by the administrator who merged.
    if (movesGithub) await trx.updateTable('accounts').set({ github_user_id: account!.github_user_id }).where('member_id', '=', keep.id).execute();
    await recordAudit(coreDb(trx), {
      actor,
      action: 'member.merge',
      subjectType: 'member',
      subjectId: keep.handle,
      reason,
      details: { merged: duplicate.handle, identities: Number(identities.numUpdatedRows), contributions: Number(contributions.numUpdatedRows), githubSignInMoved: movesGithub },
    });
    await rescoreMembers(coreDb(trx), config, [keep.id]);
    return requireMember(coreDb(trx), keep.handle);
  });
}

export async function personalData(db: Kysely<WebDatabase>, memberId: number) {
  const member = await requireMemberById(db, memberId);
  const [account, identities, contributions, statusChanges, notifications] = await Promise.all([
    db.selectFrom('accounts').select(['consent_tracking_at', 'consent_public_at', 'github_user_id', 'last_sign_in_at', 'created_at']).where('member_id', '=', memberId).executeTakeFirst(),
    db.selectFrom('identities').select(['platform', 'external_id', 'verified_at', 'verification_method', 'created_at']).where('member_id', '=', memberId).execute(),
    db.selectFrom('contributions').selectAll().where('member_id', '=', memberId).orderBy('occurred_at').execute(),
    db.selectFrom('status_changes').select(['from_status', 'to_status', 'effective_on', 'reason', 'changed_at']).where('member_id', '=', memberId).orderBy('id').execute(),
    db.selectFrom('notifications').select(['kind', 'channel', 'status', 'created_at', 'sent_at']).where('member_id', '=', memberId).orderBy('id').execute(),
  ]);
  return {
    member: {
      handle: member.handle,
      name: member.name,
      email: member.email,
      country: member.country,
      company: member.company,
      bio: member.bio,
      avatarUrl: member.avatar_url,
      joinedAt: member.joined_at,
      role: member.role,
      state: member.state,
    },
    account: account ?? null,
    identities,
    contributions: contributions.map((c) => ({
      source: c.source,
      externalId: c.external_id,
      kind: c.kind,
      category: c.category,
      title: c.title,
      url: c.url,
      occurredAt: c.occurred_at.toISOString(),
      points: c.points,
      explanation: c.explanation,
      reviewState: c.review_state,
      reviewReason: c.review_reason,
      evidenceUrl: c.evidence_url,
      metadata: c.metadata,
    })),
    statusChanges,
    notifications,
  };
}
