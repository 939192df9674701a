// The maintained standings (migration 0070) equal a recomputation from contributions after any
// history of writes, on both engines; and the check finds the difference when one maintenance
// path is switched off.
import { sql } from 'kysely';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATEGORIES } from '../../src/domain/categories.js';
import { rulesVersions } from '../../src/domain/rules.js';
import { scoreWithCaps } from '../../src/domain/scoring.js';
import { decideReview, submitContribution, upsertContributions } from '../../src/store/contributions.js';
import { linkIdentity, verifyIdentity } from '../../src/store/identities.js';
import { addMember, changeMemberState, removeMember, setMemberFlags } from '../../src/store/members.js';
import { rescoreAll } from '../../src/store/rescore.js';
import { aggregateStandings, memberOverallRank, queryStandings, setStandingsCycle } from '../../src/store/standings.js';
import { repairStandings, verifyStandings } from '../../src/store/standings-verify.js';
import { expectVerified } from '../support/standings-verified.js';
import { changeHandle } from '../../src/store/member-console.js';
import { mergeMembers, updateProfile } from '../../src/web/queries/accounts.js';
import { webDb } from '../../src/web/queries/tables.js';
import { configWith } from '../domain/fixtures.js';
import { ENGINES, freshStore, type TestStore } from '../support/engines.js';

const base = configWith();
// A dated change (from a Wednesday) that also caps blog posts: capped scopes widen to weeks.
const changed = configWith({ scoring: { changes: [{ effectiveFrom: '2026-07-01', points: { blogPost: 7, talk: 3 }, caps: { blogPost: { perWeek: 1 } } }] } });
const KINDS = ['blogPost', 'talk', 'answerPosted', 'pullRequestMerged', 'documentationMerged', 'issueReported', 'mentoring'];
const SUBMITTABLE = Object.entries(base.kinds).filter(([, k]) => k.submittable).map(([kind, k]) => ({ kind, category: k.category }));

type Step =
  | { op: 'upsert'; who: number; kind: number; day: number; pending: boolean; again: boolean }
  | { op: 'submit'; who: number; reviewer: number; kind: number; day: number; approve: boolean }
  | { op: 'release'; who: number; day: number }
  | { op: 'rescore'; changed: boolean }
  | { op: 'merge'; keep: number; duplicate: number }
  | { op: 'erase'; who: number }
  | { op: 'flag'; who: number; bot: boolean; staff: boolean }
  | { op: 'state'; who: number; suspend: boolean }
  | { op: 'rename'; who: number; handle: boolean };

const who = fc.integer({ min: 0, max: 5 });
// Days from 2025-12-20 to 2027-01-10: histories cross the years' edges.
const day = fc.integer({ min: 0, max: 386 });
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ op: fc.constant('upsert' as const), who, kind: fc.nat(KINDS.length - 1), day, pending: fc.boolean(), again: fc.boolean() }),
  fc.record({ op: fc.constant('submit' as const), who, reviewer: who, kind: fc.nat(SUBMITTABLE.length - 1), day, approve: fc.boolean() }),
  fc.record({ op: fc.constant('release' as const), who, day }),
  fc.record({ op: fc.constant('rescore' as const), changed: fc.boolean() }),
  fc.record({ op: fc.constant('merge' as const), keep: who, duplicate: who }),
  fc.record({ op: fc.constant('erase' as const), who }),
  fc.record({ op: fc.constant('flag' as const), who, bot: fc.boolean(), staff: fc.boolean() }),
  fc.record({ op: fc.constant('state' as const), who, suspend: fc.boolean() }),
  fc.record({ op: fc.constant('rename' as const), who, handle: fc.boolean() }),
);

const dateOf = (offset: number, hour = 12) => new Date(Date.UTC(2025, 11, 20 + offset, hour)).toISOString();

