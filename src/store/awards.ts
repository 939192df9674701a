// Award snapshots: computing a year's draft from the database, publishing it, and reading
// them back. A published year is frozen: recomputing it needs a stated reason and produces
// a new draft, which replaces the published one only when it is published in turn.
import { sql, type Kysely } from 'kysely';
import { awardCycle, computeAwards, cycleTiming, type AwardResults, type Candidate } from '../domain/awards.js';
import type { ProgramConfig } from '../domain/config-schema.js';
import { toIsoDate } from '../domain/dates.js';
import { CATEGORIES, CATEGORY_LABELS, type Category } from '../domain/categories.js';
import { rulesVersionOn, rulesVersions } from '../domain/rules.js';
import { isActiveStatus } from '../domain/status.js';
import { recordAudit } from './audit.js';
import { isAnyOf } from './id-lists.js';
import { UserError } from './errors.js';
import type { AwardSnapshotRow, Database } from './schema.js';
import { queryStandings } from './standings.js';
import { memberStatuses } from './statuses.js';

/**
 * A guard of the awards season said no: the cycle has not ended (an early compute, publish or
 * schedule needs a reason) or the year is published (recomputing it needs a reason). Each
 * caller says what to do in its own words: the console a form, the CLI a flag, the API a field.
 */
export class AwardsGuardError extends UserError {
  constructor(
    readonly guard: 'early' | 'published',
    readonly year: number,
    readonly detail: { cycleEnd?: string; daysRemaining?: number; revision?: number },
    message: string,
  ) {
    super(message, 'conflict');
    this.name = 'AwardsGuardError';
  }
}

function earlyGuard(year: number, cycleEnd: string, today: string, earlyReason: string | undefined, doing: string): string | null {
  const timing = cycleTiming({ year, start: cycleEnd, end: cycleEnd }, today);
  if (timing.ended) return null;
  const reason = earlyReason?.trim();
  if (reason) return reason.slice(0, 500);
  throw new AwardsGuardError(
    'early',
    year,
    { cycleEnd, daysRemaining: timing.daysRemaining },
    `the ${year} award cycle runs until ${cycleEnd} (${timing.daysRemaining} ${timing.daysRemaining === 1 ? 'day remains' : 'days remain'}); ` +
      `${doing} before it ends needs a confirmation with a reason`,
  );
}

export interface ComputeOutcome {
  snapshot: AwardSnapshotRow;
  /** False when the latest draft already had the same input hash (nothing changed). */
  created: boolean;
}

export async function loadCandidates(db: Kysely<Database>, config: ProgramConfig, year: number): Promise<Candidate[]> {
  const cycle = awardCycle(config.awards, year);
  const standings = (await queryStandings(db, { from: cycle.start, to: cycle.end })).rows;
  if (standings.length === 0) return [];
  const ids = standings.map((standing) => standing.memberId);
  const members = await db
    .selectFrom('members')
    .select(['id', 'is_staff', 'is_bot', 'state'])
    .where(isAnyOf('id', ids))
    .execute();
  const flags = new Map(members.map((member) => [member.id, member]));
  const statuses = new Map(
    (await memberStatuses(db, config, cycle.end, { memberIds: ids })).map((status) => [status.memberId, status]),
  );
  const kindRows = await db
    .selectFrom('contributions')
    .select(['member_id', 'kind', sql<number>`count(*)::int`.as('n')])
    .where('review_state', '=', 'counted')
    .where('occurred_at', '>=', new Date(`${cycle.start}T00:00:00Z`))
    .where('occurred_at', '<', new Date(new Date(`${cycle.end}T00:00:00Z`).getTime() + 86_400_000))
    .where('points', '>', 0)
    .groupBy(['member_id', 'kind'])
    .execute();
  const labels = rulesVersionOn(rulesVersions(config), cycle.end).kinds;
  const kindCounts = new Map<number, Record<string, number>>();
  for (const row of kindRows) {
    const counts = kindCounts.get(row.member_id) ?? {};
    const label = labels[row.kind]?.label ?? row.kind;
    counts[label] = (counts[label] ?? 0) + row.n;
    kindCounts.set(row.member_id, counts);
  }
  return standings.map(({ rank: _rank, ...standing }) => {
    const member = flags.get(standing.memberId)!;
    return {
      ...standing,
      isStaff: member.is_staff,
      isBot: member.is_bot,
      state: member.state,
      activeAtCycleEnd: isActiveStatus(statuses.get(standing.memberId)?.status ?? 'inactive'),
      kindCounts: kindCounts.get(standing.memberId) ?? {},
    };
  });
}

