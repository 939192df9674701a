import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CATEGORIES } from '../../src/domain/categories.js';
import { isEmpty, loadDemo } from '../../src/demo/community.js';
import { queryStandings } from '../../src/store/standings.js';
import { memberStatuses } from '../../src/store/statuses.js';
import { configWith } from '../domain/fixtures.js';
import { ENGINES, freshStore, type TestStore } from '../support/engines.js';

const config = configWith();

describe.each(ENGINES)('the demo community on %s', (engine) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await freshStore(engine);
  });
  afterEach(async () => {
    await store.dispose();
  });

  it('is lively across every category and both years, and loads only once', async () => {
    expect(await isEmpty(store.db)).toBe(true);
    const first = await loadDemo(store.db, config);
    expect(first).toMatchObject({ members: 64, created: true });
    const count = async () =>
      (await store.db.selectFrom('contributions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
    const contributions = await count();
    expect(await loadDemo(store.db, config)).toMatchObject({ created: false });
    expect(await count()).toBe(contributions);

    const board = await queryStandings(store.db, { from: '2026-01-01', to: '2026-12-31' });
    expect(board.total).toBeGreaterThan(40);
    for (const category of CATEGORIES) {
      expect(board.rows.some((row) => row.categories[category] > 0), category).toBe(true);
    }
    const lastYear = await queryStandings(store.db, { from: '2025-01-01', to: '2025-12-31' });
    expect(lastYear.total).toBeGreaterThan(30);
    const statuses = await memberStatuses(store.db, config, '2026-11-25');
    const byStatus = (status: string) => statuses.filter((s) => s.status === status).length;
    expect(byStatus('active')).toBeGreaterThan(20);
    expect(byStatus('inactive') + byStatus('lapsing')).toBeGreaterThan(0);
    const pending = await store.db.selectFrom('contributions').select('id').where('review_state', '=', 'pending').execute();
    expect(pending.length).toBeGreaterThan(0);
  });
});
