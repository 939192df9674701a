// Ambassador status at any date. A person stays active for `windowMonths` calendar months
// after joining and after each counted contribution (month ends clamp: Aug 31 + 6 months is
// the last day of February); a warning period precedes the lapse; the next counted
// contribution restores the status. Suspension and withdrawal override activity.
import { addDays, addMonthsClamped, daysBetween, type IsoDate } from './dates.js';

export type MemberState = 'registered' | 'suspended' | 'withdrawn';
export const ACTIVITY_STATUSES = ['active', 'lapsing', 'inactive', 'not-yet-joined', 'suspended', 'withdrawn'] as const;
export type ActivityStatus = (typeof ACTIVITY_STATUSES)[number];

export interface ActivityRules {
  windowMonths: number;
  lapseWarningDays: number;
}

export interface StatusInput {
  joinedAt: IsoDate;
  /** Changes of membership state, each effective from its date; registered before the first. */
  stateChanges: { effectiveOn: IsoDate; state: MemberState }[];
  /** UTC dates of counted contributions (any order; later ones than `at` are ignored). */
  countedContributionDates: IsoDate[];
}

export interface StatusAt {
  status: ActivityStatus;
  lastContributionAt: IsoDate | null;
  /** The last day the status holds without a new contribution. */
  activeUntil: IsoDate | null;
  /** Days from `at` to `activeUntil` (negative once lapsed). */
  daysLeft: number | null;
}

export function stateOn(changes: StatusInput['stateChanges'], at: IsoDate): MemberState {
  let state: MemberState = 'registered';
  for (const change of [...changes].sort((a, b) => a.effectiveOn.localeCompare(b.effectiveOn))) {
    if (change.effectiveOn <= at) state = change.state;
  }
  return state;
}

export function lastContributionOn(dates: IsoDate[], at: IsoDate): IsoDate | null {
  let last: IsoDate | null = null;
  for (const date of dates) if (date <= at && (last === null || date > last)) last = date;
  return last;
}

export function statusAt(rules: ActivityRules, input: StatusInput, at: IsoDate): StatusAt {
  if (at < input.joinedAt) {
    return { status: 'not-yet-joined', lastContributionAt: null, activeUntil: null, daysLeft: null };
  }
  const lastContributionAt = lastContributionOn(input.countedContributionDates, at);
  const anchor = lastContributionAt && lastContributionAt > input.joinedAt ? lastContributionAt : input.joinedAt;
  const activeUntil = addMonthsClamped(anchor, rules.windowMonths);
  const daysLeft = daysBetween(at, activeUntil);
  const state = stateOn(input.stateChanges, at);
  let status: ActivityStatus;
  if (state !== 'registered') status = state;
  else if (daysLeft < 0) status = 'inactive';
  else if (daysLeft <= rules.lapseWarningDays) status = 'lapsing';
  else status = 'active';
  return { status, lastContributionAt, activeUntil, daysLeft };
}

/**
 * The earliest anchor (the later of joining and the last counted contribution) whose active
 * window still reaches `day`: `addMonthsClamped(anchor, windowMonths) >= day` exactly when
 * `anchor >= earliestAnchorReaching(...)`, since adding months never moves a later date
 * earlier. With it a status is a comparison of dates a database can make (store/statuses.ts).
 */
export function earliestAnchorReaching(rules: Pick<ActivityRules, 'windowMonths'>, day: IsoDate): IsoDate {
  // Month ends clamp at most four days onto one (Aug 28-31 + 6 months: Feb 28), so four days
  // before the date as many months back the window falls short; the answer is a few days on.
  let anchor = addDays(addMonthsClamped(day, -rules.windowMonths), -4);
  while (addMonthsClamped(anchor, rules.windowMonths) < day) anchor = addDays(anchor, 1);
  return anchor;
}

/** True when the person counts as an active ambassador on the date (lapsing still counts). */
export function isActiveStatus(status: ActivityStatus): boolean {
  return status === 'active' || status === 'lapsing';
}
