// Public pages through Fastify inject: what they show, what they hide (private scores,
// drafts), escaping of upstream text, links limited to http(s), and the security headers.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { upsertContributions } from '../../src/store/contributions.js';
import { computeAwardDraft, publishAwards } from '../../src/store/awards.js';
import { linkIdentity } from '../../src/store/identities.js';
import { get, webTest, type WebTest } from './support.js';

async function seed(t: WebTest) {
  const alice = await t.addPerson('alice', 'ambassador', { joinedAt: '2026-01-10' });
  const bob = await t.addPerson('bob');
  await linkIdentity(t.store.db, alice.id, { platform: 'github', externalId: 'alice-gh' }, { verified: true }, 'test');
  await upsertContributions(t.store.db, t.config, [
    { memberId: alice.id, source: 'github', externalId: 'pr-1', kind: 'pullRequestMerged', title: 'Fix <script>alert(1)</script> checkout', url: 'javascript:alert(1)', occurredAt: '2026-05-02T10:00:00Z', reviewState: 'counted', metadata: { labels: ['Award: complex'] } },
    { memberId: alice.id, source: 'github', externalId: 'pr-2', kind: 'pullRequestMerged', title: 'Speed up indexers', url: 'https://github.com/magento/magento2/pull/2', occurredAt: '2026-06-01T10:00:00Z', reviewState: 'counted', metadata: {} },
    { memberId: bob.id, source: 'feeds', externalId: 'post-1', kind: 'blogPost', title: 'Hyvä themes in practice', url: 'https://bob.example/hyva', occurredAt: '2026-04-01T10:00:00Z', reviewState: 'counted', metadata: {} },
  ]);
  return { alice, bob };
}

