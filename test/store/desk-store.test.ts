// The review desk's and member console's queries on both engines: the queue with its count,
// filters and pages, anomalies, member records, the thread of a change request, the console's
// rows, the audit search, the reports and the digest.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { digestContent } from '../../src/notify/digest.js';
import { searchAudit } from '../../src/store/audit-search.js';
import { decideReview, submitContribution, upsertContributions } from '../../src/store/contributions.js';
import { changeHandle, consoleMembers, filterMembers, handleAlias } from '../../src/store/member-console.js';
import { addMember } from '../../src/store/members.js';
import { programReport } from '../../src/store/reports.js';
import {
  anomaliesOf,
  listReviewDesk,
  memberContexts,
  requestChanges,
  revokeApproval,
  reviewThread,
} from '../../src/store/reviews.js';
import { editSubmission } from '../../src/store/own-submissions.js';
import { configWith } from '../domain/fixtures.js';
import { ENGINES, freshStore, type TestStore } from '../support/engines.js';

const config = configWith();
const NOW = new Date('2026-06-15T10:00:00Z');

describe.each(ENGINES)('review desk and member console queries on %s', (engine) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await freshStore(engine);
  });
  afterEach(async () => store.dispose());

  it('pages and filters the queue, flags anomalies, keeps the thread, and reports', async () => {
    const db = store.db;
    const ada = await addMember(
      db,
      { handle: 'ada', name: 'Ada', email: 'ada@example.org', joinedAt: '2026-02-01', country: 'PT' },
      'test',
    );
    const mgr = await addMember(
      db,
      { handle: 'mgr', name: 'Manager', email: 'mgr@example.org', joinedAt: '2024-01-01', role: 'manager' },
      'test',
    );
    const ids: number[] = [];
    for (let n = 0; n < 30; n += 1) {
      ids.push(
        (
          await submitContribution(
            db,
            config,
            {
              memberId: ada.id,
              kind: n % 2 ? 'talk' : 'blogPost',
              category: n % 2 ? 'events' : 'content',
              title: `Item ${n} 100%`,
              url: `https://e.org/${n}`,
              date: '2026-05-01',
            },
            'web:ada',
            '2026-06-15',
          )
        ).id,
      );
    }
    await upsertContributions(db, config, [
      {
        memberId: ada.id,
        source: 'feeds',
        externalId: 'old',
        kind: 'blogPost',
        title: 'Old',
        url: 'https://e.org/0',
        occurredAt: '2025-01-01T00:00:00Z',
        reviewState: 'pending',
      },
    ]);
    const first = await listReviewDesk(db, {}, { page: 1, viewerId: mgr.id, now: NOW });
    expect([first.total, first.allPending, first.items.length]).toEqual([31, 31, 25]);
    expect((await listReviewDesk(db, {}, { page: 2, viewerId: mgr.id, now: NOW })).items).toHaveLength(6);
    expect(
      (await listReviewDesk(db, { category: 'events' }, { page: 1, viewerId: mgr.id, now: NOW })).total,
    ).toBe(15);
    expect(
      (await listReviewDesk(db, { search: '100%' }, { page: 1, viewerId: mgr.id, now: NOW })).total,
    ).toBe(30);
    expect((await listReviewDesk(db, { search: '_' }, { page: 1, viewerId: mgr.id, now: NOW })).total).toBe(
      0,
    );
    expect(
      (
        await listReviewDesk(
          db,
          { source: 'sources', member: 'ADA' },
          { page: 1, viewerId: mgr.id, now: NOW },
        )
      ).total,
    ).toBe(1);
    const all = (await listReviewDesk(db, {}, { page: 1, viewerId: mgr.id, now: NOW, pageSize: 100 })).items;
    await decideReview(db, config, ids[0]!, { approve: true, reviewerId: mgr.id }, 'web:mgr');
    const anomalies = await anomaliesOf(db, all, NOW);
    const old = all.find((i) => i.title === 'Old')!;
    expect(
      anomalies
        .get(old.id)!
        .map((a) => a.code)
        .sort(),
    ).toEqual(['before-joining', 'burst', 'url-counted']);
    expect(anomalies.get(ids[1]!)!.map((a) => a.code)).toContain('burst');
    expect((await memberContexts(db, [ada.id])).get(ada.id)).toMatchObject({
      counted: 1,
      pending: 30,
      rejected: 0,
    });

    await requestChanges(db, config, ids[1]!, 'Add the slides', { id: mgr.id, actor: 'web:mgr' });
    await editSubmission(
      db,
      config,
      ids[1]!,
      ada.id,
      {
        kind: 'talk',
        title: 'Item 1 fixed',
        url: 'https://e.org/1',
        date: '2026-05-02',
        evidenceUrl: 'https://e.org/slides',
      },
      'web:ada',
      '2026-06-15',
    );
    await decideReview(db, config, ids[1]!, { approve: true, reviewerId: mgr.id }, 'web:mgr');
    await revokeApproval(db, config, ids[1]!, 'Cancelled', { id: mgr.id, actor: 'web:mgr' });
    expect((await reviewThread(db, ids[1]!)).map((e) => [e.action, e.actor_handle])).toEqual([
      ['submitted', 'ada'],
      ['changes_requested', 'mgr'],
      ['resubmitted', 'ada'],
      ['approved', 'mgr'],
      ['revoked', 'mgr'],
    ]);

    const rows = filterMembers(
      await consoleMembers(db, config, '2026-06-15'),
      { search: 'ada@EXAMPLE' },
      '2026-06-15',
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      handle: 'ada',
      status: 'active',
      pointsThisYear: 10,
      lastContribution: '2026-05-01',
    });
    await changeHandle(db, ada.id, 'ada-l', 'asked', 'web:mgr');
    expect(await handleAlias(db, 'ADA')).toBe('ada-l');
    const audit = await searchAudit(db, { action: 'review.', actor: 'mgr' }, { limit: 2 });
    expect(audit.total).toBe(4);
    expect(audit.entries).toHaveLength(2);
    const report = await programReport(db, config, '2026-06-15');
    expect(report.months).toHaveLength(12);
    expect(report.months.at(-2)).toMatchObject({ month: '2026-05', members: 2, active: 1 });
    expect(report.months.at(-2)!.contributions.content).toBe(1);
    expect(report.countries.find((c) => c.country === 'PT')?.members).toBe(1);
    const digest = await digestContent(db, new Date(Date.now() + 60_000));
    expect(digest.newSubmissions.length).toBe(29);
  });
});
