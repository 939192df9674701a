// Accounts: sign-up with consents, the one-time emailed link, sessions, rate limits, GitHub
// OAuth against a loopback fake, and an ambassador's self-service pages.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGithubOAuth, type FakeGithubOAuth } from '../fakes/github-oauth.js';
import { get, post, webTest, type WebTest } from './support.js';

function cookiesOf(response: { headers: Record<string, unknown> }): string {
  const set = response.headers['set-cookie'];
  const list: string[] = Array.isArray(set) ? set.map(String) : set ? [String(set)] : [];
  return list.map((c) => c.split(';')[0]!).filter((c) => !c.endsWith('=')).join('; ');
}

function linkFrom(text: string): string {
  const match = /\/sign-in\/link\?token=([A-Za-z0-9_-]+)/.exec(text);
  if (!match) throw new Error('no link');
  return match[0];
}

describe('sign-up and sign-in', () => {
  let t: WebTest;
  beforeEach(async () => {
    t = await webTest({ config: { web: { signInRateLimit: { max: 3, windowMinutes: 15 } } } });
  });
  afterEach(() => t.close());

  it('signs up with consent, emails a one-time link that opens a session', async () => {
    const visitor = await t.as(null);
    const missing = await post(t.app, visitor, '/join', { name: 'Jane Doe', handle: 'jdoe', email: 'jane@example.org' });
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('agree to the tracking');
    const joined = await post(t.app, visitor, '/join', { name: 'Jane Doe', handle: 'jdoe', email: 'jane@example.org', country: 'Netherlands', consentTracking: 'yes', consentPublic: 'yes' });
    expect(joined.statusCode).toBe(200);
    expect(joined.body).toContain('Check your email');
    const account = await t.store.db.selectFrom('accounts' as never).selectAll().executeTakeFirst();
    expect(account).toBeDefined();
    expect(t.mails.map((m) => m.subject)).toEqual(['Your sign-in link for the Magento Ambassador Program', 'Welcome to the Magento Ambassador Program']);
    const link = linkFrom(t.mails[0]!.text);
    const confirm = await t.app.inject({ url: link, headers: { cookie: visitor.cookie } });
    expect(confirm.body).toContain('Continue as @jdoe');
    const token = new URL(`http://x${link}`).searchParams.get('token')!;
    const signedIn = await post(t.app, visitor, '/sign-in/link', { token });
    expect(signedIn.statusCode).toBe(303);
    expect(signedIn.headers.location).toBe('/me');
    const setCookie = String(signedIn.headers['set-cookie']);
    expect(setCookie).toMatch(/amb_session=[^;]+; Path=\/; HttpOnly; SameSite=Lax/);
    const dashboard = await t.app.inject({ url: '/me', headers: { cookie: cookiesOf(signedIn) } });
    expect(dashboard.statusCode).toBe(200);
    expect(dashboard.body).toContain('Hello, Jane Doe');
    // The link works once.
    const again = await post(t.app, visitor, '/sign-in/link', { token });
    expect(again.statusCode).toBe(400);
    // Taken handles are refused.
    const taken = await post(t.app, visitor, '/join', { name: 'J', handle: 'JDOE', email: 'other@example.org', consentTracking: 'yes', consentPublic: 'yes' });
    expect(taken.statusCode).toBe(409);
  });

  it('answers the same for unknown addresses and rate-limits sign-in requests', async () => {
    await t.addPerson('alice');
    const visitor = await t.as(null);
    const known = await post(t.app, visitor, '/sign-in', { email: 'alice@example.org' });
    const unknown = await post(t.app, visitor, '/sign-in', { email: 'nobody@example.org' });
    expect(known.statusCode).toBe(200);
    expect(unknown.statusCode).toBe(200);
    expect(known.body.replace('alice@example.org', 'X')).toBe(unknown.body.replace('nobody@example.org', 'X'));
    expect(t.mails).toHaveLength(1);
    expect(t.mails[0]!.to).toBe('alice@example.org');
    await post(t.app, visitor, '/sign-in', { email: 'alice@example.org' });
    const limited = await post(t.app, visitor, '/sign-in', { email: 'alice@example.org' });
    expect(limited.statusCode).toBe(429);
    expect(t.mails).toHaveLength(2);
  });

  it('expires links and refuses suspended members', async () => {
    const alice = await t.addPerson('alice');
    const visitor = await t.as(null);
    await post(t.app, visitor, '/sign-in', { email: 'alice@example.org' });
    const token = new URL(`http://x${linkFrom(t.mails[0]!.text)}`).searchParams.get('token')!;
    await t.store.db.updateTable('login_tokens' as never).set({ expires_at: new Date('2020-01-01') } as never).execute();
    expect((await post(t.app, visitor, '/sign-in/link', { token })).statusCode).toBe(400);
    const session = await t.as(alice);
    await t.store.db.updateTable('members').set({ state: 'suspended' }).where('id', '=', alice.id).execute();
    const me = await get(t.app, session, '/me');
    expect(me.statusCode).toBe(303);
  });

  it('signs out and ends the session', async () => {
    const alice = await t.as(await t.addPerson('alice'));
    const out = await post(t.app, alice, '/sign-out');
    expect(out.statusCode).toBe(303);
    expect((await get(t.app, alice, '/me')).statusCode).toBe(303);
  });
});

