// The overall leaderboard is read from each 'all' row's stored JSON text (standings_packed,
// migrations 0074 and 0086). That text must be valid JSON and say exactly what the members and
// their totals are, whatever the names hold, and whenever it is rewritten (a name change, a
// points update, a rebuild): the pages read it without looking at the columns it came from.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertContributions } from '../../src/store/contributions.js';
import { addMember } from '../../src/store/members.js';
import { updateProfile } from '../../src/web/queries/accounts.js';
import { webDb } from '../../src/web/queries/tables.js';
import { rescoreAll } from '../../src/store/rescore.js';
import { aggregateStandings, queryStandings } from '../../src/store/standings.js';
import { configWith } from '../domain/fixtures.js';
import { ENGINES, freshStore, type TestStore } from '../support/engines.js';

const NAMES = [
  'Zoë "Zed" O\'Brien',
  'back\\slash \\" and \\\\',
  'tab\tnew\nline\rcarriage',
  '\u0001\u001f control \u007f',
  '</script><script>alert(1)</script>',
  '日本語 🧡 emoji',
  '  spaced  ',
  '\u2028 line separators \u2029',
];

describe.each(ENGINES)('packed leaderboard rows on %s', (engine) => {
  let store: TestStore;
  const config = configWith();
  const rescored = configWith({ scoring: { changes: [{ effectiveFrom: '2026-03-01', points: { blogPost: 9.25 } }] } });
  const period = { from: '2026-01-01', to: '2026-12-31' };

  beforeAll(async () => {
    store = await freshStore(engine);
  });
  afterAll(async () => {
    await store.dispose();
  });

  const overall = async () => {
    const page = await queryStandings(store.db, period);
    expect(page).toEqual(await aggregateStandings(store.db, period));
    return page;
  };

  it('say what the columns say, for any name, after every kind of rewrite', async () => {
    const members: Awaited<ReturnType<typeof addMember>>[] = [];
    for (const [index, name] of NAMES.entries()) {
      members.push(await addMember(store.db, { handle: `packed${index}`, name, email: `packed${index}@example.org`, joinedAt: '2025-06-01' }, 'test'));
    }
    const renamedId = members[3]!.id;
    await upsertContributions(
      store.db,
      config,
      members.flatMap((member, index) =>
        Array.from({ length: index + 1 }, (_, n) => ({
          memberId: member.id,
          source: 'test',
          externalId: `p${index}-${n}`,
          kind: n % 2 === 0 ? 'blogPost' : 'answerPosted',
          title: `t${index}-${n}`,
          url: null,
          // Milliseconds that toISOString writes, and microseconds it would not.
          occurredAt: new Date(Date.UTC(2026, 1 + n, 3 + index, 10, 20, 30, 123 + n)).toISOString().replace('Z', `${n}Z`),
          reviewState: 'counted' as const,
          metadata: { accepted: true, score: 2 },
        })),
      ),
    );
    const first = await overall();
    expect(first.rows.map((row) => row.name).sort()).toEqual(members.map((member) => member.name).sort());
    for (const row of first.rows) expect(row.lastContributionAt).toMatch(/^2026-\d\d-\d\dT10:20:30\.1[23]\dZ$/);

    // Points rewritten by a rescore (the update trigger), then a name changed on the profile.
    await rescoreAll(store.db, rescored);
    const after = await overall();
    expect(after.rows.some((row) => row.points !== first.rows.find((r) => r.memberId === row.memberId)?.points)).toBe(true);
    await updateProfile(webDb(store.db), renamedId, { name: 'Renamed "again" \\ \u0002', country: null, company: null, bio: null, avatarUrl: null }, 'test');
    const renamed = await overall();
    expect(renamed.rows.find((row) => row.memberId === renamedId)?.name).toBe('Renamed "again" \\ \u0002');
  });
});
