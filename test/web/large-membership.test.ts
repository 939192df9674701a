// More members than the wire protocol has bind parameters (65,535): the directory, the
// statuses of a list of members and an awards draft's candidates each sent one parameter per
// member (`in (...)`), so above that size the directory answered 503 and no draft could be
// computed. They send the list as one array now, and the directory reads statuses only for the
// members of the page it shows.
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { isActiveStatus } from '../../src/domain/status.js';
import { loadCandidates } from '../../src/store/awards.js';
import { memberStatuses } from '../../src/store/statuses.js';
import { parseWebSettings } from '../../src/web/settings.js';
import { ENGINES } from '../support/engines.js';
import { get, webTest, type WebTest } from './support.js';

const MEMBERS = 70_000;

/** `MEMBERS` members named m00001..., each with one counted post in the summer of 2026 worth 1–7 points. */
async function seedMembers(t: WebTest): Promise<void> {
  await sql`
    insert into members (handle, name, email, joined_at)
    select 'm' || lpad(n::text, 5, '0'), 'Member ' || lpad(n::text, 5, '0'), null, date '2025-06-01'
    from generate_series(1, ${MEMBERS}::int) n`.execute(t.store.db);
  await sql`
    insert into contributions (member_id, source, external_id, kind, category, title, url, occurred_at, points, rules_version, explanation, review_state, metadata)
    select m.id, 'seed', 'post-' || m.id, 'blogPost', 'content', 'Post ' || m.id, null,
      timestamptz '2026-07-15 10:00:00+00' + (m.id % 100) * interval '1 day', 1 + m.id % 7, 'seed', '[]', 'counted', '{}'
    from members m where m.handle like 'm%'`.execute(t.store.db);
  // As autovacuum would after an import: without statistics the planner reads every recent row per member.
  await sql`analyze`.execute(t.store.db);
}

describe.each(ENGINES)('a membership above 65,535 on %s', (engine) => {
  let t: WebTest;
  afterEach(() => t.close());

  it('lists the directory, reads statuses and loads award candidates', { timeout: 240_000 }, async () => {
    t = await webTest({ engine, now: () => new Date('2026-11-30T12:00:00Z') });
    await seedMembers(t);
    const ids = (await sql<{ id: number }>`select id from members where handle like 'm%' order by id`.execute(t.store.db)).rows.map((row) => row.id);
    expect(ids).toHaveLength(MEMBERS);

    const statuses = await memberStatuses(t.store.db, t.config, '2026-11-30', { memberIds: ids });
    expect(statuses).toHaveLength(MEMBERS);
    expect(statuses.every((status) => isActiveStatus(status.status))).toBe(true);

   
    const first = await get(t.app, null, '/ambassadors');
    expect(first.statusCode).toBe(200);
    expect(first.body).toContain('Member 00001');
    const lastPage = Math.ceil(MEMBERS / parseWebSettings(t.config.web).pageSize);
    const last = await get(t.app, null, `/ambassadors?page=${lastPage}`);
    expect(last.statusCode).toBe(200);
    expect(last.body).toContain('Member 70000');
    expect(last.body).not.toContain('Member 00001');
    expect((await get(t.app, null, `/ambassadors?page=${lastPage + 1}`)).statusCode).toBe(404);

   
    // A status filter and the home page's count are decided in SQL, not over every member in memory.
    const active = await get(t.app, null, `/ambassadors?status=active&page=${lastPage}`);
    expect(active.statusCode).toBe(200);
    expect(active.body).toContain('Member 70000');
    expect((await get(t.app, null, '/ambassadors?status=inactive')).body).toContain('No ambassadors match');
    expect((await get(t.app, null, '/')).body).toMatch(/<dt>Active now<\/dt><dd>70,000<\/dd>/);

    const candidates = await loadCandidates(t.store.db, t.config, 2026);
   
    expect(candidates).toHaveLength(MEMBERS);
    expect(candidates.every((candidate) => candidate.activeAtCycleEnd)).toBe(true);
    expect(candidates[0]!.points).toBe(7);
  });
});