/** The ids of the rules versions that applied to some day of the cycle. */
export function cycleRulesVersions(config: ProgramConfig, year: number): string[] {
  const cycle = awardCycle(config.awards, year);
  const versions = rulesVersions(config);
  return versions
    .filter((version, index) => {
      const next = versions[index + 1];
      return version.effectiveFrom <= cycle.end && (!next || next.effectiveFrom > cycle.start);
    })
    .map((version) => version.id);
}

export async function computeAwardDraft(
  db: Kysely<Database>,
  config: ProgramConfig,
  year: number,
  actor: string,
  options: { reason?: string; earlyReason?: string; today?: string } = {},
): Promise<ComputeOutcome> {
  if (!Number.isInteger(year) || year < 2000 || year > 2999) throw new UserError(`expected a year, got ${year}`);
  const cycleEnd = awardCycle(config.awards, year).end;
  const early = earlyGuard(year, cycleEnd, options.today ?? toIsoDate(new Date()), options.earlyReason, `computing the ${year} awards`);
  const candidates = await loadCandidates(db, config, year);
  const results = computeAwards(config.awards, awardCycle(config.awards, year), cycleRulesVersions(config, year), candidates);
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(727275, ${year}::int)`.execute(trx);
    const latest = await latestSnapshot(trx, year);
    const published = await publishedSnapshot(trx, year);
    if (latest && latest.input_hash === results.inputHash && latest.status !== 'superseded') {
      return { snapshot: latest, created: false };
    }
    if (published && !options.reason?.trim()) {
      throw new AwardsGuardError(
        'published',
        year,
        { revision: published.revision },
        `the ${year} awards are published (revision ${published.revision}) and their inputs have changed; computing them again needs a reason`,
      );
    }
    const snapshot = await trx
      .insertInto('award_snapshots')
      .values({
        year,
        revision: (latest?.revision ?? 0) + 1,
        status: 'draft',
        rules_version: results.rulesVersions.join(' '),
        input_hash: results.inputHash,
        cycle_start: results.cycle.start,
        cycle_end: results.cycle.end,
        settings: JSON.stringify(config.awards),
        results: JSON.stringify(results),
        computed_by: actor,
        reason: options.reason?.trim() || null,
        early_reason: early,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      actor,
      action: 'awards.compute',
      subjectType: 'awards',
      subjectId: year,
      reason: options.reason ?? early ?? null,
      details: { revision: snapshot.revision, inputHash: results.inputHash, ...(early ? { earlyReason: early } : {}) },
    });
    return { snapshot, created: true };
  });
}

export async function publishAwards(
  db: Kysely<Database>,
  year: number,
  actor: string,
  options: { now?: Date; earlyReason?: string } = {},
): Promise<AwardSnapshotRow> {
  const now = options.now ?? new Date();
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(727275, ${year}::int)`.execute(trx);
    const latest = await latestSnapshot(trx, year);
    if (!latest) throw new UserError(`no ${year} awards have been computed yet; compute a draft first`, 'not_found');
    if (latest.status === 'published') throw new UserError(`the ${year} awards are already published (revision ${latest.revision})`, 'conflict');
    const early = earlyGuard(year, latest.cycle_end, toIsoDate(now), options.earlyReason, `publishing the ${year} awards`);
    await trx
      .updateTable('award_snapshots')
      .set({ status: 'superseded' })
      .where('year', '=', year)
      .where('status', '=', 'published')
      .execute();
    const published = await trx
      .updateTable('award_snapshots')
      .set({ status: 'published', published_at: now, published_by: actor, announce_at: null, early_reason: early ?? latest.early_reason })
      .where('id', '=', latest.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      actor,
      action: 'awards.publish',
      subjectType: 'awards',
      subjectId: year,
      reason: early,
      details: { revision: published.revision, inputHash: published.input_hash, ...(early ? { earlyReason: early } : {}) },
    });
    return published;
  });
}

