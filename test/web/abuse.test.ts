// The abuse suite: each finding of issue 9, reproduced the way an outsider found it on a
// running server, and refused. (Erasure is in test/store/erasure.test.ts, malformed input in
// malformed-input.test.ts, super-linear patterns in test/domain/adversarial-input.test.ts.)
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { changeMemberState } from '../../src/store/members.js';
import { linkIdentity } from '../../src/store/identities.js';
import { purgeExpiredSignInState } from '../../src/store/sessions.js';
import { storeBatch } from '../../src/sync/engine.js';
import { parseWebSettings } from '../../src/web/settings.js';
import { toCsv } from '../../src/transfer/export-data.js';
import { startFakeGithubOAuth, type FakeGithubOAuth } from '../fakes/github-oauth.js';
import { get, NOW, post, webTest, type Actor, type WebTest } from './support.js';

function cookiesOf(response: { headers: Record<string, unknown> }): string {
  const set = response.headers['set-cookie'];
  const list: string[] = Array.isArray(set) ? set.map(String) : set ? [String(set)] : [];
  return list.map((c) => c.split(';')[0]!).filter((c) => !c.endsWith('=')).join('; ');
}

const count = async (t: WebTest, table: string, where: Record<string, unknown> = {}) => {
  let query = t.store.db.selectFrom(table as never).selectAll();
  for (const [column, value] of Object.entries(where)) query = query.where(column as never, '=', value as never);
  return (await query.execute()).length;
};

