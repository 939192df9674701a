// Sign-in state that must end: sessions, one-time sign-in links and OAuth round trips. A
// suspended or withdrawn person keeps none of it, whoever suspends them (console or CLI), and
// what has expired is purged (`purgeExpiredSignInState`, for the recurring jobs).
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';

/** Ends every session and unused sign-in link of a member; how many sessions ended. */
export async function endSessionsOf(db: Kysely<Database>, memberId: number): Promise<number> {
  const sessions = await sql`delete from sessions where member_id = ${memberId}`.execute(db);
  await sql`delete from login_tokens where member_id = ${memberId}`.execute(db);
  await db.deleteFrom('oauth_states').where('member_id', '=', memberId).execute();
  return Number(sessions.numAffectedRows ?? 0);
}

export interface PurgeOutcome {
  sessions: number;
  loginTokens: number;
  oauthStates: number;
}

/** Deletes sessions, sign-in links and OAuth states that expired before `now`. */
export async function purgeExpiredSignInState(db: Kysely<Database>, now: Date): Promise<PurgeOutcome> {
  const sessions = await sql`delete from sessions where expires_at <= ${now}`.execute(db);
  const loginTokens = await sql`delete from login_tokens where expires_at <= ${now} or used_at is not null`.execute(db);
  const oauthStates = await db.deleteFrom('oauth_states').where('expires_at', '<=', now).executeTakeFirst();
  return {
    sessions: Number(sessions.numAffectedRows ?? 0),
    loginTokens: Number(loginTokens.numAffectedRows ?? 0),
    oauthStates: Number(oauthStates.numDeletedRows),
  };
}
