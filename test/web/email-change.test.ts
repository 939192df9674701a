// Issue 12, items 4 and 6: an ambassador changes their own email from their settings (the link
// goes to the new address, a notice to the old one, the change is audited as theirs and their
// session stays), and after a handle change the old badge and share-file addresses redirect.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Member } from '../../src/store/schema.js';
import { changeHandle } from '../../src/store/member-console.js';
import { ENGINES } from '../support/engines.js';
import { get, post, webTest, type Actor, type WebTest } from './support.js';

function cookiesOf(response: { headers: Record<string, unknown> }): string {
  const set = response.headers['set-cookie'];
  const list: string[] = Array.isArray(set) ? set.map(String) : set ? [String(set)] : [];
  return list.map((c) => c.split(';')[0]!).filter((c) => !c.endsWith('=')).join('; ');
}

describe.each(ENGINES)('self-service email change and moved handles (%s)', (engine) => {
  let t: WebTest;
  let alice: Member;
  let session: Actor;

  beforeEach(async () => {
    t = await webTest({ engine });
    alice = await t.addPerson('alice');
    await t.addPerson('bob');
    session = await t.as(alice);
  }, 60_000);
  afterEach(() => t.close());

  const emailOf = async (id: number) =>
    (await t.store.db.selectFrom('members').select('email').where('id', '=', id).executeTakeFirstOrThrow()).email;

  it('changes my email: the link goes to the new address, the old one is told, confirming changes it', async () => {
    const settings = await get(t.app, session, '/me/settings');
    expect(settings.statusCode).toBe(200);
    expect(settings.body).toContain('Change my email');
    expect(settings.body).toContain('action="/me/email"');
    expect((await get(t.app, session, '/me/profile')).body).not.toContain('a program manager can change them for you');

    // Without the CSRF token the form is refused.
    expect((await post(t.app, session, '/me/email', { email: 'alice@new.example' }, { csrf: false })).statusCode).toBe(403);

    const asked = await post(t.app, session, '/me/email', { email: 'alice@new.example' });
    expect(asked.statusCode).toBe(303);
    expect(asked.headers.location).toBe('/me/settings');
    expect(await emailOf(alice.id)).toBe('alice@example.org');

    const toNew = t.mails.filter((m) => m.to === 'alice@new.example');
    expect(toNew).toHaveLength(1);
    expect(toNew[0]!.subject).toContain('Confirm your new email address');
    const toOld = t.mails.filter((m) => m.to === 'alice@example.org');
    expect(toOld).toHaveLength(1);
    expect(toOld[0]!.subject).toContain('email change was requested');
    expect(toOld[0]!.text).not.toContain('/email-change/confirm');

    const link = /\/email-change\/confirm\?token=[\w-]+/.exec(toNew[0]!.text)![0];
    const confirmed = await get(t.app, null, link);
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.body).toContain('alice@new.example');
    expect(await emailOf(alice.id)).toBe('alice@new.example');
    // The link works once.
    expect((await get(t.app, null, link)).statusCode).toBe(400);

    const audit = await t.store.db
      .selectFrom('audit_log')
      .select(['actor', 'action'])
      .where('action', 'like', 'member.email-change.%')
      .orderBy('id')
      .execute();
    expect(audit).toEqual([
      { actor: 'web:alice', action: 'member.email-change.start' },
      { actor: 'web:alice', action: 'member.email-change.confirm' },
    ]);

    // The session that asked stays signed in.
    expect((await get(t.app, session, '/me')).statusCode).toBe(200);

    // Signing in by the new address works; the old one gets no link.
    const visitor = await t.as(null);
    const before = t.mails.length;
    expect((await post(t.app, visitor, '/sign-in', { email: 'alice@example.org' })).statusCode).toBe(200);
    expect(t.mails.length).toBe(before);
    expect((await post(t.app, visitor, '/sign-in', { email: 'Alice@New.example' })).statusCode).toBe(200);
    const signInMail = t.mails.slice(before).find((m) => m.to === 'alice@new.example');
    expect(signInMail).toBeDefined();
    const token = /\/sign-in\/link\?token=([A-Za-z0-9_-]+)/.exec(signInMail!.text)![1]!;
    const signedIn = await post(t.app, visitor, '/sign-in/link', { token });
    expect(signedIn.statusCode).toBe(303);
    const dashboard = await t.app.inject({ url: '/me', headers: { cookie: cookiesOf(signedIn) } });
    expect(dashboard.statusCode).toBe(200);
    expect(dashboard.body).toContain('Alice Tester');
  });

  it('refuses a taken address, a bad one and too many requests, next to the field', async () => {
    const taken = await post(t.app, session, '/me/email', { email: 'BOB@example.org' });
    expect(taken.statusCode).toBe(400);
    expect(taken.body).toContain('id="f-email-error"');
    expect(taken.body).toContain('href="#f-email">New email address</a>');
    expect(taken.body).toContain('used by another account');
    expect(taken.body).not.toContain('bob');
    expect(taken.body).not.toContain('Bob Tester');
    expect(taken.body).toContain('value="BOB@example.org"');

    const bad = await post(t.app, session, '/me/email', { email: 'not an address' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('id="f-email-error"');
    const long = await post(t.app, session, '/me/email', { email: `${'a'.repeat(300)}@example.org` });
    expect(long.statusCode).toBe(400);
    expect(long.body).toContain('at most 254 characters');
    const same = await post(t.app, session, '/me/email', { email: 'alice@example.org' });
    expect(same.statusCode).toBe(400);
    expect(t.mails).toHaveLength(0);
    expect(await t.store.db.selectFrom('email_changes').select('member_id').execute()).toEqual([]);

    // Five requests an hour per member, the refused taken one included (so probing which
    // addresses are taken is limited too); the sixth is refused and sends nothing.
    for (let n = 0; n < 4; n += 1) expect((await post(t.app, session, '/me/email', { email: `alice${n}@new.example` })).statusCode).toBe(303);
    const sent = t.mails.length;
    const limited = await post(t.app, session, '/me/email', { email: 'alice9@new.example' });
    expect(limited.statusCode).toBe(429);
    expect(limited.body).toContain('id="f-email-error"');
    expect(t.mails.length).toBe(sent);
    // Only the newest request's link is live.
    expect(await t.store.db.selectFrom('email_changes').select('new_email').where('used_at', 'is', null).execute()).toEqual([{ new_email: 'alice3@new.example' }]);
  });

  it('redirects the old badge, share card, credential and award addresses after a handle change', async () => {
    expect((await get(t.app, null, '/badge/alice.svg')).statusCode).toBe(200);
    await changeHandle(t.store.db, alice.id, 'alice-dev', 'asked', 'test');
    const badge = await get(t.app, null, '/badge/alice.svg');
    expect(badge.statusCode).toBe(301);
    expect(badge.headers.location).toBe('/badge/alice-dev.svg');
    const moved = await get(t.app, null, '/badge/alice-dev.svg');
    expect(moved.statusCode).toBe(200);
    expect(moved.headers['content-type']).toContain('image/svg+xml');
    const card = await get(t.app, null, '/ambassadors/ALICE/card.png');
    expect(card.statusCode).toBe(301);
    expect(card.headers.location).toBe('/ambassadors/alice-dev/card.png');
    const credential = await get(t.app, null, '/ambassadors/alice/credential.jwt');
    expect(credential.statusCode).toBe(301);
    expect(credential.headers.location).toBe('/ambassadors/alice-dev/credential.jwt');
    expect((await get(t.app, null, '/ambassadors/alice')).headers.location).toBe('/ambassadors/alice-dev');
    // Award pages and files name the winner by handle too (certificates print that address).
    expect((await get(t.app, null, '/awards/2025/alice')).headers.location).toBe('/awards/2025/alice-dev');
    const certificate = await get(t.app, null, '/awards/2025/alice/top/certificate.pdf');
    expect(certificate.statusCode).toBe(301);
    expect(certificate.headers.location).toBe('/awards/2025/alice-dev/top/certificate.pdf');
    expect((await get(t.app, null, '/awards/2025/alice/top/card.png')).headers.location).toBe('/awards/2025/alice-dev/top/card.png');
    expect((await get(t.app, null, '/awards/2025/alice/top/credential.jwt')).headers.location).toBe('/awards/2025/alice-dev/top/credential.jwt');
    expect((await get(t.app, null, '/awards/2025/alice-dev')).statusCode).toBe(404);
    // Unknown handles stay not found.
    expect((await get(t.app, null, '/badge/nobody.svg')).statusCode).toBe(404);
    expect((await get(t.app, null, '/ambassadors/nobody/card.png')).statusCode).toBe(404);
  });

  it('keeps the address and says so when the confirmation email cannot be sent', async () => {
    const broken = await webTest({ engine, context: { mailer: { send: () => Promise.reject(new Error('smtp down')) } } });
    try {
      const carol = await broken.addPerson('carol');
      const answer = await post(broken.app, await broken.as(carol), '/me/email', { email: 'carol@new.example' });
      expect(answer.statusCode).toBe(503);
      expect(answer.body).toContain('id="f-email-error"');
      expect(answer.body).toContain('could not be sent');
      expect((await broken.store.db.selectFrom('members').select('email').where('id', '=', carol.id).executeTakeFirstOrThrow()).email).toBe('carol@example.org');
    } finally {
      await broken.close();
    }
  }, 60_000);
});
