// Fixed-window rate limits counted in the database, so that every server instance sees the
// same count for a key (an email address, a client address, a member and an action).
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';

export interface RateLimit {
  max: number;
  windowMs: number;
}

export interface RateLimitVerdict {
  allowed: boolean;
  /** Hits counted in the current window, this one included. */
  hits: number;
  /** When the current window ends. */
  resetAt: Date;
}

/** Keys longer than this are cut before they are stored (keys can carry user input). */
const MAX_KEY_LENGTH = 300;

/** Counts one hit of `key` in the window that holds `now`; allowed while within `max`. */
export async function hitRateLimit(db: Kysely<Database>, key: string, limit: RateLimit, now: Date): Promise<RateLimitVerdict> {
  const windowStart = new Date(Math.floor(now.getTime() / limit.windowMs) * limit.windowMs);
  const row = await db
    .insertInto('rate_limit_hits')
    .values({ key: key.slice(0, MAX_KEY_LENGTH), window_start: windowStart, hits: 1 })
    .onConflict((oc) => oc.columns(['key', 'window_start']).doUpdateSet({ hits: sql`rate_limit_hits.hits + 1` }))
    .returning('hits')
    .executeTakeFirstOrThrow();
  return { allowed: row.hits <= limit.max, hits: row.hits, resetAt: new Date(windowStart.getTime() + limit.windowMs) };
}

/** The hits of `key` in the current window, without counting one. */
export async function peekRateLimit(db: Kysely<Database>, key: string, limit: RateLimit, now: Date): Promise<number> {
  const windowStart = new Date(Math.floor(now.getTime() / limit.windowMs) * limit.windowMs);
  const row = await db
    .selectFrom('rate_limit_hits')
    .select('hits')
    .where('key', '=', key.slice(0, MAX_KEY_LENGTH))
    .where('window_start', '=', windowStart)
    .executeTakeFirst();
  return row?.hits ?? 0;
}

/** Removes windows that ended before `before`; returns how many rows went. */
export async function purgeRateLimits(db: Kysely<Database>, before: Date): Promise<number> {
  const result = await db.deleteFrom('rate_limit_hits').where('window_start', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
