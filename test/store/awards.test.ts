import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../src/store/audit.js';
import { computeAwardDraft, listSnapshots, publishAwards, publishedSnapshot, snapshotResults } from '../../src/store/awards.js';
import { upsertContributions } from '../../src/store/contributions.js';
import { addMember, setMemberFlags } from '../../src/store/members.js';
import { configWith } from '../domain/fixtures.js';
import { ENGINES, freshStore, type TestStore } from '../support/engines.js';

const config = configWith({ awards: { topN: 2 } });

describe.each(ENGINES)('award snapshots on %s', (engine) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await freshStore(engine);
    const people = [
      ['ada', 'talk', 3],
      ['bob', 'blogPost', 5],
      ['cy', 'answerPosted', 4],
      ['staffer', 'talk', 9],
    ] as const;
    for (const [handle, kind, count] of people) {
      const member = await addMember(store.db, { handle, name: handle, email: `${handle}@example.org`, joinedAt: '2025-06-01' }, 'test');
      await upsertContributions(
        store.db,
        config,
        Array.from({ length: count }, (_, n) => ({
          memberId: member.id, source: 'seed', externalId: `${handle}-${n}`, kind, title: `${kind} ${n}`, url: null,
          occurredAt: `2026-0${n + 1}-15T10:00:00Z`, reviewState: 'counted' as const,
        })),
      );
    }
    await setMemberFlags(store.db, 'staffer', { isStaff: true }, 'test');
  });
  afterEach(async () => {
    await store.dispose();
  });

  it('computes a reproducible draft, publishes it, and freezes the year', async () => {
    const first = await computeAwardDraft(store.db, config, 2026, 'cli:manager');
    expect(first.created).toBe(true);
    const results = snapshotResults(first.snapshot);
    expect(results.topAmbassadors.map((e) => [e.rank, e.handle, e.points])).toEqual([
      [1, 'ada', 90],
      [2, 'bob', 50],
    ]);
    expect(results.ineligible).toEqual([{ handle: 'staffer', reason: 'program staff' }]);
    expect(results.categoryWinners.education?.handle).toBe('cy');
    expect(results.topAmbassadors[0]!.citation).toBe('Top Ambassador 2026, rank 1: 90 points across 1 category, including 3 talks.');

    const again = await computeAwardDraft(store.db, config, 2026, 'cli:manager');
    expect(again).toMatchObject({ created: false });
    expect(again.snapshot.input_hash).toBe(first.snapshot.input_hash);

    const published = await publishAwards(store.db, 2026, 'cli:manager');
    expect(published).toMatchObject({ status: 'published', revision: 1, published_by: 'cli:manager' });
    await expect(publishAwards(store.db, 2026, 'cli:manager')).rejects.toThrow('already published');

    // New facts after publication: the published year does not change silently.
    const bob = await store.db.selectFrom('members').select('id').where('handle', '=', 'bob').executeTakeFirstOrThrow();
    await upsertContributions(store.db, config, [
      { memberId: bob.id, source: 'seed', externalId: 'late', kind: 'eventOrganized', title: 'late', url: null, occurredAt: '2026-12-01T10:00:00Z', reviewState: 'counted' },
    ]);
    await expect(computeAwardDraft(store.db, config, 2026, 'cli:manager')).rejects.toThrow(/published .* needs a reason/);
    const revised = await computeAwardDraft(store.db, config, 2026, 'cli:manager', { reason: 'late submission approved' });
    expect(revised.snapshot).toMatchObject({ revision: 2, status: 'draft' });
    expect((await publishedSnapshot(store.db, 2026))?.revision).toBe(1);
    await publishAwards(store.db, 2026, 'cli:manager');
    expect((await listSnapshots(store.db, 2026)).map((s) => [s.revision, s.status])).toEqual([
      [2, 'published'],
      [1, 'superseded'],
    ]);
    const actions = (await listAudit(store.db)).map((a) => a.action).filter((a) => a.startsWith('awards.'));
    expect(actions).toEqual(['awards.publish', 'awards.compute', 'awards.publish', 'awards.compute']);
  });

  it('refuses to publish a year never computed', async () => {
    await expect(publishAwards(store.db, 2025, 'x')).rejects.toThrow('no 2025 awards have been computed');
  });
});
