// Award snapshots: computing a year's draft from the database, publishing it, and reading
// them back. A published year is frozen: recomputing it needs a stated reason and produces
// a new draft, which replaces the published one only when it is published in turn.
import { sql, type Kysely } from 'kysely';
import { awardCycle, computeAwards, type AwardResults, type Candidate } from '../domain/awards.js';
import type { ProgramConfig } from '../domain/config-schema.js';
import { rulesVersionOn, rulesVersions } from '../domain/rules.js';
import { isActiveStatus } from '../domain/status.js';
import { recordAudit } from './audit.js';
import { UserError } from './errors.js';
import type { AwardSnapshotRow, Database } from './schema.js';
import { queryStandings } from './standings.js';
import { memberStatuses } from './statuses.js';

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
    .where('id', 'in', ids)
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
  options: { reason?: string } = {},
): Promise<ComputeOutcome> {
  if (!Number.isInteger(year) || year < 2000 || year > 2999) throw new UserError(`expected a year, got ${year}`);
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
      throw new UserError(
        `the ${year} awards are published (revision ${published.revision}) and their inputs have changed; ` +
          'computing them again needs a reason (--reason)',
        'conflict',
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
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      actor,
      action: 'awards.compute',
      subjectType: 'awards',
      subjectId: year,
      reason: options.reason ?? null,
      details: { revision: snapshot.revision, inputHash: results.inputHash },
    });
    return { snapshot, created: true };
  });
}

export async function publishAwards(db: Kysely<Database>, year: number, actor: string): Promise<AwardSnapshotRow> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(727275, ${year}::int)`.execute(trx);
    const latest = await latestSnapshot(trx, year);
    if (!latest) throw new UserError(`no ${year} awards have been computed; run "awards compute ${year}" first`, 'not_found');
    if (latest.status === 'published') throw new UserError(`the ${year} awards are already published (revision ${latest.revision})`, 'conflict');
    await trx
      .updateTable('award_snapshots')
      .set({ status: 'superseded' })
      .where('year', '=', year)
      .where('status', '=', 'published')
      .execute();
    const published = await trx
      .updateTable('award_snapshots')
      .set({ status: 'published', published_at: new Date(), published_by: actor })
      .where('id', '=', latest.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      actor,
      action: 'awards.publish',
      subjectType: 'awards',
      subjectId: year,
      details: { revision: published.revision, inputHash: published.input_hash },
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
