// A status decided in SQL (statusesAt, for filters and counts over every member) is the status
// statusAt gives from the same facts, on both engines: random joins, counted and pending
// contributions at any hour (near UTC midnight too), state changes dated before, on and after
// the day, several on one day, windows of 1 to 12 months with and without a warning, on days
// where month ends clamp, in a session whose time zone is not UTC.
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, addMonthsClamped } from '../../src/domain/dates.js';
import { earliestAnchorReaching, type ActivityRules } from '../../src/domain/status.js';
import { memberStatuses, statusesAt, statusIsOneOf } from '../../src/store/statuses.js';
import { isAnyOf } from '../../src/store/id-lists.js';
import { configWith } from '../domain/fixtures.js';
import { ENGINES, freshStore, type TestStore } from '../support/engines.js';

const FIRST_DAY = '2025-01-01';
const DAYS = 900;
// Days where clamping matters: month ends, leap day, the days around them.
const EDGE_DAYS = ['2025-02-28', '2025-03-01', '2025-03-31', '2025-08-28', '2025-08-31', '2025-10-31', '2026-02-28', '2026-03-01', '2026-05-31', '2026-08-29', '2026-12-31', '2027-02-28'];

const day = fc.oneof(fc.integer({ min: 0, max: DAYS }).map((n) => addDays(FIRST_DAY, n)), fc.constantFrom(...EDGE_DAYS));
const instant = fc.record({ on: day, minute: fc.oneof(fc.integer({ min: 0, max: 1439 }), fc.constantFrom(0, 1439)) }).map(({ on, minute }) => new Date(Date.parse(`${on}T00:00:00Z`) + minute * 60_000).toISOString());
const rules = fc.record({ windowMonths: fc.constantFrom(1, 3, 6, 12), lapseWarningDays: fc.constantFrom(0, 1, 14, 30) });
const person = fc.record({
  joinedAt: day,
  contributions: fc.array(fc.record({ at: instant, counted: fc.boolean() }), { maxLength: 4 }),
  // Dated near the day asked about (several on one day) or anywhere, or not dated at all.
  changes: fc.array(fc.record({ to: fc.constantFrom('registered', 'suspended', 'withdrawn'), on: fc.option(fc.oneof(fc.integer({ min: -1, max: 1 }), day)) }), { maxLength: 3 }),
});
/** The day asked about: any day, or one around the end of a person's window or its warning. */
const asked = fc.oneof(fc.record({ any: day }), fc.record({ person: fc.nat(), fromWarning: fc.boolean(), offset: fc.integer({ min: -1, max: 1 }) }));

type Person = typeof person extends fc.Arbitrary<infer T> ? T : never;

function dayAsked(choice: typeof asked extends fc.Arbitrary<infer T> ? T : never, people: Person[], activity: ActivityRules): string {
  if ('any' in choice) return choice.any;
  const p = people[choice.person % people.length]!;
  const counted = p.contributions.filter((c) => c.counted).map((c) => c.at.slice(0, 10));
  const anchor = [p.joinedAt, ...counted].sort().at(-1)!;
  const end = addMonthsClamped(anchor, activity.windowMonths);
  return addDays(end, choice.offset - (choice.fromWarning ? activity.lapseWarningDays : 0));
}

describe('the earliest anchor whose window reaches a day', () => {
  it('is the first of the days whose window reaches it', () => {
    fc.assert(
      fc.property(day, rules, (target, activity) => {
        const anchor = earliestAnchorReaching(activity, target);
        expect(addMonthsClamped(anchor, activity.windowMonths) >= target).toBe(true);
        expect(addMonthsClamped(addDays(anchor, -1), activity.windowMonths) < target).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe.each(ENGINES)('statuses decided in SQL on %s', (engine) => {
  let store: TestStore;
  let run = 0;
  beforeAll(async () => {
    store = await freshStore(engine);
  });
  afterAll(async () => {
    await store.dispose();
  });

  it('equal statusAt for random histories', { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(person, { minLength: 1, maxLength: 6 }), rules, asked, async (people, activity: ActivityRules, choice) => {
        run += 1;
        const at = dayAsked(choice, people, activity);
        const ids: number[] = [];
        for (const [n, p] of people.entries()) {
          const { id } = await store.db
            .insertInto('members')
            .values({ handle: `r${run}p${n}`, name: `Run ${run} person ${n}`, email: null, joined_at: p.joinedAt })
            .returning('id')
            .executeTakeFirstOrThrow();
          ids.push(id);
          for (const [k, c] of p.contributions.entries()) {
            await sql`insert into contributions (member_id, source, external_id, kind, category, title, url, occurred_at, points, rules_version, explanation, review_state, metadata)
              values (${id}, 'seed', ${`r${run}p${n}c${k}`}, 'blogPost', 'content', 'A post', null, ${c.at}, 10, 'seed', '[]', ${c.counted ? 'counted' : 'pending'}, '{}')`.execute(store.db);
          }
          for (const change of p.changes) {
            await store.db.insertInto('status_changes').values({ member_id: id, from_status: null, to_status: change.to, effective_on: typeof change.on === 'number' ? addDays(at, change.on) : change.on, reason: null, actor: 'test' }).execute();
          }
        }
        const config = { ...configWith(), activity: activity };
        const expected = new Map((await memberStatuses(store.db, config, at, { memberIds: ids })).map((s) => [s.memberId, s.status]));
        // Days are UTC days whatever the server's time zone (here 14 hours ahead of UTC).
        const decided = await store.db.transaction().execute(async (trx) => {
          await sql`set local time zone 'Pacific/Kiritimati'`.execute(trx);
          const rows = await sql<{ member_id: number; status: string }>`select * from ${statusesAt(activity, at)} s where ${isAnyOf('s.member_id', ids)}`.execute(trx);
          const active = await trx.selectFrom('members as m').select('m.id').where(isAnyOf('m.id', ids)).where(statusIsOneOf(activity, at, ['active', 'lapsing'])).execute();
          // Within a scope (what a directory's other filters keep): only its members, decided alike.
          const scope = trx.selectFrom('members as m').select('m.id').where(isAnyOf('m.id', ids.filter((_, n) => n % 2 === 0)));
          const scoped = await trx.selectFrom('members as m').select('m.id').where(isAnyOf('m.id', ids)).where(statusIsOneOf(activity, at, ['active', 'lapsing'], scope)).execute();
          return {
            statuses: new Map(rows.rows.map((row) => [row.member_id, row.status])),
            active: active.map((row) => row.id).sort((a, b) => a - b),
            scoped: scoped.map((row) => row.id).sort((a, b) => a - b),
          };
        });
        expect(decided.statuses).toEqual(expected);
        const activeIds = ids.filter((id) => ['active', 'lapsing'].includes(expected.get(id)!));
        expect(decided.active).toEqual(activeIds);
        expect(decided.scoped).toEqual(activeIds.filter((id) => ids.indexOf(id) % 2 === 0));
      }),
      { numRuns: engine === 'pglite' ? 60 : 40 },
    );
  });
});