describe('account takeover and privilege', () => {
  let t: WebTest;
  let github: FakeGithubOAuth;
  beforeEach(async () => {
    github = await startFakeGithubOAuth();
    t = await webTest({ config: { web: { github: github.settings, signInRateLimit: { max: 1000, windowMinutes: 1 } } } });
  });
  afterEach(async () => {
    await t.close();
    await github.close();
  });

  /** The OAuth round trip as a browser makes it: start, GitHub's approval, the callback. */
  async function githubRoundTrip(account: { id: number; login: string }, actor: Actor | null, next = '/me') {
    const start = await t.app.inject({ url: `/auth/github?next=${encodeURIComponent(next)}`, headers: actor ? { cookie: actor.cookie } : {} });
    const callbackUrl = github.approve(String(start.headers.location), account);
    const cookie = [actor?.cookie, cookiesOf(start)].filter(Boolean).join('; ');
    const callback = await t.app.inject({ url: callbackUrl, headers: { cookie } });
    return { start, callbackUrl, cookie, callback };
  }

  it('a manager cannot become admin by linking their GitHub to a throwaway account and merging it into the admin', async () => {
    const admin = await t.addPerson('ada', 'admin');
    await linkIdentity(t.store.db, admin.id, { platform: 'github', externalId: 'ada-gh' }, { verified: true }, 'test');
    const manager = await t.addPerson('maria', 'manager');
    const throwaway = await t.addPerson('throwaway');
    await githubRoundTrip({ id: 31337, login: 'maria-gh' }, await t.as(throwaway));
    const merge = await post(t.app, await t.as(manager), '/manage/members/ada/merge', { duplicate: 'throwaway', reason: 'duplicate' });
    expect(merge.statusCode).toBe(403);
    expect(await count(t, 'members', { handle: 'throwaway' })).toBe(1);
    const { callback } = await githubRoundTrip({ id: 31337, login: 'maria-gh' }, null);
    const me = await t.app.inject({ url: '/me', headers: { cookie: cookiesOf(callback) } });
    expect(me.body).not.toContain('Hello, Ada Tester');
  });

  it('a manager cannot suspend an admin, merge away another manager or verify their own identities', async () => {
    await t.addPerson('ada', 'admin');
    await t.addPerson('mike', 'manager');
    const manager = await t.addPerson('maria', 'manager');
    const maria = await t.as(manager);
    expect((await post(t.app, maria, '/manage/members/ada/state', { state: 'suspended', reason: 'coup' })).statusCode).toBe(403);
    expect((await t.store.db.selectFrom('members').select('state').where('handle', '=', 'ada').executeTakeFirstOrThrow()).state).toBe('registered');
    expect((await post(t.app, maria, '/manage/members/maria/merge', { duplicate: 'mike', reason: 'gone' })).statusCode).toBe(403);
    expect(await count(t, 'members', { handle: 'mike' })).toBe(1);
    const own = await linkIdentity(t.store.db, manager.id, { platform: 'github', externalId: 'torvalds' }, {}, 'web:maria');
    expect((await post(t.app, maria, '/manage/members/maria/verify', { identityId: String(own.id) })).statusCode).toBe(403);
    expect((await t.store.db.selectFrom('identities').select('verified_at').where('id', '=', own.id).executeTakeFirstOrThrow()).verified_at).toBeNull();
  });

  it('a recycled GitHub login signs in as nobody; a rename keeps the owner and updates the login', async () => {
    const alice = await t.addPerson('alice');
    // Alice verified github:alice-gh (a code in her bio), and later linked it through OAuth.
    await linkIdentity(t.store.db, alice.id, { platform: 'github', externalId: 'alice-gh' }, { verified: true, method: 'github-bio' }, 'test');
    const mallory = await githubRoundTrip({ id: 666, login: 'alice-gh' }, null);
    expect(mallory.callback.headers.location).toBe('/join');
    expect(await t.store.db.selectFrom('accounts' as never).select('github_user_id' as never).execute()).toEqual([]);

    await githubRoundTrip({ id: 1001, login: 'alice-gh' }, await t.as(alice));
    github.rename(1001, 'alice-renamed');
    const back = await githubRoundTrip({ id: 1001, login: 'alice-renamed' }, null);
    expect(back.callback.headers.location).toBe('/me');
    expect((await t.app.inject({ url: '/me', headers: { cookie: cookiesOf(back.callback) } })).body).toContain('Hello, Alice Tester');
    const identity = await t.store.db.selectFrom('identities').selectAll().where('member_id', '=', alice.id).executeTakeFirstOrThrow();
    expect(identity).toMatchObject({ external_id: 'alice-renamed', upstream_id: '1001' });
    // The freed login, taken by someone else, opens nothing.
    const recycled = await githubRoundTrip({ id: 777, login: 'alice-gh' }, null);
    expect(recycled.callback.headers.location).toBe('/join');
  });

  it('keeps next on the site: /\\t/evil.example/x and its kin fall back to /me', async () => {
    const alice = await t.addPerson('alice');
    const visitor = await t.as(null);
    for (const next of ['/\t/evil.example/x', '/\\evil.example', '//evil.example', 'https://evil.example/', '/\n/evil.example', 'javascript:alert(1)', '\t//evil.example']) {
      await post(t.app, visitor, '/sign-in', { email: 'alice@example.org', next });
      const link = /\/sign-in\/link\?token=[^\s]+/.exec(t.mails.at(-1)!.text)![0];
      const token = new URL(`http://x${link}`).searchParams.get('token')!;
      expect(new URL(`http://x${link}`).searchParams.get('next') ?? '/me', JSON.stringify(next)).toBe('/me');
      const signedIn = await post(t.app, visitor, '/sign-in/link', { token, next });
      expect(signedIn.headers.location, JSON.stringify(next)).toBe('/me');
    }
    await githubRoundTrip({ id: 5, login: 'alice-gh' }, await t.as(alice));
    const viaGithub = await githubRoundTrip({ id: 5, login: 'alice-gh' }, null, '/\t/evil.example/x');
    expect(viaGithub.callback.headers.location).toBe('/me');
  });

  it('uses the OAuth state once, and proves the code exchange with PKCE (S256)', async () => {
    const alice = await t.addPerson('alice');
    await githubRoundTrip({ id: 5, login: 'alice-gh' }, await t.as(alice));
    const first = await githubRoundTrip({ id: 5, login: 'alice-gh' }, null);
    expect(first.callback.statusCode).toBe(303);
    const authorize = new URL(String(first.start.headers.location));
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(github.exchanges.at(-1)).toMatchObject({ outcome: 'ok', verifier: expect.stringMatching(/^[A-Za-z0-9_-]{43,128}$/) });
    // The same state again (a replayed callback, even with a fresh code) is refused.
    const replay = await t.app.inject({ url: github.approve(authorize.toString(), { id: 5, login: 'alice-gh' }), headers: { cookie: first.cookie } });
    expect(replay.statusCode).toBe(400);
    expect(await count(t, 'oauth_states')).toBe(0);
  });
});

