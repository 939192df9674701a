// The figures of the console's reports, month by month over the last twelve months: members
// and active members at each month's end, counted contributions per month by category, the
// lapse rate (of those active at the previous month's end, the share no longer active), and
// members per country.
import { sql, type Kysely } from 'kysely';
import { CATEGORIES, type Category } from '../domain/categories.js';
import type { ProgramConfig } from '../domain/config-schema.js';
import { addDays, addMonthsClamped } from '../domain/dates.js';
import { isActiveStatus } from '../domain/status.js';
import type { Database } from './schema.js';
import { memberStatuses } from './statuses.js';

export interface MonthFigures {
  /** YYYY-MM */
  month: string;
  members: number;
  active: number;
  /** Of those active at the previous month's end, the share not active at this month's end (0-1); null for the first month. */
  lapseRate: number | null;
  contributions: Record<Category, number>;
}

export interface ProgramReport {
  months: MonthFigures[];
  countries: { country: string | null; members: number }[];
}

export async function programReport(db: Kysely<Database>, config: ProgramConfig, today: string, monthCount = 12): Promise<ProgramReport> {
  const firstOfThisMonth = `${today.slice(0, 7)}-01`;
  const starts = Array.from({ length: monthCount }, (_, n) => addMonthsClamped(firstOfThisMonth, n - monthCount + 1));
  const ends = starts.map((start) => {
    const end = addDays(addMonthsClamped(start, 1), -1);
    return end > today ? today : end;
  });
  // Status at the end of the month before the first, for the first month's lapse rate.
  const before = addDays(starts[0]!, -1);
  const statusAt = async (date: string) => new Map((await memberStatuses(db, config, date)).map((s) => [s.memberId, isActiveStatus(s.status)]));
  const snapshots = [await statusAt(before)];
  for (const end of ends) snapshots.push(await statusAt(end));
  const joined = await db.selectFrom('members').select(['joined_at']).where('is_bot', '=', false).execute();
  const perMonth = await db
    .selectFrom('contributions')
    .select([sql<string>`to_char(occurred_at at time zone 'UTC', 'YYYY-MM')`.as('month'), 'category', (eb) => eb.fn.countAll<string>().as('n')])
    .where('review_state', '=', 'counted')
    .where('occurred_at', '>=', new Date(`${starts[0]}T00:00:00Z`))
    .where('occurred_at', '<', new Date(`${addDays(ends[ends.length - 1]!, 1)}T00:00:00Z`))
    .groupBy(['month', 'category'])
    .execute();
  const months = starts.map((start, index) => {
    const end = ends[index]!;
    const previous = snapshots[index]!;
    const current = snapshots[index + 1]!;
    const wereActive = [...previous].filter(([, active]) => active).map(([id]) => id);
    const lapsed = wereActive.filter((id) => !current.get(id)).length;
    const contributions = Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>;
    for (const row of perMonth) if (row.month === start.slice(0, 7) && (CATEGORIES as readonly string[]).includes(row.category)) contributions[row.category as Category] = Number(row.n);
    return {
      month: start.slice(0, 7),
      members: joined.filter((m) => m.joined_at <= end).length,
      active: [...current.values()].filter(Boolean).length,
      lapseRate: wereActive.length ? lapsed / wereActive.length : null,
      contributions,
    };
  });
  const countries = await db
    .selectFrom('members')
    .select(['country', (eb) => eb.fn.countAll<string>().as('n')])
    .where('is_bot', '=', false)
    .where('state', '=', 'registered')
    .groupBy('country')
    .orderBy(sql`count(*)`, 'desc')
    .orderBy('country')
    .execute();
  return { months, countries: countries.map((c) => ({ country: c.country, members: Number(c.n) })) };
}
