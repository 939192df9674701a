// The directory's status filter and the home page's "Active now" are decided in the database:
// each status lists exactly its members, a private suspension is found where the public sees
// it (inactive), and the count is of registered members active or in their warning period.
import { afterEach, describe, expect, it } from 'vitest';
import { upsertContributions } from '../../src/store/contributions.js';
import { changeMemberState, setMemberFlags } from '../../src/store/members.js';
import { get, webTest, type WebTest } from './support.js';

// Today is 2026-06-15 (support NOW); an active window is 6 months with a 30-day warning.
async function seed(t: WebTest): Promise<void> {
  const people: [string, string | null, string][] = [
    ['ada', '2026-05-01', '2025-01-10'], // active until 2026-11-01
    ['bea', '2025-12-20', '2025-01-10'], // active until 2026-06-20: lapsing
    ['cy', '2025-10-01', '2025-01-10'], // lapsed 2026-04-01
    ['dan', '2026-05-01', '2025-01-10'], // suspended below
    ['eve', null, '2026-09-01'], // joins later
    ['robo', '2026-05-01', '2025-01-10'], // a bot below
  ];
  for (const [handle, contributed, joinedAt] of people) {
    const member = await t.addPerson(handle, 'ambassador', { joinedAt });
    if (contributed)
      await upsertContributions(t.store.db, t.config, [
        { memberId: member.id, source: 'feeds', externalId: `${handle}-post`, kind: 'blogPost', title: `${handle}'s post`, url: `https://${handle}.example/post`, occurredAt: `${contributed}T23:30:00Z`, reviewState: 'counted', metadata: {} },
      ]);
  }
  await changeMemberState(t.store.db, 'dan', { state: 'suspended', reason: 'a code of conduct case', effectiveOn: '2026-06-01' }, 'test');
  await setMemberFlags(t.store.db, 'robo', { isBot: true }, 'test');
}

/** The handles a directory page lists, sorted. */
async function listed(t: WebTest, url: string): Promise<string[]> {
  const response = await get(t.app, null, url);
  expect(response.statusCode).toBe(200);
  return [...response.body.matchAll(/href="\/ambassadors\/([a-z]+)"/g)].map((match) => match[1]!).filter((handle, n, all) => all.indexOf(handle) === n).sort();
}

describe('directory status filter', () => {
  let t: WebTest;
  afterEach(() => t.close());

  it('lists each status in public, a private suspension as inactive', async () => {
    t = await webTest();
    await seed(t);
    expect(await listed(t, '/ambassadors')).toEqual(['ada', 'bea', 'cy', 'dan', 'eve']);
    expect(await listed(t, '/ambassadors?status=active')).toEqual(['ada']);
    expect(await listed(t, '/ambassadors?status=lapsing')).toEqual(['bea']);
    expect(await listed(t, '/ambassadors?status=inactive')).toEqual(['cy', 'dan']);
    expect(await listed(t, '/ambassadors?status=inactive&q=da')).toEqual(['dan']);
    expect((await get(t.app, null, '/ambassadors?status=inactive')).body).toContain('2 ambassadors');
    expect((await get(t.app, null, '/')).body).toMatch(/<dt>Active now<\/dt><dd>2<\/dd>/);
  });

  it('leaves a public suspension out of inactive', async () => {
    t = await webTest({ config: { visibility: { suspensions: 'public' } } });
    await seed(t);
    expect(await listed(t, '/ambassadors?status=inactive')).toEqual(['cy']);
    expect(await listed(t, '/ambassadors?status=active')).toEqual(['ada']);
  });
});
