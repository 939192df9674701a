// Identities: the public accounts a member links. One identity belongs to one person; a
// link counts once verified; an erased identity is never linked again without a decision.
import { sql, type Kysely } from 'kysely';
import { formatIdentity, type IdentityRef } from '../domain/identities.js';
import type { ProgramConfig } from '../domain/config-schema.js';
import { recordAudit } from './audit.js';
import { rescoreMembers } from './rescore.js';
import { clearErasure, isErased } from './erasure-list.js';
import { UserError, isUniqueViolation } from './errors.js';
import type { Database, Identity } from './schema.js';

export { isErased };

/**
 * The row of `identity`: its verified link when there is one, else the oldest unverified
 * claim. Several people may claim an identity; only one can have it verified.
 */
export async function findIdentity(db: Kysely<Database>, identity: IdentityRef): Promise<Identity | undefined> {
  return db
    .selectFrom('identities')
    .selectAll()
    .where('platform', '=', identity.platform)
    .where(sql<string>`lower(external_id)`, '=', identity.externalId.toLowerCase())
    .orderBy(sql`verified_at is null`)
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
}

/** This member's link to `identity`, verified or not. */
export async function findMemberIdentity(db: Kysely<Database>, memberId: number, identity: IdentityRef): Promise<Identity | undefined> {
  return db
    .selectFrom('identities')
    .selectAll()
    .where('member_id', '=', memberId)
    .where('platform', '=', identity.platform)
    .where(sql<string>`lower(external_id)`, '=', identity.externalId.toLowerCase())
    .executeTakeFirst();
}

/** A claim another person had on an identity that was verified for someone else. */
export interface DroppedClaim {
  memberId: number;
  identityId: number;
  identity: string;
}

export interface LinkOptions {
  verified?: boolean;
  method?: string;
  /** Link an identity that was erased before (a person who came back). */
  allowErased?: boolean;
  /** Refuse the link when the member already holds this many unverified identities. */
  maxUnverified?: number;
  /** The upstream's immutable account id (GitHub user id from OAuth). */
  upstreamId?: string;
  /** Told of the unverified claims of others that a verified link dropped. */
  onDroppedClaims?: (claims: DroppedClaim[]) => void;
}

