// `identity check` logic on both engines against the GitHub, Stack Exchange and feed fakes: the
// code the site issued (the same column) is looked for online; a pass verifies the identity,
// audited as 'verification', and what it found while unverified counts; a missing code, a
// platform without a check and an upstream failure each leave the identity unverified with a
// clear verdict.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { disabled, syncConfig } from '../support/sync-config.js';
import { linkIdentity } from '../../src/store/identities.js';
import { addMember } from '../../src/store/members.js';
import { runSync } from '../../src/sync/engine.js';
import { checkIdentities } from '../../src/sync/identity-check.js';
import { verificationCode } from '../../src/web/queries/accounts.js';
import { webDb } from '../../src/web/queries/tables.js';
import { wordpressRss } from '../fakes/feeds.js';
import { startFakeGithub, type FakeGithub } from '../fakes/github.js';
import { fakeClock, startFakeServer, type FakeServer } from '../fakes/server.js';
import { startFakeStackExchange, type FakeStackExchange } from '../fakes/stackexchange.js';
import { ENGINES, freshStore, type TestStore } from '../support/engines.js';

const NOW = new Date('2026-01-15T12:00:00Z');
let github: FakeGithub;
let se: FakeStackExchange;
let site: FakeServer;
/** What the feed at /blog/feed carries besides its posts: where a person would paste the code. */
let feedExtra = '';

beforeAll(async () => {
  github = await startFakeGithub({ repos: {}, events: { adal: [], grace: [] }, users: { adal: { bio: 'Magento developer' }, grace: { bio: null } }, gists: { adal: [], grace: [] } });
  se = await startFakeStackExchange({
    answers: [
      { answerId: 901, questionId: 77, userId: 42, title: 'How to add a column with db_schema.xml', creationDate: Date.parse('2026-01-05T10:00:00Z') / 1000, score: 3 },
      { answerId: 902, questionId: 78, userId: 42, title: 'Cron groups explained', creationDate: Date.parse('2026-01-06T10:00:00Z') / 1000, accepted: true },
    ],
    users: { 42: { displayName: 'Jane', aboutMe: '<p>Magento developer</p>' } },
  });
  site = await startFakeServer((req) =>
    req.path === '/blog/feed'
      ? { body: wordpressRss(site.url).replace('<description>PHP and e-commerce</description>', `<description>PHP and e-commerce ${feedExtra}</description>`), headers: { 'content-type': 'application/rss+xml' } }
      : { status: 404, body: 'not found' },
  );
});
afterAll(async () => {
  await Promise.all([github.close(), se.close(), site.close()]);
});

function config() {
  return syncConfig(
    {
      github: { baseUrl: github.url, repositories: [], documentationRepositories: [] },
      stackexchange: { baseUrl: `${se.url}/2.3`, filter: '!nNPvSNdWme' },
      ...disabled('discourse', 'packagist', 'ical'),
    },
    { program: { baseUrl: 'https://ambassadors.example' } },
  );
}

