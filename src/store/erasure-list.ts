// The erasure list: identities of people who asked to be removed, so that no sync, import or
// ingest re-creates them. Only a key is kept, HMAC-SHA256 under a server secret of the
// identity's SHA-256, so the list alone confirms no guess. Rows written before the key existed
// (plain SHA-256, scheme 'sha256') are rewritten to the keyed form the first time the list is
// used: the keyed form is computed from the old hash, so no identity needs to be known.
import { createHmac } from 'node:crypto';
import type { Kysely } from 'kysely';
import { identityHash, type IdentityRef } from '../domain/identities.js';
import type { Database } from './schema.js';
import { getOrCreateSecret } from './secrets.js';

export const ERASURE_SECRET = 'erasure.hmac';

type Keyer = (identity: Pick<IdentityRef, 'externalId'> & { platform: string }) => string;

const upgraded = new WeakSet<object>();

/** The function that keys identities for the erasure list, legacy rows upgraded first. */
export async function erasureKeyer(db: Kysely<Database>): Promise<Keyer> {
  const secret = await getOrCreateSecret(db, ERASURE_SECRET);
  const fromHash = (hash: string) => createHmac('sha256', secret).update(hash).digest('hex');
  await upgradeLegacyErasures(db, fromHash);
  return (identity) => fromHash(identityHash(identity));
}

async function upgradeLegacyErasures(db: Kysely<Database>, fromHash: (hash: string) => string): Promise<void> {
  if (upgraded.has(db)) return;
  const legacy = await db.selectFrom('erasures').select('identity_hash').where('scheme', '=', 'sha256').execute();
  for (const row of legacy) {
    const keyed = fromHash(row.identity_hash);
    await db.transaction().execute(async (trx) => {
      await trx.deleteFrom('erasures').where('identity_hash', '=', row.identity_hash).where('scheme', '=', 'sha256').execute();
      await trx.insertInto('erasures').values({ identity_hash: keyed, scheme: 'hmac' }).onConflict((oc) => oc.column('identity_hash').doNothing()).execute();
    });
  }
  upgraded.add(db);
}

export async function isErased(db: Kysely<Database>, identity: IdentityRef): Promise<boolean> {
  const key = (await erasureKeyer(db))(identity);
  const found = await db.selectFrom('erasures').select('identity_hash').where('identity_hash', '=', key).executeTakeFirst();
  return found !== undefined;
}

/** Puts identities on the list (verified ones only: an unverified claim proves nothing). */
export async function recordErasures(db: Kysely<Database>, identities: { platform: string; externalId: string }[]): Promise<void> {
  if (identities.length === 0) return;
  const key = await erasureKeyer(db);
  await db
    .insertInto('erasures')
    .values(identities.map((identity) => ({ identity_hash: key(identity), scheme: 'hmac' })))
    .onConflict((oc) => oc.column('identity_hash').doNothing())
    .execute();
}

/** Takes an identity off the list (a person who came back and asked for it). */
export async function clearErasure(db: Kysely<Database>, identity: IdentityRef): Promise<void> {
  const key = (await erasureKeyer(db))(identity);
  await db.deleteFrom('erasures').where('identity_hash', '=', key).execute();
}
