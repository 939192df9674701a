// The manager digest, the submission.created webhook, the reports page with its charts, the
// members CSV with status columns, and the audit log's filters, pages and CSV (issue 12, item 4).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sendManagersDigest } from '../../src/notify/digest.js';
import { submitContribution, upsertContributions } from '../../src/store/contributions.js';
import type { Member } from '../../src/store/schema.js';
import { get, NOW, post, webTest, type Actor, type WebTest } from './support.js';

describe('reports, digest and audit', () => {
  let t: WebTest;
  let alice: Member;
  let maria: Member;
  let manager: Actor;
  const hooks: { url: string; body: Record<string, unknown> }[] = [];

  beforeEach(async () => {
    hooks.length = 0;
    const fakeFetch = (async (url: string | URL, init?: RequestInit) => {
      hooks.push({ url: String(url), body: JSON.parse(String(init?.body)) as Record<string, unknown> });
      return new Response('ok', { status: 200 });
    }) as typeof fetch;
    t = await webTest({ config: { notifications: { webhooks: [{ name: 'crm', url: 'https://crm.example/hook', secret: '0123456789abcdef0123' }] } }, context: { fetch: fakeFetch } });
    alice = await t.addPerson('alice', 'ambassador', { joinedAt: '2025-09-01' });
    maria = await t.addPerson('maria', 'manager');
    manager = await t.as(maria);
  });
  afterEach(() => t.close());

  it('sends submission.created when a person submits, on the site and the API', async () => {
    const session = await t.as(alice);
    await post(t.app, session, '/me/submit', { kind: 'talk', title: 'Talk at MM NL', url: 'https://mm.example/talk', date: '2026-06-01' });
    await t.app.inject({ method: 'POST', url: '/api/v1/submissions', headers: { cookie: session.cookie, 'x-csrf-token': session.csrf, 'content-type': 'application/json' }, payload: { kind: 'workshop', title: 'Workshop', url: 'https://mm.example/w', date: '2026-06-02' } });
    const created = hooks.filter((h) => h.body.event === 'submission.created' || JSON.stringify(h.body).includes('submission.created'));
    expect(created).toHaveLength(2);
    expect(JSON.stringify(created[0]!.body)).toContain('Talk at MM NL');
    expect(JSON.stringify(created[0]!.body)).toContain('/manage/reviews/');
  });

  it('emails managers a daily digest once per day: new submissions, the queue and failing sources', async () => {
    await submitContribution(t.store.db, t.config, { memberId: alice.id, kind: 'talk', category: 'events', title: 'Fresh talk', url: 'https://e.org/1', date: '2026-06-10' }, 'test', '2026-06-15');
    await t.store.db.insertInto('sync_runs').values({ source: 'feeds', status: 'failed', error: 'HTTP 500 from the feed host', finished_at: new Date() }).execute();
    await t.store.db.insertInto('sync_runs').values({ source: 'github', status: 'ok', finished_at: new Date() }).execute();
    const { createNotifier } = await import('../../src/notify/notifier.js');
    const { notificationSettingsSchema } = await import('../../src/notify/settings.js');
    const sent: { to: string; subject: string; text: string }[] = [];
    const notifier = createNotifier({ db: t.store.db as never, config: t.config, settings: notificationSettingsSchema.parse({}), mailer: { send: async (m) => void sent.push({ to: m.to, subject: m.subject, text: m.text }) }, fetch, now: () => NOW, baseUrl: 'http://ambassadors.test' });
    const now = new Date(Date.now() + 60_000);
    const first = await sendManagersDigest(t.store.db, { notifier, config: t.config }, now);
    expect(first.content.newSubmissions.map((s) => s.title)).toEqual(['Fresh talk']);
    expect(first.content.failingSources.map((s) => s.source)).toEqual(['feeds']);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.to).toBe('maria@example.org');
    expect(sent[0]!.text).toContain('1 new item to review in the last day');
    expect(sent[0]!.text).toContain('Source feeds failed on its last run: HTTP 500 from the feed host');
    const again = await sendManagersDigest(t.store.db, { notifier, config: t.config }, now);
    expect(again.outcomes).toEqual(['already-sent']);
    expect(sent).toHaveLength(1);
  });

  it('draws the reports with text alternatives and exports members with status columns', async () => {
    await upsertContributions(t.store.db, t.config, [
      { memberId: alice.id, source: 'feeds', externalId: 'p1', kind: 'blogPost', title: 'Post', url: 'https://a.example/1', occurredAt: '2026-03-10T10:00:00Z', reviewState: 'counted' },
    ]);
    const reports = await get(t.app, manager, '/manage/reports');
    expect(reports.statusCode).toBe(200);
    for (const title of ["Members and active members at each month's end", 'Counted contributions per month, stacked by category', 'Lapse rate per month', 'Members per country (the 15 largest)']) expect(reports.body).toContain(title);
    expect(reports.body).toMatch(/role="img" aria-labelledby="members-chart-title members-chart-desc"/);
    expect(reports.body).toContain('<th scope="row">Mar 26</th><td class="num">0</td><td class="num">1</td>');
    const csv = await get(t.app, manager, '/manage/exports/members.csv');
    const [header, ...lines] = csv.body.trim().split('\n');
    expect(header).toContain('status,activeUntil,points2026,lastContribution');
    expect(lines.find((l) => l.startsWith('alice,'))).toContain('active,2026-09-10,10,2026-03-10');
    expect((await get(t.app, await t.as(alice), '/manage/reports')).statusCode).toBe(403);
  });

  it('filters the audit log by actor, action prefix, subject and date, counts it and exports it', async () => {
    const talk = await submitContribution(t.store.db, t.config, { memberId: alice.id, kind: 'talk', category: 'events', title: 'T', url: 'https://e.org/t', date: '2026-06-10' }, 'web:alice', '2026-06-15');
    await post(t.app, manager, `/manage/reviews/${talk.id}/reject`, { reason: 'No recording' });
    await post(t.app, manager, '/manage/members/alice/notes', { note: 'Spoke on the phone' });
    const byActor = await get(t.app, manager, '/manage/audit?actor=web%3Amaria');
    expect(byActor.body).toContain('Audit log <span class="subtle">(2)</span>');
    const reviews = await get(t.app, manager, '/manage/audit?action=review.');
    expect(reviews.body).toContain('Audit log <span class="subtle">(1)</span>');
    expect(reviews.body).toContain('No recording');
    const subject = await get(t.app, manager, '/manage/audit?subject=member%20alice');
    expect(subject.body).toContain('member.note');
    expect((await get(t.app, manager, '/manage/audit?from=2030-01-01')).body).toContain('Audit log <span class="subtle">(0)</span>');
    const csv = await get(t.app, manager, '/manage/audit.csv?action=review.');
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.trim().split('\n')).toHaveLength(2);
    expect(csv.body).toContain('review.reject');
  });
});
