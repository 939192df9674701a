// An ambassador's own pages: profile, identities with verification codes, submissions and
// their review state, the data download and deleting the account.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Member } from '../../src/store/schema.js';
import { startFakeGithub, type FakeGithub } from '../fakes/github.js';
import { startFakeServer, type FakeServer } from '../fakes/server.js';
import { get, post, webTest, type Actor, type WebTest } from './support.js';

describe('self-service', () => {
  let t: WebTest;
  let alice: Member;
  let session: Actor;
  const checks: { platform: string; code: string }[] = [];
  beforeEach(async () => {
    t = await webTest({
      context: {
        verifyIdentity: async (identity, code) => {
          checks.push({ platform: identity.platform, code });
          return identity.externalId === 'alice-gh'
            ? { verified: true, method: 'github-bio', detail: 'code found in the profile bio of alice-gh' }
            : { verified: false, method: 'github', detail: 'the code is not in the bio' };
        },
      },
    });
    alice = await t.addPerson('alice');
    session = await t.as(alice);
  });
  afterEach(() => t.close());

  it('edits the profile, refusing non-https avatars', async () => {
    const bad = await post(t.app, session, '/me/profile', { name: 'Alice A.', avatarUrl: 'javascript:alert(1)' });
    expect(bad.statusCode).toBe(400);
    const ok = await post(t.app, session, '/me/profile', { name: 'Alice A.', country: 'Poland', bio: 'Builds <b>things</b>', avatarUrl: 'https://avatars.example/alice.png' });
    expect(ok.statusCode).toBe(303);
    const profile = await get(t.app, null, '/ambassadors/alice');
    expect(profile.body).toContain('Alice A.');
    expect(profile.body).toContain('Builds &lt;b&gt;things&lt;/b&gt;');
    expect(profile.body).toContain('src="https://avatars.example/alice.png"');
  });

  it('links an identity, shows its code and verifies it by checking the platform', async () => {
    const linked = await post(t.app, session, '/me/identities', { platform: 'github', externalId: 'alice-gh' });
    expect(linked.statusCode).toBe(303);
    const page = await get(t.app, session, '/me/identities');
    const code = /magento-ambassador-[0-9a-f]{12}/.exec(page.body)?.[0];
    expect(code).toBeDefined();
    expect(page.body).toContain('GitHub profile bio');
    const identity = await t.store.db.selectFrom('identities').selectAll().where('external_id', '=', 'alice-gh').executeTakeFirstOrThrow();
    const verified = await post(t.app, session, `/me/identities/${identity.id}/verify`);
    expect(verified.statusCode).toBe(303);
    expect(checks.at(-1)).toEqual({ platform: 'github', code });
    const after = await t.store.db.selectFrom('identities').selectAll().where('id', '=', identity.id).executeTakeFirstOrThrow();
    expect(after.verified_at).not.toBeNull();
    expect(after.verification_method).toBe('github-bio');
    expect(t.mails.some((m) => m.subject === 'github:alice-gh is verified')).toBe(true);
    const invalid = await post(t.app, session, '/me/identities', { platform: 'github', externalId: 'not a login!' });
    expect(invalid.statusCode).toBe(400);
    const duplicate = await post(t.app, session, '/me/identities', { platform: 'github', externalId: 'ALICE-GH' });
    expect(duplicate.statusCode).toBe(409);
  });

  it('submits a contribution and shows pending and rejected items with reasons', async () => {
    const bad = await post(t.app, session, '/me/submit', { kind: 'issueTriaged', title: '', url: 'ftp://x', date: '2030-01-01' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Choose what kind of contribution');
    expect(bad.body).toContain('Enter the link as a full web address');
    const ok = await post(t.app, session, '/me/submit', { kind: 'talk', title: 'Talk at MM NL', url: 'https://mm.example/talk', date: '2026-06-01', evidence: 'https://mm.example/slides' });
    expect(ok.statusCode).toBe(303);
    const dashboard = await get(t.app, session, '/me');
    expect(dashboard.body).toContain('Talk at MM NL');
    expect(dashboard.body).toContain('Pending review');
    await t.store.db.updateTable('contributions').set({ review_state: 'rejected', review_reason: 'No recording or programme found' }).execute();
    const again = await get(t.app, session, '/me/contributions');
    expect(again.body).toContain('Not approved');
    expect(again.body).toContain('No recording or programme found');
  });

  it('warns when the status is about to lapse', async () => {
    await t.store.db.updateTable('members').set({ joined_at: '2025-12-20' }).where('id', '=', alice.id).execute();
    const dashboard = await get(t.app, session, '/me');
    expect(dashboard.body).toContain('Lapsing soon');
    expect(dashboard.body).toMatch(/Your status lapses in 5 days/);
  });

  it('downloads all my data and deletes my account', async () => {
    await post(t.app, session, '/me/identities', { platform: 'github', externalId: 'alice-gh' });
    await post(t.app, session, '/me/submit', { kind: 'talk', title: 'Talk', url: 'https://mm.example/talk', date: '2026-06-01' });
    const data = await get(t.app, session, '/me/data.json');
    expect(data.headers['content-disposition']).toContain('attachment');
    const json = JSON.parse(data.body) as { member: { email: string }; identities: unknown[]; contributions: unknown[] };
    expect(json.member.email).toBe('alice@example.org');
    expect(json.identities).toHaveLength(1);
    expect(json.contributions).toHaveLength(1);
    expect(data.body).not.toMatch(/session|token_hash|verification_code/);
    const wrong = await post(t.app, session, '/me/delete', { confirm: 'bob' });
    expect(wrong.statusCode).toBe(400);
    const deleted = await post(t.app, session, '/me/delete', { confirm: 'alice' });
    expect(deleted.statusCode).toBe(303);
    expect(await t.store.db.selectFrom('members').selectAll().where('handle', '=', 'alice').executeTakeFirst()).toBeUndefined();
    // alice-gh was never verified: an unverified claim goes on no erasure list (it must not lock out its real owner).
    expect(await t.store.db.selectFrom('erasures').selectAll().execute()).toHaveLength(0);
    expect((await get(t.app, null, '/ambassadors/alice')).statusCode).toBe(404);
  });
});

describe('self-service verification against the platforms, with the sources settings', () => {
  let t: WebTest;
  let github: FakeGithub;
  let site: FakeServer;
  let siteBody = '<html><head></head><body>My Magento blog</body></html>';
  beforeEach(async () => {
    github = await startFakeGithub({ repos: {}, users: { 'alice-gh': { bio: 'Magento developer' } }, gists: { 'alice-gh': [] } });
    site = await startFakeServer(() => ({ body: siteBody, headers: { 'content-type': 'text/html; charset=utf-8' } }));
    t = await webTest({
      config: { sources: { http: { allowPrivateAddresses: ['127.0.0.1/32'] }, github: { baseUrl: github.url } } },
      // The app's own verifier, reading GitHub and the site through the sources' client.
      context: { verifyIdentity: undefined },
    });
  });
  afterEach(async () => {
    await t.close();
    await Promise.all([github.close(), site.close()]);
  });

  async function linkAndVerify(session: Actor, platform: string, externalId: string, placeCode: (code: string) => void) {
    expect((await post(t.app, session, '/me/identities', { platform, externalId })).statusCode).toBe(303);
    const identity = await t.store.db.selectFrom('identities').selectAll().where('external_id', '=', externalId).executeTakeFirstOrThrow();
    const before = await post(t.app, session, `/me/identities/${identity.id}/verify`);
    expect(before.statusCode).toBe(303);
    expect((await t.store.db.selectFrom('identities').select('verified_at').where('id', '=', identity.id).executeTakeFirstOrThrow()).verified_at).toBeNull();
    placeCode(identity.verification_code!);
    await post(t.app, session, `/me/identities/${identity.id}/verify`);
    return t.store.db.selectFrom('identities').selectAll().where('id', '=', identity.id).executeTakeFirstOrThrow();
  }

  it('finds the code in the GitHub bio and on the linked site', async () => {
    const alice = await t.addPerson('alice');
    const session = await t.as(alice);
    const gh = await linkAndVerify(session, 'github', 'alice-gh', (code) => (github.fixtures.users!['alice-gh']!.bio = `Magento developer ${code}`));
    expect(gh).toMatchObject({ verification_method: 'github-bio' });
    expect(gh.verified_at).not.toBeNull();
    const feed = await linkAndVerify(session, 'feed', `${site.url}/feed.xml`, () => (siteBody = '<html><head><link rel="me" href="http://ambassadors.test/ambassadors/alice"></head></html>'));
    expect(feed).toMatchObject({ verification_method: 'rel-me' });
  });
});