describe.each(ENGINES)('identity check on %s', (engine) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await freshStore(engine);
    feedExtra = '';
    github.fixtures.users!.adal!.bio = 'Magento developer';
    se.fixtures.users![42]!.aboutMe = '<p>Magento developer</p>';
  });
  afterEach(async () => {
    await store.dispose();
  });

  async function community() {
    const jane = await addMember(store.db, { handle: 'jane', name: 'Jane', email: 'jane@example.org', joinedAt: '2025-06-01' }, 'test');
    const ada = await addMember(store.db, { handle: 'ada', name: 'Ada', email: 'ada@example.org', joinedAt: '2025-06-01' }, 'test');
    const ids = {
      janeSe: (await linkIdentity(store.db, jane.id, { platform: 'stackexchange', externalId: '42' }, {}, 'test')).id,
      janeFeed: (await linkIdentity(store.db, jane.id, { platform: 'feed', externalId: `${site.url}/blog/feed` }, {}, 'test')).id,
      janeDevto: (await linkIdentity(store.db, jane.id, { platform: 'devto', externalId: 'janedev' }, {}, 'test')).id,
      adaGithub: (await linkIdentity(store.db, ada.id, { platform: 'github', externalId: 'AdaL' }, {}, 'test')).id,
    };
    // Grace linked her account from the CLI: nobody has shown her a code yet.
    const grace = await addMember(store.db, { handle: 'grace', name: 'Grace', email: 'grace@example.org', joinedAt: '2025-06-01' }, 'test');
    await linkIdentity(store.db, grace.id, { platform: 'github', externalId: 'grace' }, {}, 'test');
    const code = (identityId: number) => verificationCode(webDb(store.db), identityId);
    return { ids, code };
  }

  const check = (options: Parameters<typeof checkIdentities>[2] = {}) => checkIdentities(store.db, config(), { ...options, http: { clock: fakeClock() } });

  async function contributionStates(source: string) {
    const rows = await store.db.selectFrom('contributions').select(['review_state', 'metadata']).where('source', '=', source).execute();
    return rows.map((row) => [row.review_state, row.metadata.awaitsIdentity ?? null]);
  }

  it('verifies the identities whose code is online, releases their waiting contributions and reports every verdict', async () => {
    const { ids, code } = await community();
    const seCode = await code(ids.janeSe);
    const githubCode = await code(ids.adaGithub);
    await code(ids.janeFeed);
    await code(ids.janeDevto);
    await runSync(store, config(), { now: NOW, http: { clock: fakeClock() } });
    expect(await contributionStates('stackexchange')).toEqual([
      ['pending', String(ids.janeSe)],
      ['pending', String(ids.janeSe)],
    ]);
    expect(await store.db.selectFrom('identities').select('id').where('flagged_at', 'is not', null).execute()).toEqual([]);
    se.fixtures.users![42]!.aboutMe = `<p>Magento developer. ${seCode}</p>`;
    github.fixtures.users!.adal!.bio = `Magento developer ${githubCode}`;

    const verdicts = await check();
    const byIdentity = Object.fromEntries(verdicts.map((verdict) => [verdict.identity, verdict]));
    expect(Object.keys(byIdentity).sort()).toEqual(['devto:janedev', `feed:${site.url}/blog/feed`, 'github:AdaL', 'github:grace', 'stackexchange:42'].sort());
    expect(byIdentity['stackexchange:42']).toMatchObject({ member: 'jane', outcome: 'verified', method: 'stackexchange-about-me', releasedContributions: 2 });
    expect(byIdentity['github:AdaL']).toMatchObject({ member: 'ada', outcome: 'verified', method: 'github-bio', detail: 'code found in the profile bio of AdaL' });
    expect(byIdentity[`feed:${site.url}/blog/feed`]).toMatchObject({ outcome: 'not-verified', releasedContributions: 0 });
    expect(byIdentity[`feed:${site.url}/blog/feed`]!.detail).toMatch(/has neither the code, a rel="me" link to https:\/\/ambassadors\.example\/ambassadors\/jane, nor the magento-ambassador-verification meta tag/);
    expect(byIdentity['github:grace']).toMatchObject({ outcome: 'no-code', detail: expect.stringMatching(/^no verification code issued yet/) });
    expect(byIdentity['devto:janedev']).toMatchObject({ outcome: 'manager-only' });

    // What Jane's answers found while her identity waited now counts; her feed's posts still wait.
    expect(await contributionStates('stackexchange')).toEqual([
      ['counted', String(ids.janeSe)],
      ['counted', String(ids.janeSe)],
    ]);
    expect((await contributionStates('feeds')).every(([state]) => state === 'pending')).toBe(true);
    const identities = await store.db.selectFrom('identities').select(['external_id', 'verified_at', 'verification_method', 'verification_code']).orderBy('id').execute();
    expect(identities.filter((i) => i.verified_at).map((i) => [i.external_id, i.verification_method, i.verification_code])).toEqual([
      ['42', 'stackexchange-about-me', null],
      ['AdaL', 'github-bio', null],
    ]);
    const audit = await store.db.selectFrom('audit_log').select(['actor', 'action', 'subject_id']).where('action', '=', 'identity.verify').orderBy('id').execute();
    expect(audit).toEqual([
      { actor: 'verification', action: 'identity.verify', subject_id: 'github:AdaL' },
      { actor: 'verification', action: 'identity.verify', subject_id: 'stackexchange:42' },
    ]);

    // Once the code is in the feed, a second check verifies it, and nothing is checked twice.
    feedExtra = await code(ids.janeFeed);
    const again = await check({ memberHandle: 'jane' });
    expect(again.map((verdict) => [verdict.identity, verdict.outcome])).toEqual([
      [`feed:${site.url}/blog/feed`, 'verified'],
      ['devto:janedev', 'manager-only'],
    ]);
    expect(again[0]!.releasedContributions).toBeGreaterThan(0);
    expect((await contributionStates('feeds')).every(([state]) => state === 'counted')).toBe(true);
  });

  it('leaves an identity unverified, with a clear detail, when its code is not where it should be', async () => {
    const { ids, code } = await community();
    await code(ids.adaGithub);
    const [verdict] = await check({ platform: 'github', memberHandle: 'ada' });
    expect(verdict).toMatchObject({
      identity: 'github:AdaL',
      outcome: 'not-verified',
      detail: 'the code is neither in the bio of AdaL nor in one of their 30 newest public gists',
    });
    const row = await store.db.selectFrom('identities').select(['verified_at', 'verification_code']).where('id', '=', ids.adaGithub).executeTakeFirstOrThrow();
    expect(row.verified_at).toBeNull();
    expect(row.verification_code).toMatch(/^magento-ambassador-/);
  });

  it('reports a check that could not be made, and refuses an unknown member or platform', async () => {
    const { ids, code } = await community();
    await code(ids.adaGithub);
    await store.db.updateTable('identities').set({ external_id: 'nobody' }).where('id', '=', ids.adaGithub).execute();
    const [verdict] = await check({ platform: 'github', memberHandle: 'ada' });
    expect(verdict).toMatchObject({ identity: 'github:nobody', outcome: 'error' });
    expect(verdict!.detail).toMatch(/^the check could not be made: GET http:\/\/127\.0\.0\.1:\d+\/users\/nobody: HTTP 404/);
    await expect(check({ memberHandle: 'nobody' })).rejects.toThrow('no member with the handle "nobody"');
    await expect(check({ platform: 'myspace' })).rejects.toThrow('unknown platform "myspace"; expected one of github, stackexchange');
  });
});
