// Ambassador status of members at a date, from the facts: joined date, membership state
// changes and the last counted contribution on or before that date.
import { sql, type Expression, type Kysely } from 'kysely';
import type { ProgramConfig } from '../domain/config-schema.js';
import { addDays, toIsoDate, type IsoDate } from '../domain/dates.js';
import { earliestAnchorReaching, statusAt, type ActivityRules, type ActivityStatus, type MemberState, type StatusAt } from '../domain/status.js';
import type { Database } from './schema.js';
import { isAnyOf } from './id-lists.js';

export interface MemberStatus extends StatusAt {
  memberId: number;
  handle: string;
  name: string;
}

export async function memberStatuses(
  db: Kysely<Database>,
  config: ProgramConfig,
  at: string,
  options: { memberIds?: number[] } = {},
): Promise<MemberStatus[]> {
  const until = statusUntil(at);
  const query = db
    .selectFrom('members as m')
    .select([
      'm.id',
      'm.handle',
      'm.name',
      'm.joined_at',
      lastCountedOfM(until).as('last_counted_at'),
    ])
    .where('m.is_bot', '=', false)
    .orderBy(sql`lower(m.handle)`);
  if (options.memberIds) {
    // A few members (a profile, a badge): their state changes come with them, one round trip.
    const rows = await query
      .where(isAnyOf('m.id', options.memberIds))
      .select(STATE_CHANGES_OF_M.as('changes'))
      .execute();
    return rows.map((member) => statusFromFacts(config, at, member, member.changes));
  }
  const members = await query.execute();
  const changes = await db
    .selectFrom('status_changes')
    .select(['member_id', 'to_status', 'effective_on'])
    .where('to_status', 'in', ['registered', 'suspended', 'withdrawn'])
    .where('effective_on', 'is not', null)
    .orderBy('id')
    .execute();
  const changesByMember = new Map<number, { effectiveOn: string; state: MemberState }[]>();
  for (const change of changes) {
    const list = changesByMember.get(change.member_id) ?? [];
    list.push({ effectiveOn: change.effective_on!, state: change.to_status as MemberState });
    changesByMember.set(change.member_id, list);
  }
  return members.map((member) => statusOf(config, at, member, changesByMember.get(member.id) ?? []));
}

/** The state changes of the member `m` of a query, as JSON text for statusFromFacts. */
export const STATE_CHANGES_OF_M = sql<string | null>`(select json_agg(json_build_array(sc.to_status, sc.effective_on) order by sc.id)::text from status_changes sc
          where sc.member_id = m.id and sc.to_status in ('registered', 'suspended', 'withdrawn') and sc.effective_on is not null)`;

/**
 * Every member's status at `at` as rows (member_id, status), decided in SQL by the rules of
 * statusAt: the state on the date (the last change in effect, the later id of a day's), then
 * the anchor (the later of joining and the last counted contribution's UTC date) against the
 * earliest anchors whose window reaches the date and the end of its warning. Only the
 * contributions of that window are read: an older one leaves its member inactive either way.
 * With a `scope` (a query of member ids) only those members are decided, and the planner may
 * look their contributions up member by member instead of reading the whole window.
 * The property test (test/store/status-sql.test.ts) holds it to statusAt.
 */
export function statusesAt(rules: ActivityRules, at: IsoDate, scope?: Expression<unknown>) {
  const lapsesBy = earliestAnchorReaching(rules, at);
  const warnsBy = earliestAnchorReaching(rules, addDays(at, rules.lapseWarningDays + 1));
  return sql<{ member_id: number; status: ActivityStatus }>`(select f.id as member_id, case
      when f.joined_at > ${at}::date then 'not-yet-joined'
      when f.state <> 'registered' then f.state
      when f.anchor < ${lapsesBy}::date then 'inactive'
      when f.anchor < ${warnsBy}::date then 'lapsing'
      else 'active' end as status
    from (select s.id, s.joined_at, coalesce(st.to_status, 'registered') as state,
        greatest(s.joined_at, (rc.last at time zone 'UTC')::date) as anchor
      from members s
      left join (select c.member_id, max(c.occurred_at) as last from contributions c
        where c.review_state = 'counted' and c.occurred_at >= ${new Date(`${lapsesBy}T00:00:00Z`)} and c.occurred_at < ${statusUntil(at)}
          and ${scope ? sql`c.member_id in (${scope})` : sql`true`}
        group by c.member_id) rc on rc.member_id = s.id
      left join (select distinct on (sc.member_id) sc.member_id, sc.to_status from status_changes sc
        where sc.to_status in ('registered', 'suspended', 'withdrawn') and sc.effective_on is not null and sc.effective_on <= ${at}::date
        order by sc.member_id, sc.effective_on desc, sc.id desc) st on st.member_id = s.id
      where ${scope ? sql`s.id in (${scope})` : sql`true`}) f)`;
}

/** True for the member `m` of a query whose status at `at` is one of `statuses` (statusesAt, within `scope`). */
export function statusIsOneOf(rules: ActivityRules, at: IsoDate, statuses: readonly ActivityStatus[], scope?: Expression<unknown>) {
  if (statuses.length === 0) return sql<boolean>`false`;
  return sql<boolean>`m.id in (select sa.member_id from ${statusesAt(rules, at, scope)} sa where sa.status in (${sql.join([...statuses])}))`;
}

/** The last counted contribution of the member `m` of a query before `until`. */
export function lastCountedOfM(until: Date) {
  return sql<Date | null>`(select max(c.occurred_at) from contributions c where c.member_id = m.id and c.review_state = 'counted' and c.occurred_at < ${until})`;
}

/** A member's status at `at` from the facts read with STATE_CHANGES_OF_M and lastCountedOfM (one member's read folded into a page's). */
export function statusFromFacts(
  config: ProgramConfig,
  at: string,
  member: { id: number; handle: string; name: string; joined_at: string; last_counted_at: Date | null },
  changesJson: string | null,
): MemberStatus {
  const changes = JSON.parse(changesJson ?? '[]') as [string, string][];
  return statusOf(config, at, member, changes.map(([state, effectiveOn]) => ({ effectiveOn, state: state as MemberState })));
}

/** The day after `at`: statuses count contributions before it. */
export function statusUntil(at: string): Date {
  return new Date(new Date(`${at}T00:00:00Z`).getTime() + 86_400_000);
}

function statusOf(
  config: ProgramConfig,
  at: string,
  member: { id: number; handle: string; name: string; joined_at: string; last_counted_at: Date | null },
  stateChanges: { effectiveOn: string; state: MemberState }[],
): MemberStatus {
  return {
    memberId: member.id,
    handle: member.handle,
    name: member.name,
    ...statusAt(
      config.activity,
      {
        joinedAt: member.joined_at,
        stateChanges,
        countedContributionDates: member.last_counted_at ? [toIsoDate(member.last_counted_at)] : [],
      },
      at,
    ),
  };
}
