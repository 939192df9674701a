// Forms that report everything at once (issue 12, item 3) and dates that are real calendar
// days between joining and today on the site, the API and the store alike (item 2).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contributionDateProblem } from '../../src/domain/contribution-date.js';
import { submitContribution } from '../../src/store/contributions.js';
import type { Member } from '../../src/store/schema.js';
import { get, post, webTest, type Actor, type WebTest } from './support.js';

describe('contribution dates', () => {
  const bounds = { joinedAt: '2026-01-10', today: '2026-06-15' };
  it('refuses what is not a calendar day, before joining or after today, in words', () => {
    expect(contributionDateProblem('2026-02-30', bounds)).toMatch(/February 2026 has 28 days/);
    expect(contributionDateProblem('2026-04-31', bounds)).toMatch(/April 2026 has 30 days/);
    expect(contributionDateProblem('0000-01-01', bounds)).toMatch(/no year 0000/);
    expect(contributionDateProblem('2026-13-01', bounds)).toMatch(/no month 13/);
    expect(contributionDateProblem('1990-01-01', bounds)).toMatch(/on or after the day you joined \(2026-01-10\)/);
    expect(contributionDateProblem('2026-06-16', bounds)).toMatch(/not after today/);
    expect(contributionDateProblem('26-1-1', bounds)).toMatch(/YYYY-MM-DD/);
    expect(contributionDateProblem('2028-02-29', { joinedAt: '2020-01-01', today: '2030-01-01' })).toBeNull();
    expect(contributionDateProblem('2026-06-15', bounds)).toBeNull();
    expect(contributionDateProblem('2026-01-10', bounds)).toBeNull();
  });
});

describe('forms in one pass', () => {
  let t: WebTest;
  let alice: Member;
  let session: Actor;

  beforeEach(async () => {
    t = await webTest({ config: { web: { signInRateLimit: { max: 2, windowMinutes: 15 } } } });
    alice = await t.addPerson('alice');
    session = await t.as(alice);
  });
  afterEach(async () => t.close());

  it('sign-up reports every field at once, attached to the fields, and a retry costs no rate-limit slot', async () => {
    const anonymous = await t.as(null);
    for (let attempt = 0; attempt < 4; attempt += 1) {
      const empty = await post(t.app, anonymous, '/join', { name: '', handle: '', email: '', country: '' });
      expect(empty.statusCode).toBe(400);
      for (const [name, words] of [['name', 'full name'], ['handle', 'handle'], ['email', 'email address'], ['consentTracking', 'tracking'], ['consentPublic', 'public profile']] as const) {
        expect(empty.body).toContain(`id="f-${name}-error"`);
        expect(empty.body).toMatch(new RegExp(`id="f-${name}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="f-${name}"`));
        expect(empty.body.toLowerCase()).toContain(words);
      }
      expect(empty.body).toContain('5 things need your attention');
      expect(empty.body).not.toMatch(/\b(url|avatar|consent):/);
    }
    const typed = await post(t.app, anonymous, '/join', { name: 'Bob Builder', handle: 'b', email: 'bob@example.org', country: 'Atlantis', consentTracking: 'yes' });
    expect(typed.statusCode).toBe(400);
    expect(typed.body).toContain('value="Bob Builder"');
    expect(typed.body).toContain('value="bob@example.org"');
    expect(typed.body).toContain('value="Atlantis"');
    expect(typed.body).toMatch(/id="f-consentTracking"[^>]*checked/);
    expect(typed.body).toContain('A handle is 2-39 letters');
    expect(typed.body).toContain('Pick your country from the list');
    // The limit (2) was never touched by the five invalid tries.
    const ok = await post(t.app, anonymous, '/join', { name: 'Bob Builder', handle: 'bob', email: 'bob@example.org', country: 'PT', consentTracking: 'yes', consentPublic: 'yes' });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('Check your email');
    const taken = await post(t.app, anonymous, '/join', { name: 'Alice Two', handle: 'alice', email: 'alice2@example.org', consentTracking: 'yes', consentPublic: 'yes' });
    expect(taken.statusCode).toBe(409);
    expect(taken.body).toContain('id="f-handle-error"');
    expect(taken.body).toContain('is taken');
  });

  it('refuses impossible and out-of-range dates with 400 naming the Date field, on the site and the API', async () => {
    for (const [date, words] of [['2026-02-30', 'February 2026 has 28 days'], ['2026-04-31', 'April 2026 has 30 days'], ['0000-01-01', 'no year 0000'], ['1990-01-01', 'on or after the day you joined']] as const) {
      const page = await post(t.app, session, '/me/submit', { kind: 'talk', title: 'A talk', url: 'https://example.org/talk', date });
      expect(page.statusCode).toBe(400);
      expect(page.body).toContain('<a href="#f-date">Date</a>');
      expect(page.body).toContain('id="f-date-error"');
      expect(page.body).toContain(words);
      expect(page.body).toContain('value="A talk"');
      const api = await t.app.inject({ method: 'POST', url: '/api/v1/submissions', headers: { cookie: session.cookie, 'x-csrf-token': session.csrf, 'content-type': 'application/json' }, payload: { kind: 'talk', title: 'A talk', url: 'https://example.org/talk', date } });
      expect(api.statusCode).toBe(400);
      expect(api.json().error.message).toMatch(new RegExp(`date: .*${words}`));
    }
    const all = await post(t.app, session, '/me/submit', { kind: 'nope', title: '', url: 'ftp://x', date: '2026-02-30', evidence: 'javascript:alert(1)' });
    expect(all.statusCode).toBe(400);
    expect(all.body).toContain('5 things need your attention');
    expect(await t.store.db.selectFrom('contributions').select('id').execute()).toEqual([]);
  });

  it('lets code outside GitHub be submitted', async () => {
    const ok = await post(t.app, session, '/me/submit', { kind: 'pullRequestMerged', title: 'Merge request on GitLab', url: 'https://gitlab.com/x/y/-/merge_requests/1', date: '2026-06-01' });
    expect(ok.statusCode).toBe(303);
    const row = await t.store.db.selectFrom('contributions').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ kind: 'pullRequestMerged', category: 'code', review_state: 'pending', source: 'submission' });
    await expect(
      submitContribution(t.store.db, t.config, { memberId: alice.id, kind: 'talk', category: 'events', title: 'x', url: 'https://e.org/2', date: '2026-02-30' }, 'cli:x', '2026-06-15'),
    ).rejects.toThrow(/date: expected a real calendar date; February 2026 has 28 days/);
  });

  it('profile errors are next to their fields in the label words, values kept', async () => {
    const bad = await post(t.app, session, '/me/profile', { name: '', country: 'Narnia', company: 'ACME', bio: 'hi', avatarUrl: 'http://insecure.example/a.png' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('3 things need your attention');
    expect(bad.body).toContain('<a href="#f-avatarUrl">Avatar image URL</a>');
    expect(bad.body).toContain('value="Narnia"');
    expect(bad.body).toContain('value="ACME"');
    expect(bad.body).not.toContain('avatar:');
    const good = await post(t.app, session, '/me/profile', { name: 'Alice A', country: 'Portugal', company: '', bio: '', avatarUrl: '' });
    expect(good.statusCode).toBe(303);
    expect((await get(t.app, session, '/me/profile')).body).toContain('value="Portugal"');
  });
});