export async function latestSnapshot(db: Kysely<Database>, year: number): Promise<AwardSnapshotRow | undefined> {
  return db
    .selectFrom('award_snapshots')
    .selectAll()
    .where('year', '=', year)
    .orderBy('revision', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function publishedSnapshot(db: Kysely<Database>, year: number): Promise<AwardSnapshotRow | undefined> {
  return db
    .selectFrom('award_snapshots')
    .selectAll()
    .where('year', '=', year)
    .where('status', '=', 'published')
    .executeTakeFirst();
}

export async function listSnapshots(db: Kysely<Database>, year?: number): Promise<AwardSnapshotRow[]> {
  let query = db.selectFrom('award_snapshots').selectAll().orderBy('year', 'desc').orderBy('revision', 'desc');
  if (year !== undefined) query = query.where('year', '=', year);
  return query.execute();
}

export function snapshotResults(snapshot: AwardSnapshotRow): AwardResults {
  return snapshot.results as AwardResults;
}

/**
 * Schedules the latest draft to be published (and its winners emailed) at a set time, by
 * publishDueAnnouncements. A time before the cycle's end needs a reason, like publishing.
 */
export async function scheduleAnnouncement(
  db: Kysely<Database>,
  year: number,
  at: Date,
  actor: string,
  options: { now?: Date; earlyReason?: string } = {},
): Promise<AwardSnapshotRow> {
  const now = options.now ?? new Date();
  if (Number.isNaN(at.getTime())) throw new UserError('announce at: expected a date and time');
  if (at.getTime() < now.getTime() - 60_000) throw new UserError('announce at: expected a time in the future');
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(727275, ${year}::int)`.execute(trx);
    const latest = await latestSnapshot(trx, year);
    if (!latest || latest.status !== 'draft') throw new UserError(`there is no ${year} draft to schedule; compute one first`, 'not_found');
    const early = earlyGuard(year, latest.cycle_end, toIsoDate(at), options.earlyReason, `announcing the ${year} awards`);
    const scheduled = await trx
      .updateTable('award_snapshots')
      .set({ announce_at: at, scheduled_by: actor, early_reason: early ?? latest.early_reason })
      .where('id', '=', latest.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      actor,
      action: 'awards.schedule',
      subjectType: 'awards',
      subjectId: year,
      reason: early,
      details: { revision: latest.revision, announceAt: at.toISOString() },
    });
    return scheduled;
  });
}

export async function cancelAnnouncement(db: Kysely<Database>, year: number, actor: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('award_snapshots')
      .set({ announce_at: null, scheduled_by: null })
      .where('year', '=', year)
      .where('status', '=', 'draft')
      .where('announce_at', 'is not', null)
      .returning('revision')
      .execute();
    if (updated.length === 0) throw new UserError(`no ${year} announcement is scheduled`, 'not_found');
    await recordAudit(trx, { actor, action: 'awards.unschedule', subjectType: 'awards', subjectId: year });
  });
}

/** Drafts whose announcement time has come, oldest first. */
export async function dueAnnouncements(db: Kysely<Database>, now: Date): Promise<AwardSnapshotRow[]> {
  return db
    .selectFrom('award_snapshots')
    .selectAll()
    .where('status', '=', 'draft')
    .where('announce_at', 'is not', null)
    .where('announce_at', '<=', now)
    .orderBy('announce_at')
    .execute();
}

/** Published snapshots whose winners have not been emailed (a crash between the two). */
export async function unannouncedSnapshots(db: Kysely<Database>): Promise<AwardSnapshotRow[]> {
  return db.selectFrom('award_snapshots').selectAll().where('status', '=', 'published').where('announced_at', 'is', null).execute();
}

export async function markAnnounced(db: Kysely<Database>, snapshotId: number, at: Date): Promise<void> {
  await db.updateTable('award_snapshots').set({ announced_at: at }).where('id', '=', snapshotId).execute();
}

export type AwardKey = 'top' | Category;

export interface MemberAward {
  year: number;
  revision: number;
  key: AwardKey;
  /** "Top Ambassador 2025 (rank 2)", "Code award 2025". */
  title: string;
  rank: number;
  citation: string;
  publishedAt: Date | null;
}

/** The published awards of one person, newest year first (top ranking before categories). */
/** What a member's awards are read from: a published snapshot's year, revision, time and results. */
export type SnapshotAwards = Pick<AwardSnapshotRow, 'year' | 'revision' | 'published_at' | 'results'>;

export function awardsInSnapshot(snapshot: SnapshotAwards, memberId: number): MemberAward[] {
  const results = snapshot.results as AwardResults;
  const base = { year: snapshot.year, revision: snapshot.revision, publishedAt: snapshot.published_at };
  const awards: MemberAward[] = [];
  const top = results.topAmbassadors.find((entry) => entry.memberId === memberId);
  if (top) awards.push({ ...base, key: 'top', title: `Top Ambassador ${snapshot.year}`, rank: top.rank, citation: top.citation });
  for (const category of CATEGORIES) {
    const winner = results.categoryWinners[category];
    if (winner?.memberId === memberId) awards.push({ ...base, key: category, title: `${CATEGORY_LABELS[category]} award ${snapshot.year}`, rank: 1, citation: winner.citation });
  }
  return awards;
}

export async function memberAwards(db: Kysely<Database>, memberId: number): Promise<MemberAward[]> {
  return (await publishedSnapshots(db)).flatMap((snapshot) => awardsInSnapshot(snapshot, memberId));
}

/** Every published snapshot, newest year first (a page that reads them before it knows the member). */
export async function publishedSnapshots(db: Kysely<Database>): Promise<AwardSnapshotRow[]> {
  return db.selectFrom('award_snapshots').selectAll().where('status', '=', 'published').orderBy('year', 'desc').execute();
}
