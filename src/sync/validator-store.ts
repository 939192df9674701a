// Validators of conditional requests (ETag, Last-Modified and the body they came with), kept
// in the database so that an unchanged re-sync is answered by 304s across runs.
import type { Kysely } from 'kysely';
import type { StoredValidators, ValidatorStore } from '../sources/validators.js';
import type { Database } from '../store/schema.js';

/** Bodies larger than this are not kept: the next request is then unconditional. */
const MAX_BODY_CHARS = 2_000_000;

export function databaseValidatorStore(db: Kysely<Database>): ValidatorStore {
  return {
    async get(url) {
      const row = await db.selectFrom('http_validators').selectAll().where('url', '=', url).executeTakeFirst();
      if (!row) return null;
      const validators: StoredValidators = {};
      if (row.etag) validators.etag = row.etag;
      if (row.last_modified) validators.lastModified = row.last_modified;
      if (row.body !== null) validators.body = row.body;
      if (row.headers) validators.headers = row.headers;
      return validators;
    },
    async set(url, validators) {
      if (validators.body !== undefined && validators.body.length > MAX_BODY_CHARS) return;
      const values = {
        url,
        etag: validators.etag ?? null,
        last_modified: validators.lastModified ?? null,
        body: validators.body ?? null,
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
