// Retention: the records that would otherwise grow forever are deleted once they have served
// their purpose — expired sessions, sign-in links and OAuth round trips, old rate-limit windows,
// sent notifications after N days, sync run records after N days (the latest run of each source
// always stays), validators of URLs no linked identity names any more, and the audit log only
// when the operator sets a period. `runRetention` is what the recurring job calls; a dry run
// does the same deletes in a transaction it rolls back, so it counts exactly what would go.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { purgeRateLimits } from '../store/rate-limits.js';
import { purgeExpiredSignInState } from '../store/sessions.js';
import type { RetentionSettings } from './settings.js';

const DAY_MS = 86_400_000;
/** Rate-limit windows are minutes to hours long; a week-old one counts for nothing. */
const RATE_LIMIT_KEEP_DAYS = 7;

export interface RetentionOutcome {
  sessions: number;
  loginTokens: number;
  oauthStates: number;
  rateLimitWindows: number;
  notifications: number;
  syncRuns: number;
  validators: number;
  /** null: the audit log is kept forever (operations.retention.auditLogDays unset). */
  auditLog: number | null;
  dryRun: boolean;
}

class DryRun extends Error {
  constructor(readonly outcome: RetentionOutcome) {
    super('dry run');
  }
}

const daysBefore = (now: Date, days: number) => new Date(now.getTime() - days * DAY_MS);
const affected = (result: { numAffectedRows?: bigint }) => Number(result.numAffectedRows ?? 0);

async function deleteAll(db: Kysely<Database>, settings: RetentionSettings, now: Date): Promise<Omit<RetentionOutcome, 'dryRun'>> {
  const signIn = await purgeExpiredSignInState(db, now);
  const rateLimitWindows = await purgeRateLimits(db, daysBefore(now, RATE_LIMIT_KEEP_DAYS));
  const notifications = affected(
    await sql`delete from notifications where status = 'sent' and coalesce(sent_at, created_at) < ${daysBefore(now, settings.notificationsDays)}`.execute(db),
  );
  // The newest run of each source stays whatever its age: it is what the console and the
  // alerts read as "the last run".
  const syncRuns = affected(
    await sql`
      delete from sync_runs r
      where r.started_at < ${daysBefore(now, settings.syncRunsDays)}
        and r.status <> 'running'
        and r.id <> (select max(latest.id) from sync_runs latest where latest.source = r.source)
    `.execute(db),
  );
  // A validator is a cache: deleting one costs one unconditional request. Those that name a
  // linked identity (its feed URL, its account name in an API path) stay while it is linked.
  const validators = affected(
    await sql`
      delete from http_validators v
      where v.updated_at < ${daysBefore(now, settings.validatorsDays)}
        and not exists (
          select 1 from identities i
          where length(i.external_id) >= 2 and strpos(lower(v.url), lower(i.external_id)) > 0
        )
    `.execute(db),
  );
  const auditLog =
    settings.auditLogDays === undefined
      ? null
      : affected(await sql`delete from audit_log where at < ${daysBefore(now, settings.auditLogDays)}`.execute(db));
  return { ...signIn, rateLimitWindows, notifications, syncRuns, validators, auditLog };
}

export async function runRetention(
  db: Kysely<Database>,
  settings: RetentionSettings,
  now: Date,
  options: { dryRun?: boolean } = {},
): Promise<RetentionOutcome> {
  try {
    return await db.transaction().execute(async (trx) => {
      const outcome = { ...(await deleteAll(trx, settings, now)), dryRun: Boolean(options.dryRun) };
      if (options.dryRun) throw new DryRun(outcome);
      return outcome;
    });
  } catch (error) {
    if (error instanceof DryRun) return error.outcome;
    throw error;
  }
}
