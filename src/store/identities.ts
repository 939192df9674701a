// Identities: the public accounts a member links. One identity belongs to one person; a
// link counts once verified; an erased identity is never linked again without a decision.
import { sql, type Kysely } from 'kysely';
import { formatIdentity, identityHash, type IdentityRef } from '../domain/identities.js';
import { recordAudit } from './audit.js';
import { UserError, isUniqueViolation } from './errors.js';
import type { Database, Identity } from './schema.js';

export async function isErased(db: Kysely<Database>, identity: IdentityRef): Promise<boolean> {
  const found = await db
    .selectFrom('erasures')
    .select('identity_hash')
    .where('identity_hash', '=', identityHash(identity))
    .executeTakeFirst();
  return found !== undefined;
}

export async function findIdentity(db: Kysely<Database>, identity: IdentityRef): Promise<Identity | undefined> {
  return db
    .selectFrom('identities')
    .selectAll()
    .where('platform', '=', identity.platform)
    .where(sql<string>`lower(external_id)`, '=', identity.externalId.toLowerCase())
    .executeTakeFirst();
}

export interface LinkOptions {
  verified?: boolean;
  method?: string;
  /** Link an identity that was erased before (a person who came back). */
  allowErased?: boolean;
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
    const existing = await findIdentity(trx, identity);
    if (existing && existing.member_id !== memberId) {
      throw new UserError(`${formatIdentity(identity)} is already linked to another member`, 'conflict');
    }
    if (existing) throw new UserError(`${formatIdentity(identity)} is already linked to this member`, 'conflict');
    const verifiedAt = options.verified ? new Date() : null;
    const row = await trx
      .insertInto('identities')
      .values({
        member_id: memberId,
        platform: identity.platform,
        external_id: identity.externalId,
        verified_at: verifiedAt,
        verification_method: options.verified ? (options.method ?? 'manager') : null,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
      .catch((error: unknown) => {
        if (isUniqueViolation(error)) {
          throw new UserError(`${formatIdentity(identity)} is already linked to another member`, 'conflict');
        }
        throw error;
      });
    if (options.allowErased) {
      await trx.deleteFrom('erasures').where('identity_hash', '=', identityHash(identity)).execute();
    }
    await recordAudit(trx, {
      actor,
      action: 'identity.link',
      subjectType: 'identity',
      subjectId: formatIdentity(identity),
      details: { memberId, verified: Boolean(options.verified) },
    });
    return row;
  });
}

/** Marks an identity verified; contributions found through it that waited for this now count. */
export async function verifyIdentity(
  db: Kysely<Database>,
  memberId: number,
  identity: IdentityRef,
  method: string,
  actor: string,
): Promise<{ identity: Identity; released: number }> {
  return db.transaction().execute(async (trx) => {
    const existing = await findIdentity(trx, identity);
    if (!existing || existing.member_id !== memberId) {
      throw new UserError(`${formatIdentity(identity)} is not linked to this member`, 'not_found');
    }
    if (existing.verified_at) throw new UserError(`${formatIdentity(identity)} is already verified`, 'conflict');
    const updated = await trx
      .updateTable('identities')
      .set({ verified_at: new Date(), verification_method: method, verification_code: null })
      .where('id', '=', existing.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const released = await trx
      .updateTable('contributions')
      .set({ review_state: 'counted', updated_at: new Date() })
      .where('member_id', '=', memberId)
      .where('review_state', '=', 'pending')
      .where(sql<boolean>`metadata->>'awaitsIdentity' = ${String(existing.id)}`)
      .executeTakeFirst();
    await recordAudit(trx, {
      actor,
      action: 'identity.verify',
      subjectType: 'identity',
      subjectId: formatIdentity(identity),
      details: { memberId, method },
    });
    return { identity: updated, released: Number(released.numUpdatedRows) };
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
