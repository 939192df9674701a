// The daily look at who is about to lapse or has lapsed: at a date, everyone whose status
// window ends in exactly `lapseWarningDays` days (or fewer, if a check was missed) gets the
// warning once per window, and everyone whose window ended gets "lapsed" once per window.
// The window's last day is part of the key, so a new contribution starts a new cycle.
import type { Kysely } from 'kysely';
import type { ProgramConfig } from '../domain/config-schema.js';
import { memberStatuses } from '../store/statuses.js';
import { coreDb, type WebDatabase } from '../web/queries/tables.js';
import { messages } from './messages.js';
import type { Notifier } from './notifier.js';

export interface LapseCheckResult {
  warned: string[];
  lapsed: string[];
}

export async function checkLapses(db: Kysely<WebDatabase>, config: ProgramConfig, notifier: Notifier, at: string): Promise<LapseCheckResult> {
  const statuses = await memberStatuses(coreDb(db), config, at);
  const members = new Map(
    (await db.selectFrom('members').select(['id', 'email', 'name', 'state']).execute()).map((m) => [m.id, m]),
  );
  const result: LapseCheckResult = { warned: [], lapsed: [] };
  const url = `${notifier.baseUrl}/me/submit`;
  for (const status of statuses) {
    const member = members.get(status.memberId);
    if (!member || member.state !== 'registered' || !status.activeUntil || status.daysLeft === null) continue;
    if (status.status === 'lapsing') {
      const outcome = await notifier.email({
        key: `lapse-warning:${member.id}:${status.activeUntil}`,
        kind: 'lapse-warning',
        memberId: member.id,
        to: member.email,
        message: messages.lapseWarning(member.name, status.activeUntil, status.daysLeft, url),
      });
      if (outcome === 'sent') result.warned.push(status.handle);
    } else if (status.status === 'inactive' && status.daysLeft >= -config.activity.lapseWarningDays) {
      // Only recent lapses: a member inactive for long was told when it happened.
      const outcome = await notifier.email({
        key: `lapsed:${member.id}:${status.activeUntil}`,
        kind: 'lapsed',
        memberId: member.id,
        to: member.email,
        message: messages.lapsed(member.name, status.activeUntil, url),
      });
      if (outcome === 'sent') result.lapsed.push(status.handle);
    }
  }
  return result;
}
