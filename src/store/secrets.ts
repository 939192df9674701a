// Secrets the program makes for itself (session signing, the erasure HMAC key, credential
// keys), generated once and kept in the database so that every instance, and every restart,
// uses the same one. The first instance to ask creates it; the others read the same row.
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** The named secret, created from `generate` (32 random bytes, base64url) when it is missing. */
export async function getOrCreateSecret(
  db: Kysely<Database>,
  name: string,
  generate: () => string = () => randomBytes(32).toString('base64url'),
): Promise<string> {
  const existing = await readSecret(db, name);
  if (existing !== undefined) return existing;
  // Two instances starting together both try to insert; the loser reads the winner's value.
  await db.insertInto('server_secrets').values({ name, value: generate() }).onConflict((oc) => oc.column('name').doNothing()).execute();
  const created = await readSecret(db, name);
  if (created === undefined) throw new Error(`secret ${name} could not be stored`);
  return created;
}

export async function readSecret(db: Kysely<Database>, name: string): Promise<string | undefined> {
  const row = await db.selectFrom('server_secrets').select('value').where('name', '=', name).executeTakeFirst();
  return row?.value;
}
