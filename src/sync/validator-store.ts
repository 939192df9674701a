// Validators of conditional requests (ETag, Last-Modified and the body they came with), kept
// in the database so that an unchanged re-sync is answered by 304s across runs.
import type { Kysely } from 'kysely';
import type { StoredValidators, ValidatorStore } from '../sources/validators.js';
import type { Database } from '../store/schema.js';

/** Bodies larger than this are not kept: the next request is then unconditional. */
const MAX_BODY_BYTES = 4_000_000;

export function databaseValidatorStore(db: Kysely<Database>): ValidatorStore {
  return {
    async get(url) {
      const row = await db.selectFrom('http_validators').selectAll().where('url', '=', url).executeTakeFirst();
      if (!row) return null;
      const validators: StoredValidators = {};
      if (row.etag) validators.etag = row.etag;
      if (row.last_modified) validators.lastModified = row.last_modified;
      // node-postgres hands bytea as a Buffer, PGlite as a Uint8Array.
      if (row.body !== null) validators.body = Buffer.from(row.body.buffer, row.body.byteOffset, row.body.byteLength);
      if (row.headers) validators.headers = row.headers;
      return validators;
    },
    async set(url, validators) {
      if (validators.body !== undefined && validators.body.byteLength > MAX_BODY_BYTES) return;
      const values = {
        url,
        etag: validators.etag ?? null,
        last_modified: validators.lastModified ?? null,
        body: validators.body ? Buffer.from(validators.body.buffer, validators.body.byteOffset, validators.body.byteLength) : null,
        headers: validators.headers ? JSON.stringify(validators.headers) : null,
        updated_at: new Date(),
      };
      await db
        .insertInto('http_validators')
        .values(values)
        .onConflict((oc) => oc.column('url').doUpdateSet({ ...values }))
        .execute();
    },
  };
}
