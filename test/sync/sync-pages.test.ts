// Per-identity sync state on the web: a person's identities page shows when each of THEIR
// identities was checked, when it is checked next, and its failures and last error (never
// another member's); the console's sync page lists the failing identities, and a partial run
// with its counts and warnings.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { linkIdentity } from '../../src/store/identities.js';
import type { Member } from '../../src/store/schema.js';
import { get, webTest, type WebTest } from '../web/support.js';

describe('sync state on the identities page and the console', () => {
  let t: WebTest;
  let alice: Member;
  let bob: Member;
  const failedAt = new Date('2026-06-15T09:00:00Z');

  beforeEach(async () => {
    t = await webTest({ config: { sources: { github: {} } } });
    alice = await t.addPerson('alice');
    bob = await t.addPerson('bob');
    const blog = await linkIdentity(t.store.db, alice.id, { platform: 'feed', externalId: 'https://alice.example/feed' }, { verified: true }, 'test');
    const dead = await linkIdentity(t.store.db, alice.id, { platform: 'feed', externalId: 'https://alice.example/old-feed' }, { verified: true }, 'test');
    const bobs = await linkIdentity(t.store.db, bob.id, { platform: 'feed', externalId: 'https://bob-secret.example/feed' }, { verified: true }, 'test');
    await t.store.db
      .insertInto('sync_runs')
      .values({
        source: 'feeds', status: 'partial', started_at: failedAt, finished_at: new Date(failedAt.getTime() + 2000), requests: 3,
        identities_ok: 1, identities_failed: 2, error: 'feeds: 2 of 3 identities failed', warnings: JSON.stringify(['feeds: a <b>warning</b>']),
      })
      .execute();
    await t.store.db
      .insertInto('identity_sync_state')
      .values([
        { identity_id: blog.id, source: 'feeds', cursor: JSON.stringify({ titles: {} }), last_checked_at: new Date('2026-06-14T09:00:00Z'), next_check_at: new Date('2026-06-14T09:00:00Z') },
        { identity_id: dead.id, source: 'feeds', cursor: null, last_checked_at: failedAt, next_check_at: new Date(failedAt.getTime() + 30 * 60_000), consecutive_failures: 2, last_error: 'https://alice.example/old-feed: not well-formed XML: <oops>' },
        { identity_id: bobs.id, source: 'feeds', cursor: null, last_checked_at: failedAt, next_check_at: new Date(failedAt.getTime() + 15 * 60_000), consecutive_failures: 1, last_error: 'https://bob-secret.example/feed: HTTP 500' },
      ])
      .execute();
  });
  afterEach(() => t.close());

  it("shows a person their own identities' checks, never another member's", async () => {
    const page = await get(t.app, await t.as(alice), '/me/identities');
    expect(page.statusCode).toBe(200);
    // The healthy feed was checked by the latest run (it wrote nothing because nothing changed).
    expect(page.body).toContain('Last checked <time datetime="2026-06-15T09:00:02.000Z">2026-06-15 09:00 UTC</time>; checked again at every sync.');
    expect(page.body).toContain('2 failed checks in a row');
    expect(page.body).toContain('next check <time datetime="2026-06-15T09:30:00.000Z">2026-06-15 09:30 UTC</time>');
    expect(page.body).toContain('Last error: https://alice.example/old-feed: not well-formed XML: &lt;oops&gt;');
    expect(page.body).not.toContain('bob-secret');
    const bobsPage = await get(t.app, await t.as(bob), '/me/identities');
    expect(bobsPage.body).toContain('1 failed check in a row');
    expect(bobsPage.body).not.toContain('alice.example');
  });

  it('lists the failing identities and the partial run on the sync page', async () => {
    const manager = await t.as(await t.addPerson('maria', 'manager'));
    const page = await get(t.app, manager, '/manage/sync');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h2>Failing identities</h2>');
    const failing = page.body.slice(page.body.indexOf('aria-label="Failing identities"'));
    // Most failures first, each with its own error only.
    expect(failing.indexOf('old-feed')).toBeLessThan(failing.indexOf('bob-secret'));
    expect(failing).toContain('<a href="/manage/members/alice">alice</a>');
    expect(failing).toMatch(/<td class="num">2<\/td>\s*<td>2026-06-15 09:00:00<\/td><td>2026-06-15 09:30:00<\/td>/);
    expect(page.body).toContain('https://bob-secret.example/feed: HTTP 500');
    expect(page.body).toContain('<span class="status status-lapsing">partial</span>');
    expect(page.body).toContain('feeds: 2 of 3 identities failed');
    expect(page.body).toContain('<li>feeds: a &lt;b&gt;warning&lt;/b&gt;</li>');
    // Members cannot see it.
    expect((await get(t.app, await t.as(alice), '/manage/sync')).statusCode).toBe(403);
  });
});
