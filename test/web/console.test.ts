// The manager console: the review queue (one by one and in bulk, with notifications), member
// actions, sync health, rules preview, awards drafts and publishing, audit log and exports.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { submitContribution, upsertContributions } from '../../src/store/contributions.js';
import { linkIdentity } from '../../src/store/identities.js';
import type { Member } from '../../src/store/schema.js';
import { get, post, webTest, type Actor, type WebTest } from './support.js';

describe('manager console', () => {
  let t: WebTest;
  let alice: Member;
  let manager: Actor;
  let admin: Actor;
  const syncs: (string | undefined)[] = [];

  const submit = (title: string, kind = 'talk', date = '2026-05-01') =>
    submitContribution(t.store.db, t.config, { memberId: alice.id, kind, category: t.config.kinds[kind]!.category, title, url: `https://example.org/${encodeURIComponent(title)}`, date }, 'test', '2026-06-15');

  beforeEach(async () => {
    t = await webTest({ context: { runSync: async (source) => void syncs.push(source) }, config: { sources: { github: {} } } });
    alice = await t.addPerson('alice');
    manager = await t.as(await t.addPerson('maria', 'manager'));
    admin = await t.as(await t.addPerson('ada', 'admin'));
  });
  afterEach(() => t.close());

  it('approves and rejects one by one, telling the person', async () => {
    const talk = await submit('Talk at Meet Magento');
    const workshop = await submit('Workshop on PWA', 'workshop');
    const queue = await get(t.app, manager, '/manage/reviews');
    expect(queue.body).toContain('Talk at Meet Magento');
    expect(queue.body).toContain('30 points if approved');
    expect((await post(t.app, manager, `/manage/reviews/${talk.id}/approve`)).statusCode).toBe(303);
    const noReason = await post(t.app, manager, `/manage/reviews/${workshop.id}/reject`, { reason: '' });
    expect(noReason.headers.location).toBe(`/manage/reviews/${workshop.id}`);
    await post(t.app, manager, `/manage/reviews/${workshop.id}/reject`, { reason: 'No evidence it took place' });
    const rows = await t.store.db.selectFrom('contributions').select(['id', 'review_state', 'review_reason', 'points']).orderBy('id').execute();
    expect(rows.map((r) => r.review_state)).toEqual(['counted', 'rejected']);
    expect(rows[1]!.review_reason).toBe('No evidence it took place');
    expect(t.mails.map((m) => m.subject)).toEqual(['Your contribution "Talk at Meet Magento" was approved', 'Your contribution "Workshop on PWA" was not approved']);
    expect(t.mails[1]!.text).toContain('Reason: No evidence it took place');
    const audit = await get(t.app, manager, '/manage/audit?action=review.reject');
    expect(audit.body).toContain('No evidence it took place');
    expect(audit.body).toContain('web:maria');
  });

  it('decides in bulk and reports what could not be done', async () => {
    const a = await submit('A');
    const b = await submit('B', 'workshop');
    const rejectNoReason = await post(t.app, manager, '/manage/reviews/bulk', { ids: [String(a.id), String(b.id)], decision: 'reject' });
    expect(rejectNoReason.statusCode).toBe(303);
    expect((await t.store.db.selectFrom('contributions').select('review_state').execute()).every((r) => r.review_state === 'pending')).toBe(true);
    // A bulk decision asks first (a confirmation page), then acts.
    const confirm = await post(t.app, manager, '/manage/reviews/bulk', { ids: [String(a.id), String(b.id), '999999'], decision: 'approve' });
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain('Yes, approve 2 contributions');
    expect((await t.store.db.selectFrom('contributions').select('review_state').execute()).every((r) => r.review_state === 'pending')).toBe(true);
    const bulk = await post(t.app, manager, '/manage/reviews/bulk', { ids: [String(a.id), String(b.id), '999999'], decision: 'approve', confirm: 'yes' });
    expect((await t.store.db.selectFrom('contributions').select('review_state').execute()).every((r) => r.review_state === 'counted')).toBe(true);
    const flash = String(bulk.headers['set-cookie']).split(';')[0];
    const page = await get(t.app, { ...manager, cookie: `${manager.cookie}; ${flash}` }, '/manage/reviews');
    expect(page.body).toContain('Approved 2 contributions. Not done: #999999');
  });

  it('suspends, flags, verifies identities and merges duplicates', async () => {
    const suspended = await post(t.app, manager, '/manage/members/alice/state', { state: 'suspended', reason: 'Spam submissions' });
    expect(suspended.statusCode).toBe(303);
    expect((await t.store.db.selectFrom('members').select('state').where('id', '=', alice.id).executeTakeFirstOrThrow()).state).toBe('suspended');
    await post(t.app, manager, '/manage/members/alice/state', { state: 'registered', reason: 'Cleared up' });
    await post(t.app, manager, '/manage/members/alice/flags', { isStaff: 'yes' });
    expect((await t.store.db.selectFrom('members').select('is_staff').where('id', '=', alice.id).executeTakeFirstOrThrow()).is_staff).toBe(true);

    const identity = await linkIdentity(t.store.db, alice.id, { platform: 'devto', externalId: 'alice' }, {}, 'test');
    await post(t.app, manager, '/manage/members/alice/verify', { identityId: String(identity.id) });
    expect((await t.store.db.selectFrom('identities').select('verified_at').where('id', '=', identity.id).executeTakeFirstOrThrow()).verified_at).not.toBeNull();

    const roleByManager = await post(t.app, manager, '/manage/members/alice/flags', { role: 'admin' });
    expect(roleByManager.statusCode).toBe(403);
    await post(t.app, admin, '/manage/members/alice/flags', { role: 'manager' });
    expect((await t.store.db.selectFrom('members').select('role').where('id', '=', alice.id).executeTakeFirstOrThrow()).role).toBe('manager');

    const duplicate = await t.addPerson('alice2');
    await upsertContributions(t.store.db, t.config, [{ memberId: duplicate.id, source: 'feeds', externalId: 'p1', kind: 'blogPost', title: 'Post', url: 'https://a.example/p', occurredAt: '2026-03-01T00:00:00Z', reviewState: 'counted' }]);
    await linkIdentity(t.store.db, duplicate.id, { platform: 'github', externalId: 'alice-old' }, { verified: true }, 'test');
    // Merging is an administrator's decision.
    expect((await post(t.app, manager, '/manage/members/alice/merge', { duplicate: 'alice2', reason: 'Same person, two sign-ups' })).statusCode).toBe(403);
    const merged = await post(t.app, admin, '/manage/members/alice/merge', { duplicate: 'alice2', reason: 'Same person, two sign-ups' });
    expect(merged.statusCode).toBe(303);
    expect(await t.store.db.selectFrom('members').select('id').where('handle', '=', 'alice2').executeTakeFirst()).toBeUndefined();
    expect((await t.store.db.selectFrom('contributions').select('member_id').executeTakeFirstOrThrow()).member_id).toBe(alice.id);
    expect((await t.store.db.selectFrom('identities').select('member_id').where('external_id', '=', 'alice-old').executeTakeFirstOrThrow()).member_id).toBe(alice.id);
    expect(await t.store.db.selectFrom('erasures').selectAll().execute()).toHaveLength(0);
  });

  it('shows the sync state of every source and starts a sync on request', async () => {
    const page = await get(t.app, manager, '/manage/sync');
    expect(page.body).toContain('No sync runs yet');
    expect(page.body).toContain('Run now');
    expect(page.body).toContain('<option value="stackexchange">');
    expect(page.body).not.toContain('<option value="http">');
    await post(t.app, manager, '/manage/sync/run', { source: 'github' });
    await post(t.app, manager, '/manage/sync/run', { source: '' });
    await post(t.app, manager, '/manage/sync/run', { source: 'http' });
    expect(syncs).toEqual(['github', undefined]);
    const started = new Date('2026-11-20T10:00:00Z');
    await t.store.db
      .insertInto('sync_runs')
      .values([
        { source: 'github', status: 'ok', started_at: started, finished_at: new Date(started.getTime() + 4200), items_new: 7, requests: 31, not_modified: 12 },
        { source: 'github', status: 'failed', started_at: new Date('2026-11-21T10:00:00Z'), finished_at: new Date('2026-11-21T10:00:01Z'), requests: 3, error: 'github: rate limited until 10:30 <b>UTC</b>' },
      ])
      .execute();
    const withRuns = await get(t.app, manager, '/manage/sync');
    expect(withRuns.body).toContain('Last run of each source');
    expect(withRuns.body).toContain('github: rate limited until 10:30 &lt;b&gt;UTC&lt;/b&gt;');
    expect(withRuns.body).toContain('4.2 s');
    expect(withRuns.body).toMatch(/<td class="num">31<\/td><td class="num">12<\/td>/);
  });

  it("previews a rules change: its diff and its effect on this year's leaderboard", async () => {
    const bob = await t.addPerson('bob');
    await upsertContributions(t.store.db, t.config, [
      { memberId: alice.id, source: 'x', externalId: '1', kind: 'talk', title: 'Talk', url: null, occurredAt: '2026-03-01T00:00:00Z', reviewState: 'counted' },
      { memberId: bob.id, source: 'x', externalId: '2', kind: 'blogPost', title: 'Post', url: null, occurredAt: '2026-03-01T00:00:00Z', reviewState: 'counted' },
      { memberId: bob.id, source: 'x', externalId: '3', kind: 'blogPost', title: 'Post 2', url: null, occurredAt: '2026-03-03T00:00:00Z', reviewState: 'counted' },
    ]);
    const invalid = await post(t.app, manager, '/manage/rules/preview', { proposal: 'scoring: { points: { talk: ten } }' });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.body).toContain('scoring.points.talk');
    const preview = await post(t.app, manager, '/manage/rules/preview', { proposal: 'scoring:\n  points:\n    blogPost: 20\n' });
    expect(preview.statusCode).toBe(200);
    expect(preview.body).toContain('<span class="diff-removed">-     blogPost: 10</span>');
    expect(preview.body).toContain('<span class="diff-added">+     blogPost: 20</span>');
    expect(preview.body).toContain('2 of 3 counted contributions change points; 2 ambassadors change rank.');
    expect(preview.body).toMatch(/Bob Tester <span class="meta">@bob<\/span><\/td>\s*<td class="num">2<\/td><td class="num">1<\/td>/);
    // Nothing was applied.
    expect((await t.store.db.selectFrom('contributions').select('points').where('external_id', '=', '2').executeTakeFirstOrThrow()).points).toBe(10);
  });

  it('computes a draft, compares it with the previous one, and publishes it, each only with a confirmation before the cycle ends', async () => {
    await upsertContributions(t.store.db, t.config, [{ memberId: alice.id, source: 'x', externalId: '1', kind: 'talk', title: 'Talk', url: null, occurredAt: '2026-03-01T00:00:00Z', reviewState: 'counted' }]);
    // 15 June: the 2026 cycle has 200 days to go. No warning used to stand in the way.
    const refused = await post(t.app, manager, '/manage/awards/compute', { year: '2026' });
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toContain('200 days remain');
    expect(refused.body).toContain('Go ahead before the cycle ends');
    expect(refused.body).not.toMatch(/--early|--reason/);
    expect(await t.store.db.selectFrom('award_snapshots').select('id').execute()).toEqual([]);
    const early = { year: '2026', confirmEarly: 'yes', earlyReason: 'jury preview' };
    expect((await post(t.app, manager, '/manage/awards/compute', early)).statusCode).toBe(303);
    const bob = await t.addPerson('bob');
    await upsertContributions(t.store.db, t.config, [{ memberId: bob.id, source: 'x', externalId: '2', kind: 'eventOrganized', title: 'Meetup', url: null, occurredAt: '2026-03-02T00:00:00Z', reviewState: 'counted' }]);
    await post(t.app, manager, '/manage/awards/compute', early);
    const page = await get(t.app, manager, '/manage/awards?year=2026');
    expect(page.body).toContain('200 days remain');
    expect(page.body).toContain('Compared with revision 1');
    expect(page.body).toContain('<strong>alice</strong>: rank 1 (30 points) → rank 2 (30 points)');
    expect((await get(t.app, null, '/awards/2026')).statusCode).toBe(404);
    // The draft's reason does not publish it: publishing early is confirmed on its own.
    const unconfirmed = await post(t.app, manager, '/manage/awards/publish', { year: '2026', when: 'now' });
    expect(unconfirmed.statusCode).toBe(409);
    expect(unconfirmed.body).toContain('The awards were not published.');
    expect((await get(t.app, null, '/awards/2026')).statusCode).toBe(404);
    expect(t.mails.filter((m) => /Ambassador Awards/.test(m.subject))).toEqual([]);
    await post(t.app, manager, '/manage/awards/publish', { year: '2026', when: 'now', confirmEarly: 'yes', earlyReason: 'gala in June' });
    const published = await get(t.app, null, '/awards/2026');
    expect(published.statusCode).toBe(200);
    expect(t.mails.filter((m) => m.subject === 'You are among the Ambassador Awards 2026').map((m) => m.to).sort()).toEqual(['alice@example.org', 'bob@example.org']);
    // Recomputing a published year without a reason: a page that says what to do, in the console's words.
    await upsertContributions(t.store.db, t.config, [{ memberId: bob.id, source: 'x', externalId: '3', kind: 'talk', title: 'Late talk', url: null, occurredAt: '2026-04-02T00:00:00Z', reviewState: 'counted' }]);
    const again = await post(t.app, manager, '/manage/awards/compute', early);
    expect(again.statusCode).toBe(409);
    expect(again.body).not.toMatch(/--reason|<h1>Conflict<\/h1>/);
    expect(again.body).toContain('Revision 2 is published');
    expect(again.body).toContain('say why in “Reason for recomputing”');
    expect(again.body).toMatch(/id="f-reason"[^>]*aria-invalid="true"/);
    expect(again.body).toContain('value="jury preview"');
    expect((await post(t.app, manager, '/manage/awards/compute', { ...early, reason: 'late talk approved' })).statusCode).toBe(303);
  });

  it('schedules an announcement for a set time and cancels it', async () => {
    await upsertContributions(t.store.db, t.config, [{ memberId: alice.id, source: 'x', externalId: '1', kind: 'talk', title: 'Talk', url: null, occurredAt: '2025-03-01T00:00:00Z', reviewState: 'counted' }]);
    expect((await post(t.app, manager, '/manage/awards/compute', { year: '2025' })).statusCode).toBe(303);
    const bad = await post(t.app, manager, '/manage/awards/publish', { year: '2025', when: 'later', announceAt: '2026-02-30T18:00' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toMatch(/id="p-at"[^>]*aria-invalid="true"/);
    expect((await post(t.app, manager, '/manage/awards/publish', { year: '2025', when: 'later', announceAt: '2026-06-20T18:00' })).statusCode).toBe(303);
    const page = await get(t.app, manager, '/manage/awards?year=2025');
    expect(page.body).toContain('Scheduled for <strong>2026-06-20 18:00 UTC</strong>');
    expect((await get(t.app, null, '/awards/2025')).statusCode).toBe(404);
    expect(t.mails.filter((m) => /Ambassador Awards/.test(m.subject))).toEqual([]);
    expect((await post(t.app, manager, '/manage/awards/unschedule', { year: '2025' })).statusCode).toBe(303);
    expect((await t.store.db.selectFrom('award_snapshots').select('announce_at').executeTakeFirstOrThrow()).announce_at).toBeNull();
  });

  it('exports CSV without emails unless an admin asks, with formulas neutralised', async () => {
    await t.store.db.updateTable('members').set({ company: '=HYPERLINK("http://evil")' }).where('id', '=', alice.id).execute();
    const members = await get(t.app, manager, '/manage/exports/members.csv');
    expect(members.headers['content-type']).toContain('text/csv');
    expect(members.body).not.toContain('@example.org');
    expect(members.body).toContain(`"'=HYPERLINK(""http://evil"")"`);
    const managerWithEmail = await get(t.app, manager, '/manage/exports/members.csv?email=yes');
    expect(managerWithEmail.body).not.toContain('@example.org');
    const adminWithEmail = await get(t.app, admin, '/manage/exports/members.csv?email=yes');
    expect(adminWithEmail.body).toContain('alice@example.org');
    const contributions = await get(t.app, manager, '/manage/exports/contributions.csv');
    expect(contributions.statusCode).toBe(200);
  });

  it('issues API tokens that are shown once and stored hashed', async () => {
    const issued = await post(t.app, admin, '/manage/api-tokens', { name: 'Events platform', source: 'events-platform', kinds: ['eventOrganized', 'talk'] });
    const token = /amb_[A-Za-z0-9_-]+/.exec(issued.body)?.[0];
    expect(token).toBeDefined();
    const list = await get(t.app, admin, '/manage/api-tokens');
    expect(list.body).not.toContain(token!);
    const row = await t.store.db.selectFrom('api_tokens' as never).selectAll().executeTakeFirstOrThrow() as { token_hash: string; kinds: string[] };
    expect(row.token_hash).not.toContain(token!);
    expect(row.kinds).toEqual(['eventOrganized', 'talk']);
    // One token per source name.
    const again = await post(t.app, admin, '/manage/api-tokens', { name: 'Events platform 2', source: 'events-platform', kinds: ['talk'] });
    expect(again.body).toContain('another token reports as');
    expect(await t.store.db.selectFrom('api_tokens' as never).selectAll().execute()).toHaveLength(1);
  });
});