describe.each(ENGINES)('maintained standings on %s', (engine) => {
  let store: TestStore;
  let run = 0;
  let renames = 0;
  let config = base;
  beforeAll(async () => {
    store = await freshStore(engine);
  });
  afterAll(async () => {
    await store.dispose();
  });

  async function apply(members: { id: number; handle: string }[], steps: Step[]): Promise<void> {
    const db = store.db;
    let n = 0;
    const alive = async (index: number) => {
      const member = members[index];
      if (!member) return null;
      const row = await db.selectFrom('members').select(['id', 'handle']).where('id', '=', member.id).executeTakeFirst();
      return row ?? null;
    };
    for (const s of steps) {
      n += 1;
      const id = `${run}-${n}`;
      if (s.op === 'upsert') {
        const m = await alive(s.who);
        if (!m) continue;
        const input = {
          memberId: m.id, source: 'prop', externalId: s.again ? `${run}-same` : id, kind: KINDS[s.kind]!, title: id, url: null,
          occurredAt: dateOf(s.day, n % 24), reviewState: s.pending ? ('pending' as const) : ('counted' as const),
          metadata: { accepted: n % 2 === 0, score: n % 5, labels: n % 3 === 0 ? ['Award: complex'] : [] },
        };
        // `again` rewrites one external id: its date, kind and member move.
        await upsertContributions(db, config, [input]);
      } else if (s.op === 'submit') {
        const m = await alive(s.who);
        const reviewer = await alive(s.reviewer);
        if (!m) continue;
        const kind = SUBMITTABLE[s.kind]!;
        const row = await submitContribution(db, config, { memberId: m.id, category: kind.category, kind: kind.kind, title: id, url: `https://example.org/${id}`, date: dateOf(s.day).slice(0, 10) }, 'test', '2027-12-31');
        if (reviewer && reviewer.id !== m.id) {
          await decideReview(db, config, row.id, { approve: s.approve, reason: s.approve ? null : 'not a talk', reviewerId: reviewer.id }, 'test');
        }
      } else if (s.op === 'release') {
        const m = await alive(s.who);
        if (!m) continue;
        const identity = await linkIdentity(db, m.id, { platform: 'github', externalId: `gh${id}` }, {}, 'test');
        await upsertContributions(db, config, [
          { memberId: m.id, source: 'prop', externalId: `${id}-waits`, kind: 'pullRequestMerged', title: id, url: null, occurredAt: dateOf(s.day), reviewState: 'pending', metadata: { awaitsIdentity: String(identity.id) } },
        ]);
        await verifyIdentity(db, m.id, { platform: 'github', externalId: `gh${id}` }, 'test', 'test');
      } else if (s.op === 'rescore') {
        config = s.changed ? changed : base;
        await rescoreAll(db, config, { chunkSize: 2 });
      } else if (s.op === 'merge') {
        const keep = await alive(s.keep);
        const duplicate = await alive(s.duplicate);
        if (!keep || !duplicate || keep.id === duplicate.id) continue;
        await mergeMembers(webDb(db), config, keep.handle, duplicate.handle, 'same person', 'test', { byAdmin: true });
      } else if (s.op === 'erase') {
        const m = await alive(s.who);
        if (m) await removeMember(db, m.handle, 'test');
      } else if (s.op === 'flag') {
        const m = await alive(s.who);
        if (m) await setMemberFlags(db, m.handle, { isBot: s.bot, isStaff: s.staff }, 'test');
      } else if (s.op === 'rename') {
        // What a leaderboard row shows (name, handle) is kept on the standings rows.
        const m = await alive(s.who);
        if (!m) continue;
        renames += 1;
        if (s.handle) await changeHandle(db, m.id, `${m.handle}x${renames}`, 'test', 'test');
        else await updateProfile(webDb(db), m.id, { name: `Renamed ${renames}`, country: null, company: null, bio: null, avatarUrl: null }, 'test');
      } else {
        const m = await alive(s.who);
        if (!m) continue;
        const state = await db.selectFrom('members').select('state').where('id', '=', m.id).executeTakeFirstOrThrow();
        const target = s.suspend ? 'suspended' : 'registered';
        if (state.state !== target) await changeMemberState(db, m.handle, { state: target, reason: 'test', effectiveOn: '2026-06-01' }, 'test');
      }
    }
  }

  it(
    'equals a recomputation from contributions after random histories of writes',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 4, maxLength: 14 }), async (steps) => {
          run += 1;
          const members = [];
          for (let i = 0; i < 6; i += 1) {
            members.push(await addMember(store.db, { handle: `r${run}m${i}`, name: `R${run} M${i}`, email: `r${run}m${i}@example.org`, joinedAt: '2025-06-01' }, 'test'));
          }
          await apply(members, steps);
          expectVerified(await verifyStandings(store.db));
          // Scoped rescores leave every row as a full scoring under the current rules would.
          const rows = await store.db.selectFrom('contributions').selectAll().execute();
          const expected = scoreWithCaps(rulesVersions(config), rows.map((row) => ({
            id: row.id, memberId: row.member_id, kind: row.kind, occurredAt: row.occurred_at, metadata: row.metadata,
            takesCapPlace: row.review_state === 'counted' || row.review_state === 'pending',
          })));
          for (const row of rows) {
            const score = expected.get(row.id)!;
            expect({ id: row.id, points: row.points, explanation: row.explanation }).toEqual({ id: row.id, points: score.points, explanation: score.explanation });
          }
          for (const year of [2025, 2026, 2027]) {
            const period = { from: `${year}-01-01`, to: `${year}-12-31` };
            const reference = await aggregateStandings(store.db, period);
            expect(await queryStandings(store.db, period)).toEqual(reference);
            // A profile's rank (read with the member) is the member's place in that ranking.
            for (const m of members) {
              const ranked = reference.rows.find((row) => row.memberId === m.id);
              expect(await memberOverallRank(store.db, m.id, period)).toEqual({ rank: ranked?.rank ?? null, total: reference.total });
            }
          }
        }),
        { numRuns: engine === 'pglite' ? 12 : 20, seed: 1307 },
      );
      // The read path agrees with the reference for every category and a page in the middle.
      for (const category of CATEGORIES) {
        const period = { from: '2026-01-01', to: '2026-12-31', category };
        expect(await queryStandings(store.db, period)).toEqual(await aggregateStandings(store.db, period));
      }
      const page = { from: '2026-01-01', to: '2026-12-31', limit: 3, offset: 2 };
      expect(await queryStandings(store.db, page)).toEqual(await aggregateStandings(store.db, page));
      const someone = (await aggregateStandings(store.db, { from: '2026-01-01', to: '2026-12-31' })).rows.at(-1);
      if (someone) {
        const one = { from: '2026-01-01', to: '2026-12-31', memberIds: [someone.memberId] };
        expect(await queryStandings(store.db, one)).toEqual(await aggregateStandings(store.db, one));
      }
    },
    600_000,
  );

  it('follows another award cycle when the config has one', async () => {
    expect(await setStandingsCycle(store.db, { start: '02-01', end: '12-31' })).toBe(true);
    expectVerified(await verifyStandings(store.db));
    const cycle = { from: '2026-02-01', to: '2026-12-31' };
    expect(await queryStandings(store.db, cycle)).toEqual(await aggregateStandings(store.db, cycle));
    // A rank of a period that is not the maintained cycle comes from the aggregate.
    const calendarYear = { from: '2026-01-01', to: '2026-12-31' };
    const reference = await aggregateStandings(store.db, calendarYear);
    const last = reference.rows.at(-1);
    if (last) expect(await memberOverallRank(store.db, last.memberId, calendarYear)).toEqual({ rank: last.rank, total: reference.total });
    expect(await setStandingsCycle(store.db, { start: '01-01', end: '12-31' })).toBe(true);
    expectVerified(await verifyStandings(store.db));
  }, 300_000);

  it('keeps the name and handle a leaderboard row shows', async () => {
    const db = store.db;
    const m = await addMember(db, { handle: `shown${engine}`, name: 'Shown', email: `shown${engine}@example.org`, joinedAt: '2025-06-01' }, 'test');
    await upsertContributions(db, base, [
      { memberId: m.id, source: 'prop', externalId: `shown-${engine}`, kind: 'blogPost', title: 'Shown', url: null, occurredAt: '2026-03-03T10:00:00Z', reviewState: 'counted', metadata: {} },
    ]);
    await updateProfile(webDb(db), m.id, { name: 'Shown Again', country: null, company: null, bio: null, avatarUrl: null }, 'test');
    await changeHandle(db, m.id, `shown${engine}2`, 'test', 'test');
    expectVerified(await verifyStandings(db));
    const year = await queryStandings(db, { from: '2026-01-01', to: '2026-12-31' });
    expect(year.rows.find((row) => row.memberId === m.id)).toMatchObject({ handle: `shown${engine}2`, name: 'Shown Again' });
    expect(year).toEqual(await aggregateStandings(db, { from: '2026-01-01', to: '2026-12-31' }));
  });

  it('follows a points change that takes a category to zero and back, and one that adds a category', async () => {
    const db = store.db;
    const m = await addMember(db, { handle: `zero${engine}`, name: 'Zero', email: `zero${engine}@example.org`, joinedAt: '2025-06-01' }, 'test');
    const row = (externalId: string, kind: string, category: string, points: number) => ({
      member_id: m.id, source: 'zero', external_id: externalId, kind, category, title: kind, url: null,
      occurred_at: '2026-04-01T10:00:00Z', review_state: 'counted' as const, points, metadata: {},
      // Scored (by hand): not left for a first scoring to find.
      explanation: `${points} = by hand`, rules_version: 'by-hand',
    });
    await db.insertInto('contributions').values([row('post', 'blogPost', 'content', 5), row('pr', 'pullRequestMerged', 'code', 10)]).execute();
    expectVerified(await verifyStandings(db));
    const points = async (externalId: string, value: number) => {
      await db.updateTable('contributions').set({ points: value }).where('source', '=', 'zero').where('external_id', '=', externalId).execute();
      expectVerified(await verifyStandings(db));
    };
    // Points-only updates reach the standings as deltas; the two categories' rows move, and the
    // member's breadth (categories with points) follows when one reaches zero and returns.
    await points('post', 0);
    await points('post', 8);
    await points('pr', 0);
    await points('pr', 2.5);
    // A counted row whose category the member's year had no row for yet (its points only change).
    await db.insertInto('contributions').values(row('talk', 'talk', 'events', 0)).execute();
    await points('talk', 30);
    const year = await queryStandings(db, { from: '2026-01-01', to: '2026-12-31' });
    expect(year.rows.find((entry) => entry.memberId === m.id)).toMatchObject({ points: 40.5, categories: { code: 2.5, content: 8, events: 30 } });
  });

  it('reads the maintained rows for exactly the period of the cycle, days past a month end included', async () => {
    const db = store.db;
    const m = await addMember(db, { handle: `cycle${engine}`, name: 'Cycle', email: `cycle${engine}@example.org`, joinedAt: '2025-06-01' }, 'test');
    const talk = (externalId: string, at: string) => ({
      member_id: m.id, source: 'cycle', external_id: externalId, kind: 'talk', category: 'events', title: 'Talk', url: null,
      occurred_at: at, review_state: 'counted' as const, points: 5, metadata: {}, explanation: '5 = by hand', rules_version: 'by-hand',
    });
    await db.insertInto('contributions').values([talk('march', '2026-03-15T10:00:00Z'), talk('june', '2026-06-15T10:00:00Z')]).execute();
    const pointsOf = async (from: string, to: string) => {
      const year = await queryStandings(db, { from, to });
      const row = year.rows.find((entry) => entry.memberId === m.id);
      expect(await memberOverallRank(db, m.id, { from, to })).toEqual({ rank: row?.rank ?? null, total: year.total });
      return row?.points;
    };
    // 02-29 and 04-31 do not exist in 2026: that cycle runs from 28 February to 30 April.
    for (const [cycle, from, to, dayLater, points] of [
      [{ start: '02-29', end: '04-31' }, '2026-02-28', '2026-04-30', '2026-03-01', 5],
      [{ start: '06-01', end: '06-30' }, '2026-06-01', '2026-06-30', '2026-06-02', 5],
      [{ start: '01-01', end: '12-31' }, '2026-01-01', '2026-12-31', '2026-01-02', 10],
    ] as const) {
      await setStandingsCycle(db, cycle);
      // Points the contributions do not have: seen only where the period is read from the
      // maintained rows (the cycle's own period), not where it is aggregated.
      await sql`update member_standings set points = points + 1000 where member_id = ${m.id} and cycle_year = 2026 and category = 'all'`.execute(db);
      expect(await pointsOf(from, to), `${from}..${to}`).toBe(points + 1000);
      expect(await pointsOf(dayLater, to), `${dayLater}..${to}`).toBe(points);
      await repairStandings(db);
    }
    expectVerified(await verifyStandings(db));
  });

  it('rebuilds the standings of what a first scoring scores, and the deferral ends with it', async () => {
    const db = store.db;
    const people: { id: number }[] = [];
    for (let i = 0; i < 5; i += 1) {
      people.push(await addMember(db, { handle: `raw${engine}${i}`, name: `Raw ${i}`, email: `raw${engine}${i}@example.org`, joinedAt: '2025-06-01' }, 'test'));
    }
    // One of them already has a scored, counted contribution (a standings row to replace).
    await upsertContributions(db, base, [
      { memberId: people[0]!.id, source: 'prop', externalId: `raw-${engine}-old`, kind: 'talk', title: 'Old', url: null, occurredAt: '2026-02-02T10:00:00Z', reviewState: 'counted', metadata: {} },
    ]);
    // An import writes rows unscored (rules_version ''), counted, pending and over a cap, across years.
    let n = 0;
    for (const person of people) {
      for (const [kind, at, state] of [
        ['blogPost', '2025-12-31T23:00:00Z', 'counted'], ['blogPost', '2026-01-05T10:00:00Z', 'counted'], ['answerPosted', '2026-01-05T11:00:00Z', 'counted'],
        ['pullRequestMerged', '2026-07-01T09:00:00Z', 'pending'], ['talk', '2027-01-02T09:00:00Z', 'counted'],
      ] as const) {
        n += 1;
        await sql`insert into contributions (member_id, source, external_id, kind, category, title, url, occurred_at, review_state, metadata)
                  values (${person.id}, 'import', ${`raw-${engine}-${n}`}, ${kind}, ${base.kinds[kind]!.category}, ${kind}, null, ${at}::timestamptz, ${state}, '{}'::jsonb)`.execute(db);
      }
    }
    expect(await db.selectFrom('scoring_pending').select('member_id').execute()).toHaveLength(5);
    await rescoreAll(db, base, { chunkSize: 2 });
    expect(await db.selectFrom('contributions').select('id').where('rules_version', '=', '').execute()).toEqual([]);
    expectVerified(await verifyStandings(db));
    for (const year of [2025, 2026, 2027]) {
      const period = { from: `${year}-01-01`, to: `${year}-12-31` };
      expect(await queryStandings(db, period)).toEqual(await aggregateStandings(db, period));
    }
    // Inside a caller's transaction the update trigger works again after the rescore.
    await db.transaction().execute(async (trx) => {
      await sql`update contributions set rules_version = '' where member_id = ${people[1]!.id}`.execute(trx);
      await sql`insert into scoring_pending (member_id) values (${people[1]!.id}) on conflict do nothing`.execute(trx);
      await rescoreAll(trx, base);
      await sql`update contributions set review_state = 'rejected' where member_id = ${people[1]!.id} and kind = 'talk'`.execute(trx);
    });
    expectVerified(await verifyStandings(db));
    const setting = await sql<{ v: string | null }>`select current_setting('ambassador.standings_deferred', true) as v`.execute(db);
    expect(setting.rows[0]?.v ?? '').not.toBe('on');
  });

  it('finds the difference when a maintenance path is switched off', async () => {
    const db = store.db;
    const jane = await addMember(db, { handle: `off${engine}`, name: 'Off', email: `off${engine}@example.org`, joinedAt: '2025-06-01' }, 'test');
    const talk = await submitContribution(db, base, { memberId: jane.id, category: 'events', kind: 'talk', title: 'A talk', url: 'https://example.org/off', date: '2026-05-01' }, 'test', '2026-12-31');
    const reviewer = await addMember(db, { handle: `rev${engine}`, name: 'Rev', email: `rev${engine}@example.org`, joinedAt: '2025-06-01' }, 'test');
    expectVerified(await verifyStandings(db));

    // Review approvals are updates: without the update trigger the approved talk is missing.
    await sql`alter table contributions disable trigger standings_contributions_update`.execute(db);
    await decideReview(db, base, talk.id, { approve: true, reviewerId: reviewer.id }, 'test');
    await sql`alter table contributions enable trigger standings_contributions_update`.execute(db);
    const missing = (await verifyStandings(db)).differences;
    expect(missing.length).toBeGreaterThan(0);
    expect(missing[0]).toMatchObject({ memberId: jane.id, cycleYear: 2026, maintained: null });

    // Repaired, then the members path: a bot flag that the table does not hear of.
    await sql`select standings_refresh(array[${jane.id}::int], array[2026])`.execute(db);
    expectVerified(await verifyStandings(db));
    await sql`alter table members disable trigger standings_members_update`.execute(db);
    await setMemberFlags(db, jane.handle, { isBot: true }, 'test');
    await sql`alter table members enable trigger standings_members_update`.execute(db);
    const listed = (await verifyStandings(db)).differences;
    expect(listed.length).toBeGreaterThan(0);
    expect(listed[0]!.maintained).toMatchObject({ listed: true });
    expect(listed[0]!.recomputed).toMatchObject({ listed: false });
    await setMemberFlags(db, jane.handle, { isBot: false }, 'test');
    expectVerified(await verifyStandings(db));

    // And inserts and deletes.
    await sql`alter table contributions disable trigger standings_contributions_insert`.execute(db);
    // (a direct insert: upsertContributions rescores afterwards, and the update trigger would mend it)
    await db.insertInto('contributions').values({ member_id: jane.id, source: 'prop', external_id: 'off-insert', kind: 'blogPost', category: 'content', title: 'x', url: null, occurred_at: '2026-06-01T10:00:00Z', review_state: 'counted', points: 5, metadata: {} }).execute();
    await sql`alter table contributions enable trigger standings_contributions_insert`.execute(db);
    expect((await verifyStandings(db)).differences.length).toBeGreaterThan(0);
    await sql`select standings_refresh(array[${jane.id}::int], array[2026])`.execute(db);
    await sql`alter table contributions disable trigger standings_contributions_delete`.execute(db);
    await db.deleteFrom('contributions').where('external_id', '=', 'off-insert').execute();
    await sql`alter table contributions enable trigger standings_contributions_delete`.execute(db);
    expect((await verifyStandings(db)).differences.length).toBeGreaterThan(0);

    // The ranked counts: a bot flag whose count change the counters do not hear of.
    await repairStandings(db);
    expectVerified(await verifyStandings(db));
    await sql`alter table member_standings disable trigger standings_counts_update`.execute(db);
    await setMemberFlags(db, jane.handle, { isBot: true }, 'test');
    await sql`alter table member_standings enable trigger standings_counts_update`.execute(db);
    const counts = await verifyStandings(db);
    expect(counts.differences).toEqual([]);
    expect(counts.countDifferences).toContainEqual({ cycleYear: 2026, category: 'all', maintained: expect.any(Number), recomputed: expect.any(Number) });
    expect(counts.countDifferences.every((d) => d.maintained === d.recomputed + 1)).toBe(true);
    await repairStandings(db);
    expectVerified(await verifyStandings(db));
    await setMemberFlags(db, jane.handle, { isBot: false }, 'test');
    expectVerified(await verifyStandings(db));
  }, 300_000);

  it.runIf(engine === 'postgres')('counts writers that change who is ranked without making them wait for each other', async () => {
    const db = store.db;
    const people: { id: number }[] = [];
    for (let i = 0; i < 3; i += 1) {
      people.push(await addMember(db, { handle: `cnt${i}`, name: `Count ${i}`, email: `cnt${i}@example.org`, joinedAt: '2025-06-01' }, 'test'));
    }
    const ranked = async () => (await queryStandings(db, { from: '2026-01-01', to: '2026-12-31', limit: 1 })).total;
    const before = await ranked();
    const row = (i: number) => ({ memberId: people[i]!.id, source: 'prop', externalId: `cnt-${i}`, kind: 'blogPost', title: 'Counted', url: null, occurredAt: '2026-04-04T10:00:00Z', reviewState: 'counted' as const, metadata: {} });
    // Two open transactions each rank a new member; neither waits for the other's counter.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let firstWrote!: () => void;
    const wrote = new Promise<void>((resolve) => (firstWrote = resolve));
    const first = db.transaction().execute(async (trx) => {
      await upsertContributions(trx, base, [row(0)]);
      firstWrote();
      await held;
    });
    await wrote;
    const second = await Promise.race([
      db.transaction().execute(async (trx) => {
        await upsertContributions(trx, base, [row(1)]);
        return 'done';
      }),
      new Promise((resolve) => setTimeout(() => resolve('waited'), 5_000)),
    ]);
    expect(second).toBe('done');
    expect(await ranked()).toBe(before + 1);
    release();
    await first;
    expect(await ranked()).toBe(before + 2);
    const slots = await db.selectFrom('standings_counts').select('id').where('cycle_year', '=', 2026).where('category', '=', 'all').execute();
    expect(slots.length).toBeGreaterThanOrEqual(2);
    // A later writer adds to a counter that exists: the rows stay as many as writers at once.
    await upsertContributions(db, base, [row(2)]);
    expect(await db.selectFrom('standings_counts').select('id').where('cycle_year', '=', 2026).where('category', '=', 'all').execute()).toHaveLength(slots.length);
    expect(await ranked()).toBe(before + 3);
    expectVerified(await verifyStandings(db));
  });
});
