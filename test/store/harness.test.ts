import { describe, expect, it } from 'vitest';
import { ENGINES, freshStore } from '../support/engines.js';

describe.each(ENGINES)('test harness on %s', (engine) => {
  it('gives each test its own migrated database', async () => {
    const a = await freshStore(engine);
    const b = await freshStore(engine);
    await a.db.insertInto('members').values({ handle: 'only-in-a', name: 'A', joined_at: '2026-01-01' }).execute();
    const inB = await b.db.selectFrom('members').select('handle').execute();
    expect(inB).toEqual([]);
    await a.dispose();
    await b.dispose();
  });
});