describe('one request stalls the whole server', () => {
  let t: WebTest;
  beforeEach(async () => {
    t = await webTest({ config: { web: { signInRateLimit: { max: 1000, windowMinutes: 1 } } } });
  });
  afterEach(() => t.close());

  it('answers a Packagist vendor built to backtrack at once', async () => {
    const alice = await t.as(await t.addPerson('alice'));
    const started = Date.now();
    const response = await post(t.app, alice, '/me/identities', { platform: 'packagist', externalId: `${'a'.repeat(40)}!` });
    expect(response.statusCode).toBe(400);
    expect(Date.now() - started).toBeLessThan(5_000);
  }, 30_000);

  it('answers 100 KB of dots as an email on /sign-in at once', async () => {
    const started = Date.now();
    // One '@', 100 KB of dots and a second '@': the old pattern tried every split of the dots.
    const response = await post(t.app, await t.as(null), '/sign-in', { email: `a@${'.'.repeat(100_000)}@` });
    expect(response.statusCode).toBe(400);
    expect((await post(t.app, await t.as(null), '/sign-in', { email: '.'.repeat(100_000) })).statusCode).toBe(400);
    expect(Date.now() - started).toBeLessThan(5_000);
  }, 30_000);
});

describe('a request body dripped one byte at a time', () => {
  it('is cut off after the request timeout', async () => {
    const t = await webTest({ config: { web: { requestTimeoutMs: 1500, connectionTimeoutMs: 60_000 } } });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as AddressInfo;
    const socket = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString()));
    const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now())));
    const started = Date.now();
    socket.write('POST /sign-in HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n');
    const drip = setInterval(() => socket.writable && socket.write('a'), 300);
    const outcome = await Promise.race([closed, new Promise<null>((resolve) => setTimeout(() => resolve(null), 12_000))]);
    clearInterval(drip);
    socket.destroy();
    await t.close();
    expect(outcome, 'the connection was still open after 12 s').not.toBeNull();
    expect(outcome! - started).toBeLessThan(10_000);
    expect(answer === '' || answer.startsWith('HTTP/1.1 408')).toBe(true);
  }, 30_000);
});

