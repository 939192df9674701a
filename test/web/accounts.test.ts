// Accounts: sign-up with consents, the one-time emailed link, sessions, rate limits, GitHub
// OAuth against a loopback fake, and an ambassador's self-service pages.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { linkIdentity } from '../../src/store/identities.js';
import { startFakeServer, type FakeServer } from '../fakes/server.js';
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
  let github: FakeServer;
  beforeEach(async () => {
    github = await startFakeServer((request) => {
      if (request.path === '/login/oauth/access_token') return { json: { access_token: 'gho_test', token_type: 'bearer' } };
      if (request.path === '/user') {
        return request.headers.authorization === 'Bearer gho_test' ? { json: { id: 4242, login: 'alice-gh' } } : { status: 401, json: { message: 'Bad credentials' } };
      }
      return { status: 404, json: {} };
    });
    t = await webTest({
      config: { web: { github: { clientId: 'client-1', clientSecret: 'secret-1', authorizeUrl: `${github.url}/login/oauth/authorize`, tokenUrl: `${github.url}/login/oauth/access_token`, apiUrl: github.url } } },
    });
  });
  afterEach(async () => {
    await t.close();
    await github.close();
  });

  it('signs in a member whose verified GitHub identity matches, through the OAuth round trip', async () => {
    const alice = await t.addPerson('alice');
    await linkIdentity(t.store.db, alice.id, { platform: 'github', externalId: 'alice-gh' }, { verified: true }, 'test');
    const start = await t.app.inject({ url: '/auth/github?next=/me/identities' });
    expect(start.statusCode).toBe(302);
    const authorize = new URL(String(start.headers.location));
    expect(authorize.origin + authorize.pathname).toBe(`${github.url}/login/oauth/authorize`);
    expect(authorize.searchParams.get('client_id')).toBe('client-1');
    const state = authorize.searchParams.get('state')!;
    const forged = await t.app.inject({ url: `/auth/github/callback?code=abc&state=wrong`, headers: { cookie: cookiesOf(start) } });
    expect(forged.statusCode).toBe(400);
    const callback = await t.app.inject({ url: `/auth/github/callback?code=abc&state=${state}`, headers: { cookie: cookiesOf(start) } });
    expect(callback.statusCode).toBe(303);
    expect(callback.headers.location).toBe('/me/identities');
    const me = await t.app.inject({ url: '/me', headers: { cookie: cookiesOf(callback) } });
    expect(me.body).toContain('Hello, Alice Tester');
    expect(callback.body).not.toContain('secret-1');
  });

  it('sends people without a linked account to join', async () => {
    const start = await t.app.inject({ url: '/auth/github' });
    const state = new URL(String(start.headers.location)).searchParams.get('state')!;
    const callback = await t.app.inject({ url: `/auth/github/callback?code=abc&state=${state}`, headers: { cookie: cookiesOf(start) } });
    expect(callback.headers.location).toBe('/join');
  });
});