describe('GitHub sign-in', () => {
  let t: WebTest;
  let github: FakeGithubOAuth;
  beforeEach(async () => {
    github = await startFakeGithubOAuth();
    t = await webTest({ config: { web: { github: github.settings } } });
  });
  afterEach(async () => {
    await t.close();
    await github.close();
  });

  it('links GitHub to a signed-in member, then signs them in through the OAuth round trip', async () => {
    const alice = await t.as(await t.addPerson('alice'));
    const startLink = await t.app.inject({ url: '/auth/github?next=/me/identities', headers: { cookie: alice.cookie } });
    const linked = await t.app.inject({ url: github.approve(String(startLink.headers.location), { id: 4242, login: 'alice-gh' }), headers: { cookie: `${alice.cookie}; ${cookiesOf(startLink)}` } });
    expect(linked.statusCode).toBe(303);
    expect(linked.headers.location).toBe('/me/identities');
    const identity = await t.store.db.selectFrom('identities').selectAll().where('external_id', '=', 'alice-gh').executeTakeFirstOrThrow();
    expect(identity.verified_at).toBeInstanceOf(Date);
    expect(identity.upstream_id).toBe('4242');

    const start = await t.app.inject({ url: '/auth/github?next=/me/identities' });
    expect(start.statusCode).toBe(302);
    const authorize = new URL(String(start.headers.location));
    expect(authorize.origin + authorize.pathname).toBe(`${github.url}/login/oauth/authorize`);
    expect(authorize.searchParams.get('client_id')).toBe(github.clientId);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const forged = await t.app.inject({ url: `/auth/github/callback?code=abc&state=wrong`, headers: { cookie: cookiesOf(start) } });
    expect(forged.statusCode).toBe(400);
    const callback = await t.app.inject({ url: github.approve(String(start.headers.location), { id: 4242, login: 'alice-gh' }), headers: { cookie: cookiesOf(start) } });
    expect(callback.statusCode).toBe(303);
    expect(callback.headers.location).toBe('/me/identities');
    expect(github.exchanges.at(-1)?.outcome).toBe('ok');
    const me = await t.app.inject({ url: '/me', headers: { cookie: cookiesOf(callback) } });
    expect(me.body).toContain('Hello, Alice Tester');
    expect(callback.body).not.toContain(github.clientSecret);
  });

  it('sends people without a linked account to join', async () => {
    const start = await t.app.inject({ url: '/auth/github' });
    const callback = await t.app.inject({ url: github.approve(String(start.headers.location), { id: 7, login: 'stranger' }), headers: { cookie: cookiesOf(start) } });
    expect(callback.headers.location).toBe('/join');
  });
});