describe("claiming other people's work", () => {
  let t: WebTest;
  beforeEach(async () => {
    t = await webTest({ config: { web: { ingestTokens: [{ name: 'Events platform', source: 'events-platform', kinds: ['eventOrganized', 'talk'], token: 'events-token-0123456789abcdef' }] } } });
  });
  afterEach(() => t.close());

  it("an unverified claim never blocks the real owner; the owner's verification drops it and tells the claimer", async () => {
    const mallory = await t.addPerson('mallory');
    const linus = await t.addPerson('linus');
    const manager = await t.as(await t.addPerson('maria', 'manager'));
    expect((await post(t.app, await t.as(mallory), '/me/identities', { platform: 'github', externalId: 'torvalds' })).statusCode).toBe(303);
    const linked = await post(t.app, await t.as(linus), '/me/identities', { platform: 'github', externalId: 'torvalds' });
    expect(linked.statusCode).toBe(303);
    const own = await t.store.db.selectFrom('identities').selectAll().where('member_id', '=', linus.id).executeTakeFirstOrThrow();
    expect((await post(t.app, manager, '/manage/members/linus/verify', { identityId: String(own.id) })).statusCode).toBe(303);
    expect(await count(t, 'identities', { member_id: mallory.id })).toBe(0);
    const told = t.mails.find((m) => m.to === 'mallory@example.org');
    expect(told?.subject).toBe('Your link to github:torvalds was removed');
    expect(told?.text).toContain('Another person proved that github:torvalds is theirs');
    // Now verified, it is refused to anyone else.
    expect((await post(t.app, await t.as(mallory), '/me/identities', { platform: 'github', externalId: 'torvalds' })).statusCode).toBe(409);
  });

  it("a claimer who deletes their account puts nobody's identity on the erasure list", async () => {
    const mallory = await t.addPerson('mallory');
    const malloryActor = await t.as(mallory);
    await post(t.app, malloryActor, '/me/identities', { platform: 'github', externalId: 'torvalds' });
    expect((await post(t.app, malloryActor, '/me/delete', { confirm: 'mallory' })).statusCode).toBe(303);
    expect(await count(t, 'erasures')).toBe(0);
    const linus = await t.as(await t.addPerson('linus'));
    expect((await post(t.app, linus, '/me/identities', { platform: 'github', externalId: 'torvalds' })).statusCode).toBe(303);
  });

  it('bounds the unverified links a member holds and rate-limits linking, Check now and submitting', async () => {
    const t2 = await webTest({ config: { web: { maxUnverifiedIdentities: 3, memberRateLimits: { link: { max: 5 }, check: { max: 2 }, submit: { max: 2 } } } }, context: { verifyIdentity: async () => ({ verified: false, method: 'github-bio', detail: 'no code' }) } });
    try {
      const alice = await t2.as(await t2.addPerson('alice'));
      const statuses: number[] = [];
      for (const login of ['a1', 'a2', 'a3', 'a4']) statuses.push((await post(t2.app, alice, '/me/identities', { platform: 'github', externalId: login })).statusCode);
      expect(statuses).toEqual([303, 303, 303, 409]);
      const first = await t2.store.db.selectFrom('identities').select('id').where('external_id', '=', 'a1').executeTakeFirstOrThrow();
      const checks: number[] = [];
      for (let n = 0; n < 3; n += 1) checks.push((await post(t2.app, alice, `/me/identities/${first.id}/verify`)).statusCode);
      expect(checks).toEqual([303, 303, 429]);
      const submits: number[] = [];
      for (let n = 0; n < 3; n += 1) submits.push((await post(t2.app, alice, '/me/submit', { kind: 'talk', title: `Talk ${n}`, url: `https://example.org/t${n}`, date: '2026-05-01' })).statusCode);
      expect(submits).toEqual([303, 303, 429]);
      // The counts live in the database: every instance sees them.
      expect(await count(t2, 'rate_limit_hits')).toBeGreaterThan(0);
    } finally {
      await t2.close();
    }
  });

  it('ingest counts only through a verified identity or for a registered member; tokens report only their kinds', async () => {
    const linus = await t.addPerson('linus');
    const suspended = await t.addPerson('sam');
    await changeMemberState(t.store.db, 'sam', { state: 'suspended', reason: 'test', effectiveOn: '2026-06-01' }, 'test');
    await linkIdentity(t.store.db, (await t.addPerson('mallory')).id, { platform: 'github', externalId: 'torvalds' }, {}, 'test');
    const send = (contributions: unknown[]) =>
      t.app.inject({ method: 'POST', url: '/api/v1/ingest', headers: { authorization: 'Bearer events-token-0123456789abcdef', 'content-type': 'application/json' }, payload: JSON.stringify({ contributions }) });
    const response = await send([
      { externalId: 'e1', identity: 'github:torvalds', kind: 'talk', title: 'Talk', occurredAt: '2026-05-10' },
      { externalId: 'e2', handle: 'sam', kind: 'talk', title: 'Talk', occurredAt: '2026-05-10' },
      { externalId: 'e3', handle: 'linus', kind: 'talk', title: 'Talk', occurredAt: '2026-05-10' },
    ]);
    expect(response.statusCode).toBe(200);
    const rows = await t.store.db.selectFrom('contributions').select(['external_id', 'member_id', 'review_state']).orderBy('external_id').execute();
    expect(rows.map((r) => [r.external_id, r.review_state])).toEqual([['e1', 'pending'], ['e2', 'pending'], ['e3', 'counted']]);
    expect(rows[1]!.member_id).toBe(suspended.id);
    expect(rows[2]!.member_id).toBe(linus.id);
    const wrongKind = await send([{ externalId: 'e4', handle: 'linus', kind: 'pullRequestMerged', title: 'Award: advanced', occurredAt: '2026-05-10', metadata: { labels: ['Award: advanced'] } }]);
    expect(wrongKind.statusCode).toBe(400);
    expect(wrongKind.body).toContain('this token may report eventOrganized, talk');
    expect(() => parseWebSettings({ ingestTokens: [{ name: 'a', source: 'events', kinds: ['talk'], token: 'x'.repeat(24) }, { name: 'b', source: 'events', kinds: ['talk'], token: 'y'.repeat(24) }] })).toThrow('two tokens may not share a source name');
  });

  it('events of a calendar nobody trusted wait for review; a manager trusting it (audited) releases them', async () => {
    const orga = await t.addPerson('orga');
    const calendar = await linkIdentity(t.store.db, orga.id, { platform: 'ical', externalId: 'https://orga.example/cal.ics' }, { verified: true }, 'test');
    const identities = new Map([[calendar.id, { identityId: calendar.id, memberId: orga.id, platform: 'ical', externalId: 'https://orga.example/cal.ics', verified: true, trusted: false }]]);
    const coffee = Array.from({ length: 30 }, (_, n) => ({
      source: 'ical', externalId: `coffee-${n}`, kind: 'eventOrganized', title: 'Coffee', url: null, occurredAt: new Date(NOW.getTime() - (n + 1) * 86_400_000).toISOString(), identityId: calendar.id, metadata: {},
    }));
    await storeBatch(t.store.db, t.config, 'ical', { contributions: coffee, cursor: null }, identities, true);
    const states = await t.store.db.selectFrom('contributions').select('review_state').where('member_id', '=', orga.id).execute();
    expect(new Set(states.map((s) => s.review_state))).toEqual(new Set(['pending']));
    const board = await get(t.app, null, '/api/v1/leaderboard?year=2026');
    expect(JSON.parse(board.body).data).toEqual([]);
    const manager = await t.as(await t.addPerson('maria', 'manager'));
    expect((await post(t.app, manager, '/manage/members/orga/trust', { identityId: String(calendar.id), trusted: 'yes' })).statusCode).toBe(303);
    expect(await count(t, 'contributions', { review_state: 'counted' })).toBe(30);
    expect(await count(t, 'audit_log', { action: 'identity.trust' })).toBe(1);
    // Nobody trusts their own calendar.
    const own = await linkIdentity(t.store.db, (await t.store.db.selectFrom('members').select('id').where('handle', '=', 'maria').executeTakeFirstOrThrow()).id, { platform: 'ical', externalId: 'https://maria.example/cal.ics' }, { verified: true }, 'test');
    expect((await post(t.app, manager, '/manage/members/maria/trust', { identityId: String(own.id), trusted: 'yes' })).statusCode).toBe(403);
  });
});

