// What the program tells people and systems when something happens: each function turns one
// event into its notifications (email and/or webhook), each keyed so it goes out once.
import type { Kysely } from 'kysely';
import type { ProgramConfig } from '../domain/config-schema.js';
import type { AwardResults } from '../domain/awards.js';
import type { DroppedClaim } from '../store/identities.js';
import type { ContributionRow, Database, Member } from '../store/schema.js';
import { contributionView } from '../store/views.js';
import type { WebDatabase } from '../web/queries/tables.js';
import { messages } from './messages.js';
import type { Notifier, SendOutcome } from './notifier.js';

type Person = Pick<Member, 'id' | 'name' | 'email' | 'handle'>;

export function notifyWelcome(notifier: Notifier, config: ProgramConfig, member: Person): Promise<SendOutcome> {
  return notifier.email({
    key: `welcome:${member.id}`,
    kind: 'welcome',
    memberId: member.id,
    to: member.email,
    message: messages.welcome(config.program.name, member.name, `${notifier.baseUrl}/me`),
  });
}

export function notifyIdentityVerified(notifier: Notifier, config: ProgramConfig, member: Person, identityId: number, identity: string): Promise<SendOutcome> {
  return notifier.email({
    key: `verification:${identityId}`,
    kind: 'verification',
    memberId: member.id,
    to: member.email,
    message: messages.identityVerified(config.program.name, member.name, identity, `${notifier.baseUrl}/me/identities`),
  });
}

/** Tells each person whose unverified claim on an identity was dropped why (another verified it). */
export async function notifyDroppedClaims(notifier: Notifier, db: Kysely<Database>, config: ProgramConfig, claims: DroppedClaim[]): Promise<void> {
  if (claims.length === 0) return;
  const people = await db.selectFrom('members').select(['id', 'name', 'email', 'handle']).where('id', 'in', claims.map((c) => c.memberId)).execute();
  for (const claim of claims) {
    const person = people.find((p) => p.id === claim.memberId);
    if (!person) continue;
    await notifier.email({
      key: `claim-dropped:${claim.identityId}`,
      kind: 'claim-dropped',
      memberId: person.id,
      to: person.email,
      message: messages.claimDropped(config.program.name, person.name, claim.identity, `${notifier.baseUrl}/me/identities`),
    });
  }
}

export async function notifyReviewDecision(notifier: Notifier, member: Person, row: ContributionRow): Promise<void> {
  const approved = row.review_state === 'counted';
  await notifier.email({
    key: `review:${row.id}:${row.review_state}`,
    kind: 'review-decision',
    memberId: member.id,
    to: member.email,
    message: messages.reviewDecision(member.name, row.title, approved, row.review_reason, `${notifier.baseUrl}/me/contributions`),
  });
  if (approved) await notifyContributionCounted(notifier, member, row);
}

export async function notifyContributionCounted(notifier: Notifier, member: Pick<Member, 'handle'>, row: ContributionRow): Promise<void> {
  await notifier.webhook('contribution.counted', String(row.id), {
    ...contributionView(row),
    handle: member.handle,
    profileUrl: `${notifier.baseUrl}/ambassadors/${member.handle}`,
  });
}

export async function notifyAwardsPublished(
  notifier: Notifier,
  db: Kysely<WebDatabase>,
  year: number,
  revision: number,
  results: AwardResults,
): Promise<void> {
  const winners = new Map<number, string[]>();
  for (const entry of [...results.topAmbassadors, ...Object.values(results.categoryWinners)]) {
    if (!entry) continue;
    winners.set(entry.memberId, [...(winners.get(entry.memberId) ?? []), entry.citation]);
  }
  const ids = [...winners.keys()];
  const people = ids.length ? await db.selectFrom('members').select(['id', 'name', 'email', 'handle']).where('id', 'in', ids).execute() : [];
  for (const person of people) {
    await notifier.email({
      key: `award:${year}:${revision}:${person.id}`,
      kind: 'award',
      memberId: person.id,
      to: person.email,
      message: messages.award(person.name, year, winners.get(person.id)!.join('\n\n'), `${notifier.baseUrl}/awards/${year}`),
    });
  }
  await notifier.webhook('awards.published', `${year}.${revision}`, {
    year,
    revision,
    url: `${notifier.baseUrl}/awards/${year}`,
    topAmbassadors: results.topAmbassadors.map((e) => ({ rank: e.rank, handle: e.handle, name: e.name, points: e.points, citation: e.citation })),
    categoryWinners: Object.fromEntries(
      Object.entries(results.categoryWinners).map(([category, e]) => [category, e && { handle: e.handle, name: e.name, points: e.points, citation: e.citation }]),
    ),
  });
}

export async function notifyChangesRequested(notifier: Notifier, member: Person, row: ContributionRow): Promise<void> {
  await notifier.email({
    key: `changes:${row.id}:${row.reviewed_at?.getTime() ?? 0}`,
    kind: 'changes-requested',
    memberId: member.id,
    to: member.email,
    message: messages.changesRequested(member.name, row.title, row.review_reason ?? '', `${notifier.baseUrl}/me/submissions/${row.id}/edit`),
  });
}

export async function notifyApprovalRevoked(notifier: Notifier, member: Person, row: ContributionRow): Promise<void> {
  await notifier.email({
    key: `revoked:${row.id}:${row.reviewed_at?.getTime() ?? 0}`,
    kind: 'review-revoked',
    memberId: member.id,
    to: member.email,
    message: messages.reviewRevoked(member.name, row.title, row.review_reason ?? '', `${notifier.baseUrl}/me/contributions`),
  });
}
