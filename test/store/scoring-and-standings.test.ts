import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CATEGORIES } from '../../src/domain/categories.js';
import { rankStandings, rankWithinCategory, tallyStandings } from '../../src/domain/leaderboard.js';
import { decideReview, listPendingReviews, submitContribution, upsertContributions, type ContributionInput } from '../../src/store/contributions.js';
import { addMember } from '../../src/store/members.js';
import { rescoreAll } from '../../src/store/rescore.js';
import { queryStandings } from '../../src/store/standings.js';
import { memberStatuses } from '../../src/store/statuses.js';
import { configWith } from '../domain/fixtures.js';
import { ENGINES, freshStore, type TestStore } from '../support/engines.js';

const config = configWith();

describe.each(ENGINES)('contributions, scores and standings on %s', (engine) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await freshStore(engine);
  });
  afterEach(async () => {
    await store.dispose();
  });

  const member = (handle: string, joinedAt = '2025-01-10') =>
    addMember(store.db, { handle, name: handle.toUpperCase(), email: `${handle}@example.org`, joinedAt }, 'test');

  it('records a contribution once per source and external id, and scores it', async () => {
    const jane = await member('jane');
    const input: ContributionInput = {
      memberId: jane.id,
      source: 'github',
      externalId: 'pr:magento/magento2#40001',
      kind: 'pullRequestMerged',
      title: 'Fix the quote totals',
      url: 'https://github.com/magento/magento2/pull/40001',
      occurredAt: '2026-04-01T10:00:00Z',
      reviewState: 'counted',
      metadata: { labels: ['Award: complex'] },
    };
    expect(await upsertContributions(store.db, config, [input])).toMatchObject({ inserted: 1, updated: 0, unchanged: 0 });
    expect(await upsertContributions(store.db, config, [input])).toMatchObject({ inserted: 0, updated: 0, unchanged: 1 });
    const relabelled = { ...input, metadata: { labels: ['Award: complex', 'Award: advanced'] } };
    expect(await upsertContributions(store.db, config, [relabelled])).toMatchObject({ inserted: 0, updated: 1 });
    const rows = await store.db.selectFrom('contributions').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      points: 60,
      explanation: '60 = merged pull request 10 + 30 (Award: advanced) + 20 (Award: complex)',
      category: 'code',
    });
  });

  it('never lets a sync overwrite a review decision', async () => {
    const jane = await member('jane');
    const base: ContributionInput = {
      memberId: jane.id, source: 'feed', externalId: 'post-1', kind: 'blogPost', title: 'Hello', url: 'https://blog.example/1',
      occurredAt: '2026-04-01T10:00:00Z', reviewState: 'counted',
    };
    await upsertContributions(store.db, config, [base]);
    await store.db.updateTable('contributions').set({ review_state: 'excluded' }).execute();
    await upsertContributions(store.db, config, [{ ...base, title: 'Hello again' }]);
    const row = await store.db.selectFrom('contributions').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ review_state: 'excluded', title: 'Hello again' });
  });

  it('applies caps per member per day across writes', async () => {
    const jane = await member('jane');
    for (let n = 0; n < 7; n += 1) {
      await upsertContributions(store.db, config, [
        { memberId: jane.id, source: 'github', externalId: `issue:${n}`, kind: 'issueReported', title: `Issue ${n}`, url: null,
          occurredAt: `2026-03-02T1${n}:00:00Z`, reviewState: 'counted' },
      ]);
    }
    const rows = await store.db.selectFrom('contributions').select(['external_id', 'points']).orderBy('occurred_at').execute();
    expect(rows.map((r) => r.points)).toEqual([2, 2, 2, 2, 2, 0, 0]);
  });

  it('takes submissions through review, with reasons and the audit trail', async () => {
    const jane = await member('jane');
    const submission = {
      memberId: jane.id, category: 'events', kind: 'talk', title: 'Hyvä checkout at Meet Magento NL',
      url: 'https://mm.example/talks/1', date: '2026-05-14', evidenceUrl: 'https://mm.example/slides.pdf',
    };
    const row = await submitContribution(store.db, config, submission, 'member:jane', '2026-11-25');
    expect(row).toMatchObject({ review_state: 'pending', points: 30, explanation: '30 = talk 30' });
    await expect(submitContribution(store.db, config, submission, 'member:jane', '2026-11-25')).rejects.toThrow(/already submitted/);
    await expect(
      submitContribution(store.db, config, { ...submission, kind: 'talk', category: 'code', url: 'javascript:alert(1)', date: '2027-01-01' }, 'x', '2026-11-25'),
    ).rejects.toThrow(/category: the kind talk belongs to events.*url: expected an http\(s\) URL.*date: expected a date not after today/);
    await expect(
      submitContribution(store.db, config, { ...submission, kind: 'issueTriaged', category: 'code' }, 'x', '2026-11-25'),
    ).rejects.toThrow(/tracked automatically/);
    expect((await listPendingReviews(store.db)).map((r) => r.handle)).toEqual(['jane']);
    await expect(decideReview(store.db, config, row.id, { approve: false }, 'm')).rejects.toThrow('a rejection needs a reason');
    await expect(decideReview(store.db, config, row.id, { approve: true, reviewerId: jane.id }, 'm')).rejects.toThrow(/own contribution/);
    const approved = await decideReview(store.db, config, row.id, { approve: true }, 'cli:manager');
    expect(approved.review_state).toBe('counted');
    await expect(decideReview(store.db, config, row.id, { approve: true }, 'm')).rejects.toThrow('is counted, not pending review');
    expect(await listPendingReviews(store.db)).toEqual([]);
  });

  it('computes status at a date from counted contributions only', async () => {
    const jane = await member('jane', '2025-08-31');
    await member('joe', '2026-10-01');
    await upsertContributions(store.db, config, [
      { memberId: jane.id, source: 's', externalId: '1', kind: 'blogPost', title: 'a', url: null, occurredAt: '2026-03-31T23:30:00Z', reviewState: 'counted' },
      { memberId: jane.id, source: 's', externalId: '2', kind: 'blogPost', title: 'b', url: null, occurredAt: '2026-08-01T10:00:00Z', reviewState: 'pending' },
    ]);
    const at = async (date: string) =>
      (await memberStatuses(store.db, config, date)).map((s) => [s.handle, s.status, s.lastContributionAt, s.activeUntil]);
    expect(await at('2026-02-01')).toEqual([
      ['jane', 'lapsing', null, '2026-02-28'],
      ['joe', 'not-yet-joined', null, null],
    ]);
    expect(await at('2026-04-01')).toEqual([
      ['jane', 'active', '2026-03-31', '2026-09-30'],
      ['joe', 'not-yet-joined', null, null],
    ]);
    expect(await at('2026-10-15')).toEqual([
      ['jane', 'inactive', '2026-03-31', '2026-09-30'],
      ['joe', 'active', null, '2027-04-01'],
    ]);
  });

  it('ranks the year in SQL exactly as the domain does', async () => {
    // A deterministic random community with many ties.
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const members = [];
    for (let n = 0; n < 25; n += 1) members.push(await member(`m${String(n).padStart(2, '0')}${n % 3 === 0 ? 'X' : ''}`));
    const inputs: ContributionInput[] = [];
    const kinds = ['blogPost', 'talk', 'answerPosted', 'pullRequestMerged', 'documentationMerged', 'mentoring', 'associationMembership'];
    for (let n = 0; n < 300; n += 1) {
      const who = members[Math.floor(random() * members.length)]!;
      const month = 1 + Math.floor(random() * 14);
      const year = month > 12 ? 2027 : 2026;
      inputs.push({
        memberId: who.id, source: 'gen', externalId: `c${n}`, kind: kinds[Math.floor(random() * kinds.length)]!, title: `c${n}`, url: null,
        occurredAt: `${year}-${String(((month - 1) % 12) + 1).padStart(2, '0')}-${String(1 + Math.floor(random() * 3)).padStart(2, '0')}T12:00:00Z`,
        reviewState: random() < 0.85 ? 'counted' : 'pending',
        metadata: { accepted: random() < 0.3, score: Math.floor(random() * 4) },
      });
    }
    await upsertContributions(store.db, config, inputs);
    const rows = await store.db.selectFrom('contributions').selectAll().where('review_state', '=', 'counted').execute();
    const inYear = rows.filter((r) => r.occurred_at.getUTCFullYear() === 2026);
    const people = members.map((m) => ({ memberId: m.id, handle: m.handle, name: m.name }));
    const counted = inYear.map((r) => ({ memberId: r.member_id, category: r.category, points: r.points, occurredAt: r.occurred_at }));
    const reference = rankStandings(tallyStandings(people, counted));
    const page = await queryStandings(store.db, { from: '2026-01-01', to: '2026-12-31' });
    expect(page.total).toBe(reference.length);
    expect(page.rows).toEqual(reference);
    for (const category of CATEGORIES) {
      const sqlRanks = (await queryStandings(store.db, { from: '2026-01-01', to: '2026-12-31', category })).rows;
      // A category counts and breaks ties within itself.
      const within = rankWithinCategory(people, counted, category);
      expect(sqlRanks.map((r) => [r.rank, r.handle, r.points, r.contributions, r.lastContributionAt])).toEqual(
        within.map((r) => [r.rank, r.handle, r.points, r.contributions, r.lastContributionAt]),
      );
    }
    const second = await queryStandings(store.db, { from: '2026-01-01', to: '2026-12-31', limit: 5, offset: 5 });
    expect(second.rows).toEqual(reference.slice(5, 10));
    expect(second.total).toBe(reference.length);
  });

  it('rescores everything after a rules change, touching only what changed', async () => {
    const jane = await member('jane');
    await upsertContributions(store.db, config, [
      { memberId: jane.id, source: 's', externalId: '1', kind: 'talk', title: 'a', url: null, occurredAt: '2026-03-01T10:00:00Z', reviewState: 'counted' },
      { memberId: jane.id, source: 's', externalId: '2', kind: 'talk', title: 'b', url: null, occurredAt: '2027-03-01T10:00:00Z', reviewState: 'counted' },
      { memberId: jane.id, source: 's', externalId: '3', kind: 'blogPost', title: 'c', url: null, occurredAt: '2027-03-01T10:00:00Z', reviewState: 'counted' },
    ]);
    const changed = configWith({ scoring: { changes: [{ effectiveFrom: '2027-01-01', points: { talk: 50 } }] } });
    const before = await store.db.selectFrom('contributions').select(['external_id', 'rules_version']).orderBy('external_id').execute();
    const result = await rescoreAll(store.db, changed, { chunkSize: 1 });
    // Only the 2027 talk is in the change's scope: the rest scores the same under both versions
    // and keeps the version that scored it.
    expect(result).toMatchObject({ members: 1, contributions: 1, changed: 1 });
    const rows = await store.db.selectFrom('contributions').select(['external_id', 'points', 'rules_version']).orderBy('external_id').execute();
    expect(rows.map((r) => r.points)).toEqual([30, 50, 10]);
    expect(rows[1]!.rules_version).toMatch(/^2027-01-01\./);
    expect(rows[2]!.rules_version).toBe(before[2]!.rules_version);
    // And rescoring with the rules it was first scored under restores the 2027 talk alone.
    expect(await rescoreAll(store.db, config)).toMatchObject({ contributions: 1, changed: 1 });
    expect(await rescoreAll(store.db, changed)).toMatchObject({ contributions: 1, changed: 1 });
    expect((await rescoreAll(store.db, changed)).changed).toBe(0);
  });
});