export async function linkIdentity(
  db: Kysely<Database>,
  memberId: number,
  identity: IdentityRef,
  options: LinkOptions,
  actor: string,
): Promise<Identity> {
  return db.transaction().execute(async (trx) => {
    if (!options.allowErased && (await isErased(trx, identity))) {
      throw new UserError(
        `${formatIdentity(identity)} belonged to a person who asked to be erased; link it again only on their request`,
        'conflict',
      );
    }
    if (await findMemberIdentity(trx, memberId, identity)) throw new UserError(`${formatIdentity(identity)} is already linked to this member`, 'conflict');
    const existing = await findIdentity(trx, identity);
    if (existing?.verified_at) {
      throw new UserError(`${formatIdentity(identity)} is already linked to another member and verified`, 'conflict');
    }
    if (!options.verified && options.maxUnverified !== undefined) {
      const waiting = await trx
        .selectFrom('identities')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('member_id', '=', memberId)
        .where('verified_at', 'is', null)
        .executeTakeFirstOrThrow();
      if (Number(waiting.n) >= options.maxUnverified) {
        throw new UserError(`you have ${waiting.n} identities waiting for verification; verify or remove one before linking another`, 'conflict');
      }
    }
    const verifiedAt = options.verified ? new Date() : null;
    const row = await trx
      .insertInto('identities')
      .values({
        member_id: memberId,
        platform: identity.platform,
        external_id: identity.externalId,
        verified_at: verifiedAt,
        verification_method: options.verified ? (options.method ?? 'manager') : null,
        upstream_id: options.upstreamId ?? null,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
      .catch((error: unknown) => {
        if (isUniqueViolation(error)) {
          throw new UserError(`${formatIdentity(identity)} is already linked to another member and verified`, 'conflict');
        }
        throw error;
      });
    if (options.allowErased) await clearErasure(trx, identity);
    const dropped = options.verified ? await dropRivalClaims(trx, row) : [];
    await recordAudit(trx, {
      actor,
      action: 'identity.link',
      subjectType: 'identity',
      subjectId: formatIdentity(identity),
      details: { memberId, verified: Boolean(options.verified), ...(dropped.length ? { droppedClaims: dropped.length } : {}) },
    });
    if (dropped.length) options.onDroppedClaims?.(dropped);
    return row;
  });
}

/**
 * The first verification wins: the unverified claims of other people on the same identity are
 * removed, with what they found while they waited (it was never theirs and never counted);
 * the next sync finds it again for the owner.
 */
async function dropRivalClaims(trx: Kysely<Database>, verified: Identity): Promise<DroppedClaim[]> {
  const rivals = await trx
    .selectFrom('identities')
    .select(['id', 'member_id', 'platform', 'external_id'])
    .where('platform', '=', verified.platform)
    .where(sql<string>`lower(external_id)`, '=', verified.external_id.toLowerCase())
    .where('id', '!=', verified.id)
    .where('verified_at', 'is', null)
    .execute();
  if (rivals.length === 0) return [];
  const ids = rivals.map((r) => r.id);
  await trx
    .deleteFrom('contributions')
    .where('review_state', '=', 'pending')
    .where(sql<string>`metadata->>'awaitsIdentity'`, 'in', ids.map(String))
    .execute();
  // Pending rows carry no counted points: the totals of the people involved do not move.
  await trx.deleteFrom('identities').where('id', 'in', ids).execute();
  return rivals.map((r) => ({ memberId: r.member_id, identityId: r.id, identity: formatIdentity({ platform: r.platform as IdentityRef['platform'], externalId: r.external_id }) }));
}

/** Marks an identity verified; contributions found through it that waited for this now count. */
export async function verifyIdentity(
  db: Kysely<Database>,
  memberId: number,
  identity: IdentityRef,
  method: string,
  actor: string,
  options: { upstreamId?: string } = {},
): Promise<{ identity: Identity; released: number; dropped: DroppedClaim[] }> {
  return db.transaction().execute(async (trx) => {
    const existing = await findMemberIdentity(trx, memberId, identity);
    if (!existing) {
      throw new UserError(`${formatIdentity(identity)} is not linked to this member`, 'not_found');
    }
    if (existing.verified_at) throw new UserError(`${formatIdentity(identity)} is already verified`, 'conflict');
    const updated = await trx
      .updateTable('identities')
      .set({ verified_at: new Date(), verification_method: method, verification_code: null, ...(options.upstreamId ? { upstream_id: options.upstreamId } : {}) })
      .where('id', '=', existing.id)
      .returningAll()
      .executeTakeFirstOrThrow()
      .catch((error: unknown) => {
        if (isUniqueViolation(error)) throw new UserError(`${formatIdentity(identity)} was verified by another member first`, 'conflict');
        throw error;
      });
    const released = await trx
      .updateTable('contributions')
      .set({ review_state: 'counted', updated_at: new Date() })
      .where('member_id', '=', memberId)
      .where('review_state', '=', 'pending')
      .where(sql<boolean>`metadata->>'awaitsIdentity' = ${String(existing.id)}`)
      // Calendar events also wait for a manager's trust: verification alone does not release them.
      .where(sql<boolean>`metadata->>'awaitsTrust' is null`)
      .executeTakeFirst();
    const dropped = await dropRivalClaims(trx, updated);
    await recordAudit(trx, {
      actor,
      action: 'identity.verify',
      subjectType: 'identity',
      subjectId: formatIdentity(identity),
      details: { memberId, method, ...(dropped.length ? { droppedClaims: dropped.length } : {}) },
    });
    return { identity: updated, released: Number(released.numUpdatedRows), dropped };
  });
}

/**
 * A manager marks what a verified identity publishes (a calendar) as trusted, or takes it
 * back. Trusting releases the events that waited for it; audited either way.
 */
export async function setIdentityTrusted(
  db: Kysely<Database>,
  config: ProgramConfig,
  identityId: number,
  trusted: boolean,
  actor: string,
  reason: string | null,
): Promise<{ identity: Identity; released: number }> {
  return db.transaction().execute(async (trx) => {
    const identity = await trx.selectFrom('identities').selectAll().where('id', '=', identityId).executeTakeFirst();
    if (!identity) throw new UserError(`no identity #${identityId}`, 'not_found');
    const ref = formatIdentity({ platform: identity.platform as IdentityRef['platform'], externalId: identity.external_id });
    if (trusted && !identity.verified_at) throw new UserError(`${ref} is not verified; verify it before trusting it`, 'conflict');
    if (trusted === (identity.trusted_at !== null)) throw new UserError(`${ref} is already ${trusted ? 'trusted' : 'not trusted'}`, 'conflict');
    const updated = await trx
      .updateTable('identities')
      .set(trusted ? { trusted_at: new Date(), trusted_by: actor } : { trusted_at: null, trusted_by: null })
      .where('id', '=', identityId)
      .returningAll()
      .executeTakeFirstOrThrow();
    let released = 0;
    if (trusted) {
      const result = await trx
        .updateTable('contributions')
        .set({ review_state: 'counted', updated_at: new Date() })
        .where('member_id', '=', identity.member_id)
        .where('review_state', '=', 'pending')
        .where(sql<boolean>`metadata->>'awaitsTrust' = ${String(identity.id)}`)
        .executeTakeFirst();
      released = Number(result.numUpdatedRows);
      // Released events meet the caps like any other counted contribution.
      if (released > 0) await rescoreMembers(trx, config, [identity.member_id]);
    }
    await recordAudit(trx, {
      actor,
      action: trusted ? 'identity.trust' : 'identity.distrust',
      subjectType: 'identity',
      subjectId: ref,
      reason,
      details: { memberId: identity.member_id, released },
    });
    return { identity: updated, released };
  });
}

export async function listIdentities(db: Kysely<Database>, memberId: number): Promise<Identity[]> {
  return db.selectFrom('identities').selectAll().where('member_id', '=', memberId).orderBy('platform').orderBy('id').execute();
}

export async function flagIdentity(db: Kysely<Database>, identityId: number, reason: string): Promise<void> {
  await db
    .updateTable('identities')
    .set({ flagged_at: new Date(), flag_reason: reason })
    .where('id', '=', identityId)
    .where('flagged_at', 'is', null)
    .execute();
}
