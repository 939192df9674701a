// The daily digest for program managers: what was submitted in the last day, what waits and
// for how long, and which sources failed (each source's latest run). One email per manager per
// day (keyed by the date, so a second run the same day sends nothing). A plain function the
// scheduler or `ambassador digest` calls.
import type { Kysely } from 'kysely';
import type { ProgramConfig } from '../domain/config-schema.js';
import { toIsoDate } from '../domain/dates.js';
import type { Database } from '../store/schema.js';
import { messages } from './messages.js';
import type { Notifier, SendOutcome } from './notifier.js';

export interface DigestDeps {
  notifier: Notifier;
  config: ProgramConfig;
}

export interface DigestContent {
  date: string;
  newSubmissions: { id: number; title: string; handle: string }[];
  pending: number;
  oldestPendingDays: number | null;
  failingSources: { source: string; error: string | null; at: Date }[];
}

export async function digestContent(db: Kysely<Database>, now: Date): Promise<DigestContent> {
  const since = new Date(now.getTime() - 86_400_000);
  const [fresh, pending, oldest, runs] = await Promise.all([
    db
      .selectFrom('contributions')
      .innerJoin('members', 'members.id', 'contributions.member_id')
      .select(['contributions.id', 'contributions.title', 'members.handle'])
      .where('contributions.created_at', '>=', since)
      .where('contributions.created_at', '<=', now)
      .where('contributions.review_state', '=', 'pending')
      .orderBy('contributions.id')
      .execute(),
    db.selectFrom('contributions').select((eb) => eb.fn.countAll<string>().as('n')).where('review_state', '=', 'pending').executeTakeFirstOrThrow(),
    db.selectFrom('contributions').select((eb) => eb.fn.min('created_at').as('at')).where('review_state', '=', 'pending').executeTakeFirst(),
    // The latest run of each source across everyone (not one member's own sync).
    db
      .selectFrom('sync_runs')
      .select(['source', 'status', 'error', 'started_at', 'id'])
      .where('scope', 'is', null)
      .orderBy('source')
      .orderBy('id', 'desc')
      .distinctOn('source')
      .execute(),
  ]);
  const oldestAt = oldest?.at ? new Date(oldest.at as Date) : null;
  return {
    date: toIsoDate(now),
    newSubmissions: fresh,
    pending: Number(pending.n),
    oldestPendingDays: oldestAt ? Math.floor((now.getTime() - oldestAt.getTime()) / 86_400_000) : null,
    failingSources: runs.filter((r) => r.status === 'failed').map((r) => ({ source: r.source, error: r.error, at: r.started_at })),
  };
}

export function digestLines(content: DigestContent): string[] {
  const lines: string[] = [];
  const n = content.newSubmissions.length;
  lines.push(n === 0 ? 'Nothing new came in during the last day.' : `${n} new item${n === 1 ? '' : 's'} to review in the last day:`);
  for (const item of content.newSubmissions.slice(0, 20)) lines.push(`- #${item.id} "${item.title}" by @${item.handle}`);
  if (n > 20) lines.push(`- and ${n - 20} more`);
  lines.push(`${content.pending} item${content.pending === 1 ? '' : 's'} wait${content.pending === 1 ? 's' : ''} for review${content.oldestPendingDays !== null ? `; the oldest for ${content.oldestPendingDays} day${content.oldestPendingDays === 1 ? '' : 's'}` : ''}.`);
  if (content.failingSources.length === 0) lines.push('Every source ran fine on its last run.');
  else for (const failure of content.failingSources) lines.push(`Source ${failure.source} failed on its last run: ${(failure.error ?? 'no error recorded').slice(0, 300)}`);
  return lines;
}

/** Sends the digest to every registered manager and administrator with an email address. */
export async function sendManagersDigest(db: Kysely<Database>, deps: DigestDeps, now: Date): Promise<{ content: DigestContent; outcomes: SendOutcome[] }> {
  const content = await digestContent(db, now);
  const lines = digestLines(content);
  const managers = await db.selectFrom('members').select(['id', 'name', 'email']).where('role', 'in', ['manager', 'admin']).where('state', '=', 'registered').orderBy('id').execute();
  const outcomes: SendOutcome[] = [];
  for (const manager of managers) {
    outcomes.push(
      await deps.notifier.email({
        key: `digest:${content.date}:${manager.id}`,
        kind: 'manager-digest',
        memberId: manager.id,
        to: manager.email,
        message: messages.managersDigest(manager.name, content.date, lines, `${deps.notifier.baseUrl}/manage/reviews`),
      }),
    );
  }
  return { content, outcomes };
}
