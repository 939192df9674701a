// The review desk (issue 12, item 1): the true count and pages, oldest first, filters and
// search, assignment, canned reasons, change requests the person fixes and resubmits, revoking
// an approval (confirmed, audited, told), bulk decisions after a confirmation page, anomaly
// flags and the member's record beside each item.
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { submitContribution, upsertContributions } from '../../src/store/contributions.js';
import type { Member } from '../../src/store/schema.js';
import { get, post, webTest, type Actor, type WebTest } from './support.js';

describe('review desk', () => {
  let t: WebTest;
  let alice: Member;
  let bob: Member;
  let maria: Member;
  let manager: Actor;

  const submit = (who: Member, title: string, kind = 'talk', date = '2026-05-01') =>
    submitContribution(
      t.store.db,
      t.config,
      {
        memberId: who.id,
        kind,
        category: t.config.kinds[kind]!.category,
        title,
        url: `https://example.org/${encodeURIComponent(title)}`,
        date,
      },
      'test',
      '2026-06-15',
    );

  beforeEach(async () => {
    t = await webTest();
    alice = await t.addPerson('alice');
    bob = await t.addPerson('bob');
    maria = await t.addPerson('maria', 'manager');
    manager = await t.as(maria);
  });
  afterEach(() => t.close());

  it('shows the true count, pages of 25 oldest first, and filters by category, kind, member, source, age and words', async () => {
    for (let n = 0; n < 60; n += 1) {
      const row = await submit(
        n % 2 ? alice : bob,
        `Talk number ${String(n).padStart(2, '0')}`,
        n % 3 === 0 ? 'workshop' : 'talk',
      );
      await sql`update contributions set created_at = ${new Date(Date.UTC(2026, 4, 1) + n * 3_600_000)} where id = ${row.id}`.execute(t.store.db);
    }
    const first = await get(t.app, manager, '/manage/reviews');
    expect(first.statusCode).toBe(200);
    expect(first.body).toContain('Review desk <span class="subtle">(60 pending)</span>');
    expect(first.body).toContain('Showing 1–25 of 60 pending items, oldest first.');
    expect(first.body.indexOf('Talk number 00')).toBeLessThan(first.body.indexOf('Talk number 01'));
    expect(first.body).not.toContain('Talk number 25');
    const third = await get(t.app, manager, '/manage/reviews?page=3');
    expect(third.body).toContain('Showing 51–60 of 60');
    expect(third.body).toContain('Talk number 59');
    const newest = await get(t.app, manager, '/manage/reviews?sort=newest');
    expect(newest.body.indexOf('Talk number 59')).toBeLessThan(newest.body.indexOf('Talk number 58'));
    const workshops = await get(t.app, manager, '/manage/reviews?kind=workshop');
    expect(workshops.body).toContain('of 20 matching items (60 pending in all)');
    const alices = await get(t.app, manager, '/manage/reviews?member=alice&category=events');
    expect(alices.body).toContain('of 30 matching items');
    const words = await get(t.app, manager, '/manage/reviews?q=number%204');
    expect(words.body).toContain('of 10 matching items');
    const percent = await get(t.app, manager, '/manage/reviews?q=_');
    expect(percent.body).toContain('No pending items match.');
    expect((await get(t.app, manager, '/manage/reviews?source=sources')).body).toContain(
      'No pending items match.',
    );
    expect((await get(t.app, manager, '/manage/reviews?source=submission')).body).toContain('of 60 pending');
    // NOW is 2026-06-15: all were created in May, none within the last 30 days... of 45 days.
    expect((await get(t.app, manager, '/manage/reviews?age=30')).body).toContain('of 60 pending');
    // Past the last page after decisions: the last page instead of an error.
    const gone = await get(t.app, manager, '/manage/reviews?page=9');
    expect(gone.statusCode).toBe(303);
    expect(gone.headers.location).toBe('/manage/reviews?page=3');
  });

  it('gives every action its own form: the reason box belongs to the reject form, whose first button rejects', async () => {
    const talk = await submit(alice, 'Talk at Meet Magento');
    const body = (await get(t.app, manager, '/manage/reviews')).body;
    const reject = body.slice(body.indexOf(`action="/manage/reviews/${talk.id}/reject"`));
    const form = reject.slice(0, reject.indexOf('</form>'));
    expect(form).toContain(`id="reason-${talk.id}"`);
    expect(form.indexOf('type="submit"')).toBe(
      form.indexOf('<button type="submit" class="small danger">Reject'.slice(8)),
    );
    expect(form).not.toContain('Approve');
    // A canned reason stands in for a typed one.
    const response = await post(t.app, manager, `/manage/reviews/${talk.id}/reject`, {
      reason: '',
      canned: '1',
    });
    expect(response.statusCode).toBe(303);
    const row = await t.store.db
      .selectFrom('contributions')
      .select(['review_state', 'review_reason'])
      .where('id', '=', talk.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({
      review_state: 'rejected',
      review_reason: 'There is no evidence that you did it: add the slides, a recording or the programme.',
    });
    expect(t.mails.at(-1)!.subject).toBe('Your contribution "Talk at Meet Magento" was not approved');
  });

  it('asks for changes; the person edits and resubmits; the approval follows and the thread keeps both', async () => {
    const talk = await submit(alice, 'Talk with the wrong date', 'talk', '2026-05-01');
    await post(t.app, manager, `/manage/reviews/${talk.id}/changes`, {
      reason: 'Please resubmit with the right date (the event was on 12 May).',
    });
    expect(t.mails.at(-1)!.subject).toBe('Changes requested on "Talk with the wrong date"');
    expect(t.mails.at(-1)!.text).toContain(`/me/submissions/${talk.id}/edit`);
    const person = await t.as(alice);
    const mine = await get(t.app, person, '/me/contributions');
    expect(mine.body).toContain('Changes requested');
    expect(mine.body).toContain(`/me/submissions/${talk.id}/edit`);
    const edit = await get(t.app, person, `/me/submissions/${talk.id}/edit`);
    expect(edit.body).toContain('The reviewer asked for changes');
    expect(edit.body).toContain('Resubmit for review');
    const badDate = await post(t.app, person, `/me/submissions/${talk.id}/edit`, {
      kind: 'talk',
      title: 'Talk with the right date',
      url: talk.url!,
      date: '2026-05-32',
    });
    expect(badDate.statusCode).toBe(400);
    expect(badDate.body).toContain('<a href="#f-date">Date</a>');
    const fixed = await post(t.app, person, `/me/submissions/${talk.id}/edit`, {
      kind: 'talk',
      title: 'Talk with the right date',
      url: talk.url!,
      date: '2026-05-12',
    });
    expect(fixed.statusCode).toBe(303);
    expect((await get(t.app, manager, '/manage/reviews')).body).toContain('Talk with the right date');
    await post(t.app, manager, `/manage/reviews/${talk.id}/approve`);
    const row = await t.store.db
      .selectFrom('contributions')
      .selectAll()
      .where('id', '=', talk.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      review_state: 'counted',
      changes_requested: false,
      title: 'Talk with the right date',
      points: 30,
    });
    expect(row.occurred_at.toISOString().slice(0, 10)).toBe('2026-05-12');
    const thread = await get(t.app, manager, `/manage/reviews/${talk.id}`);
    for (const words of [
      'Submitted',
      'Changes requested by @maria',
      'Please resubmit with the right date',
      'Resubmitted',
      'Approved by @maria',
    ])
      expect(thread.body).toContain(words);
    // A counted submission is no longer the person's to edit.
    expect((await get(t.app, person, `/me/submissions/${talk.id}/edit`)).statusCode).toBe(404);
  });

  it('lets the person edit or withdraw while it waits, after a confirmation', async () => {
    const talk = await submit(alice, 'Talk to withdraw');
    const person = await t.as(alice);
    expect(
      (
        await post(t.app, person, `/me/submissions/${talk.id}/edit`, {
          kind: 'workshop',
          title: 'Workshop instead',
          url: 'https://example.org/w',
          date: '2026-05-02',
        })
      ).statusCode,
    ).toBe(303);
    expect(
      await t.store.db
        .selectFrom('contributions')
        .select(['kind', 'review_state'])
        .where('id', '=', talk.id)
        .executeTakeFirstOrThrow(),
    ).toEqual({ kind: 'workshop', review_state: 'pending' });
    expect((await get(t.app, await t.as(bob), `/me/submissions/${talk.id}/edit`)).statusCode).toBe(404);
    const confirm = await get(t.app, person, `/me/submissions/${talk.id}/withdraw`);
    expect(confirm.body).toContain('Withdraw “Workshop instead”?');
    expect((await post(t.app, person, `/me/submissions/${talk.id}/withdraw`)).statusCode).toBe(303);
    expect(await t.store.db.selectFrom('contributions').select('id').execute()).toEqual([]);
  });

  it('revokes an approval after a confirmation page, with a reason: audited, the person told, the points gone', async () => {
    const talk = await submit(alice, 'Talk approved by mistake');
    await post(t.app, manager, `/manage/reviews/${talk.id}/approve`);
    const decided = await get(t.app, manager, '/manage/reviews/decided');
    expect(decided.body).toContain(`/manage/reviews/${talk.id}/revoke`);
    const confirm = await get(t.app, manager, `/manage/reviews/${talk.id}/revoke`);
    expect(confirm.body).toContain('Revoke the approval of “Talk approved by mistake”?');
    const noReason = await post(t.app, manager, `/manage/reviews/${talk.id}/revoke`, { reason: '' });
    expect(noReason.headers.location).toBe(`/manage/reviews/${talk.id}/revoke`);
    expect(
      (await post(t.app, manager, `/manage/reviews/${talk.id}/revoke`, { reason: 'The talk was cancelled' }))
        .statusCode,
    ).toBe(303);
    const row = await t.store.db
      .selectFrom('contributions')
      .select(['review_state', 'review_reason'])
      .where('id', '=', talk.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ review_state: 'rejected', review_reason: 'The talk was cancelled' });
    expect((await get(t.app, null, '/ambassadors/alice')).body).not.toContain('Talk approved by mistake');
    expect(t.mails.at(-1)!.subject).toBe('The approval of "Talk approved by mistake" was withdrawn');
    expect(t.mails.at(-1)!.text).toContain('Reason: The talk was cancelled');
    const audit = await t.store.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'review.revoke')
      .executeTakeFirstOrThrow();
    expect(audit).toMatchObject({
      actor: 'web:maria',
      subject_id: String(talk.id),
      reason: 'The talk was cancelled',
    });
    // A manager may not revoke another manager's approval of their own work... nor anyone's own.
    const own = await submit(maria, 'Maria talk');
    await t.store.db
      .updateTable('contributions')
      .set({ review_state: 'counted' })
      .where('id', '=', own.id)
      .execute();
    expect((await post(t.app, manager, `/manage/reviews/${own.id}/revoke`, { reason: 'x' })).statusCode).toBe(
      403,
    );
    expect(
      (
        await t.store.db
          .selectFrom('contributions')
          .select('review_state')
          .where('id', '=', own.id)
          .executeTakeFirstOrThrow()
      ).review_state,
    ).toBe('counted');
  });

  it('assigns items to a manager and filters what is assigned to me', async () => {
    const a = await submit(alice, 'Assigned talk');
    await submit(bob, 'Unassigned talk');
    expect(
      (await post(t.app, manager, `/manage/reviews/${a.id}/assign`, { assignee: String(maria.id) }))
        .statusCode,
    ).toBe(303);
    const mine = await get(t.app, manager, '/manage/reviews?assigned=me');
    expect(mine.body).toContain('Assigned talk');
    expect(mine.body).not.toContain('Unassigned talk');
    expect(mine.body).toContain('assigned to @maria');
    const nobody = await get(t.app, manager, '/manage/reviews?assigned=none');
    expect(nobody.body).toContain('Unassigned talk');
    expect(nobody.body).not.toContain('>Assigned talk<');
    await post(t.app, manager, `/manage/reviews/${a.id}/assign`, { assignee: String(alice.id) });
    expect(
      (
        await t.store.db
          .selectFrom('contributions')
          .select('assigned_to')
          .where('id', '=', a.id)
          .executeTakeFirstOrThrow()
      ).assigned_to,
    ).toBe(maria.id);
  });

  it('flags anomalies and shows the member record beside each item', async () => {
    await t.store.db
      .updateTable('members')
      .set({ joined_at: '2026-03-01' })
      .where('id', '=', bob.id)
      .execute();
    await upsertContributions(t.store.db, t.config, [
      {
        memberId: bob.id,
        source: 'feeds',
        externalId: 'old-post',
        kind: 'blogPost',
        title: 'Old post',
        url: 'https://bob.example/old',
        occurredAt: '2025-01-01T10:00:00Z',
        reviewState: 'pending',
      },
      {
        memberId: bob.id,
        source: 'feeds',
        externalId: 'future-post',
        kind: 'blogPost',
        title: 'Future post',
        url: 'https://bob.example/future',
        occurredAt: '2026-09-01T10:00:00Z',
        reviewState: 'pending',
      },
      {
        memberId: alice.id,
        source: 'feeds',
        externalId: 'counted',
        kind: 'blogPost',
        title: 'Counted post',
        url: 'https://shared.example/post',
        occurredAt: '2026-04-01T10:00:00Z',
        reviewState: 'counted',
      },
    ]);
    await submit(bob, 'Copy of a counted post', 'blogPost').then((row) =>
      t.store.db
        .updateTable('contributions')
        .set({ url: 'https://shared.example/post' })
        .where('id', '=', row.id)
        .execute(),
    );
    for (let n = 0; n < 5; n += 1) await submit(alice, `Burst video ${n}`, 'video', '2026-05-0' + (n + 1));
    const desk = (await get(t.app, manager, '/manage/reviews')).body;
    expect(desk).toContain('Dated 2025-01-01, before they joined on 2026-03-01.');
    expect(desk).toContain('Dated 2026-09-01, in the future.');
    expect(desk).toMatch(/This link already counts \(#\d+, @alice\)/);
    expect(desk).toContain('5 items of this kind from @alice within a day.');
    expect(desk).toContain('1 counted · 0 not approved · 5 waiting');
    expect(desk).toContain('found by feeds');
  });

  it('confirms bulk rejections before acting and keeps the reason', async () => {
    const a = await submit(alice, 'Bulk A');
    const b = await submit(bob, 'Bulk B');
    const confirm = await post(t.app, manager, '/manage/reviews/bulk', {
      ids: [String(a.id), String(b.id)],
      decision: 'reject',
      reason: 'Duplicate entries',
    });
    expect(confirm.body).toContain('Reject 2 contributions?');
    expect(confirm.body).toContain('Duplicate entries');
    expect(confirm.body).toContain('Yes, reject 2 contributions');
    expect(
      (await t.store.db.selectFrom('contributions').select('review_state').execute()).every(
        (r) => r.review_state === 'pending',
      ),
    ).toBe(true);
    await post(t.app, manager, '/manage/reviews/bulk', {
      ids: [String(a.id), String(b.id)],
      decision: 'reject',
      reason: 'Duplicate entries',
      confirm: 'yes',
    });
    const rows = await t.store.db
      .selectFrom('contributions')
      .select(['review_state', 'review_reason'])
      .execute();
    expect(rows).toEqual([
      { review_state: 'rejected', review_reason: 'Duplicate entries' },
      { review_state: 'rejected', review_reason: 'Duplicate entries' },
    ]);
  });
});