describe('erasure and data hygiene', () => {
  let t: WebTest;
  beforeEach(async () => {
    t = await webTest();
  });
  afterEach(() => t.close());

  it('suspension ends sessions from every entry point (the CLI calls the same store function)', async () => {
    const alice = await t.addPerson('alice');
    const session = await t.as(alice);
    await changeMemberState(t.store.db, 'alice', { state: 'suspended', reason: 'cli', effectiveOn: '2026-06-15' }, 'cli:root');
    expect(await count(t, 'sessions', { member_id: alice.id })).toBe(0);
    await changeMemberState(t.store.db, 'alice', { state: 'registered', reason: 'back', effectiveOn: '2026-06-16' }, 'cli:root');
    expect((await get(t.app, session, '/me')).statusCode).toBe(303);
  });

  it('purges expired sessions, sign-in links and OAuth states', async () => {
    const alice = await t.addPerson('alice');
    await t.as(alice);
    await t.store.db.insertInto('sessions' as never).values({ id_hash: 'old', member_id: alice.id, expires_at: new Date('2026-01-01') } as never).execute();
    await t.store.db.insertInto('login_tokens' as never).values({ token_hash: 'old', member_id: alice.id, expires_at: new Date('2026-01-01') } as never).execute();
    const purged = await purgeExpiredSignInState(t.store.db, NOW);
    expect(purged).toEqual({ sessions: 1, loginTokens: 1, oauthStates: 0 });
    expect(await count(t, 'sessions')).toBe(1);
  });

  it('neutralises every spreadsheet formula trigger in CSV exports', () => {
    const csv = toCsv([{ a: "-1+cmd|' /C calc'!A0" }, { a: '  =1+1' }, { a: '\t@SUM(A1)' }, { a: '\r+1' }, { a: '-3' }]);
    expect(csv.split('\n').slice(1, 6)).toEqual(["'-1+cmd|' /C calc'!A0", "'  =1+1", "'\t@SUM(A1)", "\"'\r+1\"", '-3']);
  });

  it('trusts only the configured proxy hops: a forged X-Forwarded-For does not get around the sign-in limit', async () => {
    expect(() => parseWebSettings({ trustProxy: true })).toThrow('give the number of proxies');
    expect(parseWebSettings({ trustProxy: ['10.0.0.0/8', '192.0.2.1'] }).trustProxy).toEqual(['10.0.0.0/8', '192.0.2.1']);
    const behind = await webTest({ config: { web: { trustProxy: 1, signInRateLimit: { max: 3, windowMinutes: 15 } } } });
    try {
      const visitor = await behind.as(null);
      const statuses: number[] = [];
      for (let n = 0; n < 5; n += 1) {
        const params = new URLSearchParams({ _csrf: visitor.csrf, email: `person${n}@example.org` });
        const response = await behind.app.inject({
          method: 'POST',
          url: '/sign-in',
          remoteAddress: '10.0.0.5',
          headers: { cookie: visitor.cookie, 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': `198.51.100.${n}, 203.0.113.7` },
          payload: params.toString(),
        });
        statuses.push(response.statusCode);
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
    } finally {
      await behind.close();
    }
  });
});