describe('public pages', () => {
  let t: WebTest;
  beforeEach(async () => {
    t = await webTest();
    await seed(t);
  });
  afterEach(() => t.close());

  it('renders home, directory, profile, leaderboard, scoring, awards and the API docs', async () => {
    for (const url of ['/', '/ambassadors', '/ambassadors?q=ali&status=active&category=code', '/ambassadors/alice', '/leaderboard', '/leaderboard?year=2026&category=code', '/scoring', '/awards', '/api/docs', '/join', '/sign-in']) {
      const response = await get(t.app, null, url);
      expect(response.statusCode, url).toBe(200);
      expect(response.body, url).toContain('<main id="main"');
      expect(response.headers['content-type']).toContain('text/html');
    }
    const home = await get(t.app, null, '/');
    expect(home.body).toContain('Speed up indexers');
    expect(home.body).toContain('Become a Magento Association member');
    const directory = await get(t.app, null, '/ambassadors?q=ali');
    expect(directory.body).toContain('href="/ambassadors/alice"');
    expect(directory.body).not.toContain('href="/ambassadors/bob"');
    const profile = await get(t.app, null, '/ambassadors/alice');
    expect(profile.body).toContain('30 = merged pull request 10 + 20 (Award: complex)');
    expect(profile.body).toContain('Active until');
    expect(profile.body).toContain('role="img"');
    expect(profile.body).toContain('Contribution calendar 2026');
    expect(profile.body).toContain('https://github.com/alice-gh');
    const leaderboard = await get(t.app, null, '/leaderboard?category=content');
    expect(leaderboard.body).toContain('href="/ambassadors/bob"');
    expect(leaderboard.body).not.toContain('href="/ambassadors/alice"');
    expect((await get(t.app, null, '/ambassadors/nobody')).statusCode).toBe(404);
  });

  it('escapes upstream text and links only to http(s)', async () => {
    const profile = await get(t.app, null, '/ambassadors/alice');
    expect(profile.body).toContain('Fix &lt;script&gt;alert(1)&lt;/script&gt; checkout');
    expect(profile.body).not.toContain('<script>alert(1)');
    expect(profile.body).not.toMatch(/href="javascript:/i);
    const feed = await get(t.app, null, '/feed.atom');
    expect(feed.headers['content-type']).toContain('application/atom+xml');
    expect(feed.body).toContain('&lt;script&gt;');
    expect(feed.body).not.toContain('javascript:');
  });

  it('sends security headers with a CSP that allows no inline script', async () => {
    const response = await get(t.app, null, '/');
    const csp = String(response.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-frame-options']).toBe('DENY');
    expect(response.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(response.body).not.toMatch(/\sstyle="/);
    expect(response.body).not.toMatch(/\son[a-z]+="/);
  });

  it('draws the badge with status and year rank', async () => {
    const badge = await get(t.app, null, '/badge/alice.svg');
    expect(badge.statusCode).toBe(200);
    expect(badge.headers['content-type']).toContain('image/svg+xml');
    expect(badge.body).toContain('active · #1 in 2026');
    expect((await get(t.app, null, '/badge/nobody.svg')).statusCode).toBe(404);
  });

  it('shows only published awards, never drafts', async () => {
    await computeAwardDraft(t.store.db, t.config, 2026, 'test', { earlyReason: 'test', today: '2026-06-15' });
    expect((await get(t.app, null, '/awards/2026')).statusCode).toBe(404);
    expect((await get(t.app, null, '/awards')).body).toContain('No awards published yet');
    expect((await get(t.app, null, '/api/v1/awards/2026')).statusCode).toBe(404);
    await publishAwards(t.store.db, 2026, 'test', { earlyReason: 'test' });
    const page = await get(t.app, null, '/awards/2026');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Top Ambassador 2026, rank 1');
  });

  it('generates "How scoring works" from the live rules', async () => {
    const custom = await webTest({ config: { scoring: { points: { talk: 42 } }, kinds: { talk: { category: 'events', label: 'conference talk', submittable: true } } } });
    try {
      const page = await get(custom.app, null, '/scoring');
      expect(page.body).toMatch(/conference talk<\/td><td class="num">42/);
    } finally {
      await custom.close();
    }
  });
});

describe('private scores', () => {
  let t: WebTest;
  beforeEach(async () => {
    t = await webTest({ config: { visibility: { scores: 'private' } } });
  });
  afterEach(() => t.close());

  it('hides points and explanations from everyone but the person and managers', async () => {
    const { alice } = await seed(t);
    const manager = await t.addPerson('maria', 'manager');
    const explanation = '30 = merged pull request 10 + 20 (Award: complex)';
    const anonymous = await get(t.app, null, '/ambassadors/alice');
    expect(anonymous.body).not.toContain(explanation);
    expect(anonymous.body).not.toContain(' pts');
    const bob = await t.as((await t.store.db.selectFrom('members').selectAll().where('handle', '=', 'bob').executeTakeFirstOrThrow()));
    expect((await get(t.app, bob, '/ambassadors/alice')).body).not.toContain(explanation);
    expect((await get(t.app, await t.as(alice), '/ambassadors/alice')).body).toContain(explanation);
    expect((await get(t.app, await t.as(manager), '/ambassadors/alice')).body).toContain(explanation);
    const leaderboard = await get(t.app, null, '/leaderboard');
    expect(leaderboard.body).not.toContain('>Points<');
    const api = JSON.parse((await get(t.app, null, '/api/v1/leaderboard')).body) as { data: Record<string, unknown>[] };
    expect(api.data[0]).not.toHaveProperty('points');
    const contributions = JSON.parse((await get(t.app, null, '/api/v1/contributions')).body) as { data: Record<string, unknown>[] };
    expect(contributions.data[0]).not.toHaveProperty('explanation');
  });
});

describe('logs', () => {
  it('never carry sign-in tokens or OAuth codes', async () => {
    const { redactRequestUrl } = await import('../../src/web/app.js');
    expect(redactRequestUrl('/sign-in/link?token=abc123&next=/me')).toBe('/sign-in/link?token=[redacted]&next=/me');
    expect(redactRequestUrl('/auth/github/callback?code=xyz&state=s1')).toBe('/auth/github/callback?code=[redacted]&state=[redacted]');
    const lines: string[] = [];
    const { Writable } = await import('node:stream');
    const stream = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } });
    const t = await webTest({ context: { logger: { level: 'info', stream } } });
    try {
      await t.app.inject({ url: '/sign-in/link?token=SECRET-TOKEN-VALUE' });
      expect(lines.join('')).toContain('/sign-in/link?token=[redacted]');
      expect(lines.join('')).not.toContain('SECRET-TOKEN-VALUE');
    } finally {
      await t.close();
    }
  });
});
