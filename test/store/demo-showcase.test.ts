// The demo shows everything (issue 12, item 8): an administrator, the 2025 awards published,
// a 2026 draft, submissions waiting and one with a change request; loading it twice adds nothing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadDemo, loadDemoShowcase } from '../../src/demo/community.js';
import { configWith } from '../domain/fixtures.js';
import { ENGINES, freshStore, type TestStore } from '../support/engines.js';

const config = configWith();

describe.each(ENGINES)('the demo showcase on %s', (engine) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await freshStore(engine);
  });
  afterEach(async () => store.dispose());

  it('has an admin, a published 2025 award, a 2026 draft, pending submissions and a change request', async () => {
    await loadDemo(store.db, config);
    const now = new Date('2026-11-25T10:00:00Z');
    const outcome = await loadDemoShowcase(store.db, config, now);
    expect(outcome).toMatchObject({ published: 1, draft: 1, submissions: 3 });
    expect(outcome.changeRequested).toBeTruthy();
    const roles = await store.db.selectFrom('members').select('role').where('role', '!=', 'ambassador').execute();
    expect(roles.map((r) => r.role).sort()).toEqual(['admin', 'manager']);
    const snapshots = await store.db.selectFrom('award_snapshots').select(['year', 'status']).orderBy('year').execute();
    expect(snapshots).toEqual([{ year: 2025, status: 'published' }, { year: 2026, status: 'draft' }]);
    const submissions = await store.db.selectFrom('contributions').select(['review_state', 'changes_requested', 'kind']).where('source', '=', 'submission').orderBy('id').execute();
    expect(submissions).toEqual([
      { review_state: 'rejected', changes_requested: true, kind: 'talk' },
      { review_state: 'pending', changes_requested: false, kind: 'pullRequestMerged' },
      { review_state: 'pending', changes_requested: false, kind: 'mentoring' },
    ]);
    const again = await loadDemoShowcase(store.db, config, now);
    expect(again).toMatchObject({ submissions: 0, published: null, draft: 1 });
    expect(await store.db.selectFrom('award_snapshots').select('id').execute()).toHaveLength(2);
  });
});
