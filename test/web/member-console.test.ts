// The member console (issue 12, item 4): search by name, handle or email; filters by status,
// segment, unverified identities, role, staff, bot and country; sorting; pages; bulk actions
// after a confirmation, each person checked against the role ladder; messages to a segment
// that respect email preferences; the member page with notes, handle and email changes.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { upsertContributions } from '../../src/store/contributions.js';
import { linkIdentity } from '../../src/store/identities.js';
import { setTopic } from '../../src/notify/preferences.js';
import type { Member } from '../../src/store/schema.js';
import { get, post, webTest, type Actor, type WebTest } from './support.js';

describe('member console', () => {
  let t: WebTest;
  let maria: Member;
  let manager: Actor;

  beforeEach(async () => {
    t = await webTest();
    maria = await t.addPerson('maria', 'manager');
    manager = await t.as(maria);
  });
  afterEach(() => t.close());

  /** 120 ambassadors; every 4th one last contributed in December 2025 (lapsing in June 2026). */
  async function crowd() {
    const rows = Array.from({ length: 120 }, (_, n) => ({
      handle: `amb${String(n).padStart(3, '0')}`,
      name: `Ambassador ${String(n).padStart(3, '0')}`,
      email: `amb${n}@example.org`,
      joined_at: '2025-01-01',
      country: n % 10 === 0 ? 'PT' : 'NL',
    }));
    const members = await t.store.db.insertInto('members').values(rows).returning(['id', 'handle']).execute();
    await t.store.db.insertInto('status_changes').values(members.map((m) => ({ member_id: m.id, to_status: 'registered', effective_on: '2025-01-01', actor: 'test' }))).execute();
    const contributions = members.flatMap((m, n) =>
      n % 4 === 0
        ? [{ memberId: m.id, source: 'feeds', externalId: `post-${n}`, kind: 'blogPost', title: `Post ${n}`, url: `https://example.org/${n}`, occurredAt: '2025-12-20T10:00:00Z', reviewState: 'counted' as const }]
        : n % 4 === 1
          ? [{ memberId: m.id, source: 'feeds', externalId: `post-${n}`, kind: 'blogPost', title: `Post ${n}`, url: `https://example.org/${n}`, occurredAt: `2026-0${1 + (n % 5)}-10T10:00:00Z`, reviewState: 'counted' as const }]
          : [],
    );
    await upsertContributions(t.store.db, t.config, contributions);
    return members;
  }

  it('finds members by email, filters, sorts and pages a large program', async () => {
    const members = await crowd();
    await linkIdentity(t.store.db, members[7]!.id, { platform: 'github', externalId: 'amb7-gh' }, {}, 'test');
    await t.store.db.updateTable('members').set({ is_staff: true }).where('id', '=', members[3]!.id).execute();
    const first = await get(t.app, manager, '/manage/members');
    expect(first.body).toContain('Members <span class="subtle">(121)</span>');
    expect(first.body).toContain('aria-label="Pages"');
    expect((await get(t.app, manager, '/manage/members?page=3')).statusCode).toBe(200);
    expect((await get(t.app, manager, '/manage/members?page=4')).statusCode).toBe(404);
    const byEmail = await get(t.app, manager, '/manage/members?q=amb42%40example.org');
    expect(byEmail.body).toContain('Members <span class="subtle">(1)</span>');
    expect(byEmail.body).toContain('Ambassador 042');
    // NOW is 2026-06-15: a counted post on 2025-12-20 keeps them active until 2026-06-20.
    const lapsing = await get(t.app, manager, '/manage/members?segment=lapsing-this-month');
    expect(lapsing.body).toContain('Members <span class="subtle">(30)</span>');
    expect((await get(t.app, manager, '/manage/members?status=inactive')).body).toContain('Members <span class="subtle">(60)</span>');
    expect((await get(t.app, manager, '/manage/members?unverified=yes')).body).toContain('Members <span class="subtle">(1)</span>');
    expect((await get(t.app, manager, '/manage/members?staff=yes')).body).toContain('Ambassador 003');
    expect((await get(t.app, manager, '/manage/members?role=manager')).body).toContain('Members <span class="subtle">(1)</span>');
    expect((await get(t.app, manager, '/manage/members?country=PT')).body).toContain('Members <span class="subtle">(12)</span>');
    const byPoints = (await get(t.app, manager, '/manage/members?sort=points&dir=desc')).body;
    expect(byPoints).toContain('aria-sort="descending"');
    expect(byPoints.indexOf('Ambassador 001')).toBeGreaterThan(0);
    expect(byPoints.indexOf('Ambassador 001')).toBeLessThan(byPoints.indexOf('Ambassador 118'));
    const byName = (await get(t.app, manager, '/manage/members?sort=name&dir=desc')).body;
    expect(byName.indexOf('Ambassador 119')).toBeLessThan(byName.indexOf('Ambassador 118'));
  });

  it('messages a segment after a confirmation, skipping who turned program messages off and who the manager may not act on', async () => {
    const members = await crowd();
    await setTopic(t.store.db, members[4]!.id, 'program', false);
    const compose = await get(t.app, manager, '/manage/members/message?segment=lapsing-this-month');
    expect(compose.body).toContain('Message 30 members');
    const confirm = await post(t.app, manager, '/manage/members/message?segment=lapsing-this-month', { subject: 'Your status ends this month', body: 'One contribution keeps it.\n\nThank you!' });
    expect(confirm.body).toContain('Send “Your status ends this month” to 30 members?');
    expect(t.mails).toHaveLength(0);
    const sent = await post(t.app, manager, '/manage/members/message?segment=lapsing-this-month', { subject: 'Your status ends this month', body: 'One contribution keeps it.\n\nThank you!', confirm: 'yes' });
    expect(sent.statusCode).toBe(303);
    expect(t.mails).toHaveLength(29);
    expect(t.mails.every((m) => m.subject === 'Your status ends this month')).toBe(true);
    expect(t.mails.map((m) => m.to)).not.toContain('amb4@example.org');
    expect(t.mails[0]!.headers?.['List-Unsubscribe']).toBeDefined();
    const audit = await t.store.db.selectFrom('audit_log').selectAll().where('action', '=', 'member.message').executeTakeFirstOrThrow();
    expect(audit.details).toMatchObject({ sent: 29, skipped: 1 });
    // A manager does not message another manager.
    const ada = await t.addPerson('ada', 'manager');
    const mailsBefore = t.mails.length;
    await post(t.app, manager, '/manage/members/message?role=manager', { subject: 'Hi', body: 'x', confirm: 'yes' });
    expect(t.mails.length).toBe(mailsBefore);
    expect(ada.id).toBeGreaterThan(0);
  });

  it('suspends in bulk after a confirmation with a reason, leaving out who the manager may not act on', async () => {
    const alice = await t.addPerson('alice');
    const bob = await t.addPerson('bob');
    await t.addPerson('ada', 'admin');
    const ask = await post(t.app, manager, '/manage/members/bulk', { handles: ['alice', 'bob', 'ada'], action: 'suspend' });
    expect(ask.statusCode).toBe(200);
    expect(ask.body).toContain('Suspend: 2 members?');
    expect(ask.body).toContain('Left out: @ada');
    await post(t.app, manager, '/manage/members/bulk', { handles: ['alice', 'bob'], action: 'suspend', confirm: 'yes', reason: '' });
    expect((await t.store.db.selectFrom('members').select('state').where('id', '=', alice.id).executeTakeFirstOrThrow()).state).toBe('registered');
    await post(t.app, manager, '/manage/members/bulk', { handles: ['alice', 'bob', 'ada'], action: 'suspend', confirm: 'yes', reason: 'Spam wave' });
    const states = await t.store.db.selectFrom('members').select(['handle', 'state', 'state_reason']).where('id', 'in', [alice.id, bob.id]).orderBy('handle').execute();
    expect(states).toEqual([{ handle: 'alice', state: 'suspended', state_reason: 'Spam wave' }, { handle: 'bob', state: 'suspended', state_reason: 'Spam wave' }]);
    expect((await t.store.db.selectFrom('members').select('state').where('handle', '=', 'ada').executeTakeFirstOrThrow()).state).toBe('registered');
    await post(t.app, manager, '/manage/members/bulk', { handles: ['alice'], action: 'staff', confirm: 'yes' });
    expect((await t.store.db.selectFrom('members').select('is_staff').where('id', '=', alice.id).executeTakeFirstOrThrow()).is_staff).toBe(true);
  });

  it('keeps private notes, changes the handle (the old address redirects) and the email (confirmed by the new address)', async () => {
    const alice = await t.addPerson('alice');
    await post(t.app, manager, '/manage/members/alice/notes', { note: 'Met at MM NL; wants to speak next year.' });
    const memberPage = await get(t.app, manager, '/manage/members/alice');
    expect(memberPage.body).toContain('Met at MM NL; wants to speak next year.');
    expect(memberPage.body).toContain('Status history');
    expect((await get(t.app, null, '/ambassadors/alice')).body).not.toContain('Met at MM NL');
    expect((await get(t.app, await t.as(alice), '/me')).body).not.toContain('Met at MM NL');

    const renamed = await post(t.app, manager, '/manage/members/alice/handle', { handle: 'alice-dev', reason: 'Asked by email' });
    expect(renamed.headers.location).toBe('/manage/members/alice-dev');
    const old = await get(t.app, null, '/ambassadors/alice?year=2026');
    expect(old.statusCode).toBe(301);
    expect(old.headers.location).toBe('/ambassadors/alice-dev?year=2026');
    expect((await get(t.app, null, '/ambassadors/alice-dev')).statusCode).toBe(200);
    expect(await t.store.db.selectFrom('audit_log').select(['action', 'reason']).where('action', '=', 'member.handle').execute()).toEqual([{ action: 'member.handle', reason: 'Asked by email' }]);
    expect((await post(t.app, manager, '/manage/members/alice-dev/handle', { handle: 'maria', reason: 'x' })).headers.location).toBe('/manage/members/alice-dev');

    await post(t.app, manager, '/manage/members/alice-dev/email', { email: 'alice@new.example' });
    expect((await t.store.db.selectFrom('members').select('email').where('id', '=', alice.id).executeTakeFirstOrThrow()).email).toBe('alice@example.org');
    const mail = t.mails.find((m) => m.to === 'alice@new.example')!;
    const link = /\/email-change\/confirm\?token=[\w-]+/.exec(mail.text)![0];
    expect((await get(t.app, null, link)).statusCode).toBe(200);
    expect((await t.store.db.selectFrom('members').select('email').where('id', '=', alice.id).executeTakeFirstOrThrow()).email).toBe('alice@new.example');
    expect((await get(t.app, null, link)).statusCode).toBe(400);
    // A manager may not change another manager's handle.
    await t.addPerson('mona', 'manager');
    expect((await post(t.app, manager, '/manage/members/mona/handle', { handle: 'mona2', reason: 'x' })).statusCode).toBe(403);
  });
});
