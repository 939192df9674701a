import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../src/store/audit.js';
import { AwardsGuardError, computeAwardDraft, listSnapshots, publishAwards, publishedSnapshot, scheduleAnnouncement, snapshotResults } from '../../src/store/awards.js';
import { publishDueAnnouncements } from '../../src/notify/announcements.js';
import { upsertContributions } from '../../src/store/contributions.js';
import { addMember, setMemberFlags } from '../../src/store/members.js';
import { configWith } from '../domain/fixtures.js';
import { ENGINES, freshStore, type TestStore } from '../support/engines.js';

const config = configWith({ awards: { topN: 2 } });
// After the 2026 cycle: computing and publishing need no confirmation.
const AFTER = { today: '2027-01-04' };
const AFTER_NOW = { now: new Date('2027-01-04T10:00:00Z') };

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
    const first = await computeAwardDraft(store.db, config, 2026, 'cli:manager', AFTER);
    expect(first.created).toBe(true);
    const results = snapshotResults(first.snapshot);
    expect(results.topAmbassadors.map((e) => [e.rank, e.handle, e.points])).toEqual([
      [1, 'ada', 90],
      [2, 'bob', 50],
    ]);
    expect(results.ineligible).toEqual([{ handle: 'staffer', name: 'staffer', reason: 'program staff', kind: 'staff', rank: 1, points: 270 }]);
    expect(results.recognisedCount).toBe(4);
    expect(results.categoryWinners.education?.handle).toBe('cy');
    expect(results.topAmbassadors[0]!.citation).toBe('Top Ambassador 2026, rank 1: 90 points across 1 category, including 3 talks.');

    const again = await computeAwardDraft(store.db, config, 2026, 'cli:manager', AFTER);
    expect(again).toMatchObject({ created: false });
    expect(again.snapshot.input_hash).toBe(first.snapshot.input_hash);

    const published = await publishAwards(store.db, 2026, 'cli:manager', AFTER_NOW);
    expect(published).toMatchObject({ status: 'published', revision: 1, published_by: 'cli:manager' });
    await expect(publishAwards(store.db, 2026, 'cli:manager', AFTER_NOW)).rejects.toThrow('already published');

    // New facts after publication: the published year does not change silently.
    const bob = await store.db.selectFrom('members').select('id').where('handle', '=', 'bob').executeTakeFirstOrThrow();
    await upsertContributions(store.db, config, [
      { memberId: bob.id, source: 'seed', externalId: 'late', kind: 'eventOrganized', title: 'late', url: null, occurredAt: '2026-12-01T10:00:00Z', reviewState: 'counted' },
    ]);
    await expect(computeAwardDraft(store.db, config, 2026, 'cli:manager', AFTER)).rejects.toThrow(/published .* needs a reason/);
    const revised = await computeAwardDraft(store.db, config, 2026, 'cli:manager', { ...AFTER, reason: 'late submission approved' });
    expect(revised.snapshot).toMatchObject({ revision: 2, status: 'draft' });
    expect((await publishedSnapshot(store.db, 2026))?.revision).toBe(1);
    await publishAwards(store.db, 2026, 'cli:manager', AFTER_NOW);
    expect((await listSnapshots(store.db, 2026)).map((s) => [s.revision, s.status])).toEqual([
      [2, 'published'],
      [1, 'superseded'],
    ]);
    const actions = (await listAudit(store.db)).map((a) => a.action).filter((a) => a.startsWith('awards.'));
    expect(actions).toEqual(['awards.publish', 'awards.compute', 'awards.publish', 'awards.compute']);
  });

  it('needs a confirmation with a reason to compute or publish before the cycle ends (1 December: 31 days remain)', async () => {
    const december = { today: '2026-12-01' };
    const refused = computeAwardDraft(store.db, config, 2026, 'web:maria', december);
    await expect(refused).rejects.toBeInstanceOf(AwardsGuardError);
    await expect(refused).rejects.toMatchObject({ guard: 'early', detail: { cycleEnd: '2026-12-31', daysRemaining: 31 } });
    expect(await listSnapshots(store.db, 2026)).toEqual([]);
    const early = await computeAwardDraft(store.db, config, 2026, 'web:maria', { ...december, earlyReason: 'preview for the jury' });
    expect(early.snapshot.early_reason).toBe('preview for the jury');
    // The draft's reason does not carry over: publishing early is confirmed on its own.
    await expect(publishAwards(store.db, 2026, 'web:maria', { now: new Date('2026-12-01T12:00:00Z') })).rejects.toMatchObject({ guard: 'early' });
    expect(await publishedSnapshot(store.db, 2026)).toBeUndefined();
    const published = await publishAwards(store.db, 2026, 'web:maria', { now: new Date('2026-12-01T12:00:00Z'), earlyReason: 'gala moved to December' });
    expect(published).toMatchObject({ status: 'published', early_reason: 'gala moved to December' });
    const audit = await listAudit(store.db);
    expect(audit.find((a) => a.action === 'awards.publish')).toMatchObject({ reason: 'gala moved to December' });
  });

  it('schedules an announcement: publishDueAnnouncements publishes it when due and emails each winner once', async () => {
    await computeAwardDraft(store.db, config, 2026, 'web:maria', AFTER);
    const at = new Date('2027-01-10T18:00:00Z');
    await expect(scheduleAnnouncement(store.db, 2026, new Date('2026-12-20T18:00:00Z'), 'web:maria', { now: new Date('2026-12-02T00:00:00Z') })).rejects.toMatchObject({ guard: 'early' });
    await scheduleAnnouncement(store.db, 2026, at, 'web:maria', AFTER_NOW);
    const sent: { to: string; subject: string; headers?: Record<string, string> }[] = [];
    const mailer = { send: async (message: { to: string; subject: string; headers?: Record<string, string> }) => void sent.push(message) };
    const before = await publishDueAnnouncements(store, config, new Date('2027-01-10T17:59:00Z'), { mailer });
    expect(before).toEqual({ published: [], announced: [] });
    expect(await publishedSnapshot(store.db, 2026)).toBeUndefined();
    const run = await publishDueAnnouncements(store, config, new Date('2027-01-10T18:00:30Z'), { mailer });
    expect(run).toEqual({ published: [{ year: 2026, revision: 1 }], announced: [{ year: 2026, revision: 1 }] });
    expect((await publishedSnapshot(store.db, 2026))?.published_by).toBe('web:maria');
    // ada and bob are the Top Ambassadors; cy leads education: three people, one email each.
    expect(sent.map((m) => m.to).sort()).toEqual(['ada@example.org', 'bob@example.org', 'cy@example.org']);
    expect(sent[0]!.headers?.['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    expect(await publishDueAnnouncements(store, config, new Date('2027-01-11T00:00:00Z'), { mailer })).toEqual({ published: [], announced: [] });
    expect(sent).toHaveLength(3);
  });

  it('refuses to publish a year never computed', async () => {
    await expect(publishAwards(store.db, 2025, 'x')).rejects.toThrow('no 2025 awards have been computed');
  });
});
