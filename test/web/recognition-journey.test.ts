// The awards season in headless Chromium, on 1 December 2026 with the demo community: a
// manager tries to compute the 2026 awards, is told how many days remain, confirms with a
// reason, publishes after confirming again; the winner's profile, badge, share card,
// certificate and Open Badges credential (verified with the published key) follow. The
// profile reflows at 320 px. axe-core checks every page state on the way. Screenshots of the
// announcement, a share card and the certificate go to test-results/.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { FastifyInstance } from 'fastify';
import type { JSONWebKeySet } from 'jose';
import type { BrowserContext, Page } from 'playwright-core';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyCredential } from '../../src/credentials/issuer-key.js';
import { loadDemo } from '../../src/demo/community.js';
import { computeAwardDraft, publishAwards } from '../../src/store/awards.js';
import { addMember } from '../../src/store/members.js';
import type { Member } from '../../src/store/schema.js';
import { buildApp } from '../../src/web/app.js';
import { sha256, sign } from '../../src/web/session.js';
import { freshStore, type TestStore } from '../support/engines.js';
import { CHROMIUM, freePort, launchChromium } from './browser-support.js';
import { SECRET, testConfig } from './support.js';

const RESULTS = path.resolve('test-results');
const TODAY = new Date('2026-12-01T10:00:00Z');

function hasPdftoppm(): boolean {
  try {
    execFileSync('pdftoppm', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!existsSync(CHROMIUM) && !process.env.CI)('the awards season in Chromium', () => {
  let store: TestStore;
  let app: FastifyInstance;
  let base: string;
  let manager: Member;
  const dirs: string[] = [];
  const contexts: BrowserContext[] = [];
  const mails: { to: string; subject: string }[] = [];

  beforeAll(async () => {
    mkdirSync(RESULTS, { recursive: true });
    store = await freshStore('pglite');
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const config = testConfig({ program: { baseUrl: base } });
    await loadDemo(store.db, config);
    await computeAwardDraft(store.db, config, 2025, 'test', { today: '2026-01-05' });
    await publishAwards(store.db, 2025, 'test', { now: new Date('2026-01-05T18:00:00Z') });
    manager = await addMember(store.db, { handle: 'maria', name: 'Maria Manager', email: 'maria@example.org', joinedAt: '2024-01-01', role: 'manager', isStaff: true }, 'test');
    app = await buildApp({ store, config, now: () => TODAY, pageCacheSeconds: 0, verifyIdentity: null, mailer: { send: async (m) => void mails.push(m) } });
    await app.listen({ port, host: '127.0.0.1' });
  }, 180_000);

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await app?.close();
    await store?.dispose();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  async function browser(viewport = { width: 1280, height: 900 }, as?: Member): Promise<BrowserContext> {
    const context = await launchChromium(dirs, viewport);
    contexts.push(context);
    if (as) {
      const id = randomBytes(24).toString('base64url');
      await store.db.insertInto('sessions' as never).values({ id_hash: sha256(id), member_id: as.id, expires_at: new Date(TODAY.getTime() + 86_400_000) } as never).execute();
      await context.addCookies([{ name: 'amb_session', value: encodeURIComponent(sign(Buffer.from(SECRET), id)), url: base }]);
    }
    return context;
  }

  async function noViolations(page: Page, state: string): Promise<void> {
    const results = await new AxeBuilder({ page }).analyze();
    const violations = results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
    expect(violations, `${state} (${page.url()})`).toEqual([]);
  }

  it('publishes the 2026 awards on 1 December only after confirmations, and the winner carries them away', async () => {
    const console_ = await (await browser(undefined, manager)).newPage();
    console_.on('dialog', (dialog) => void dialog.accept());
    await console_.goto(`${base}/manage/awards?year=2026`);
    await console_.getByText('31 days remain').first().waitFor();
    await noViolations(console_, 'awards console before computing');

    await console_.getByRole('button', { name: 'Compute the 2026 draft' }).click();
    await console_.getByText('The draft was not computed.').waitFor();
    expect(await console_.textContent('body')).not.toMatch(/--early|--reason/);
    await noViolations(console_, 'compute refused');

    await console_.locator('#c-confirm').check();
    await console_.locator('#c-early').fill('The gala is on 12 December');
    await console_.getByRole('button', { name: 'Compute the 2026 draft' }).click();
    await console_.getByText('Draft revision 1 computed.').waitFor();
    await noViolations(console_, 'draft computed');

    await console_.getByRole('button', { name: 'Publish revision 1' }).click();
    await console_.getByText('The awards were not published.').waitFor();
    expect(mails.filter((m) => /Ambassador Awards 2026/.test(m.subject))).toEqual([]);
    await console_.locator('#p-confirm').check();
    await console_.locator('#p-early').fill('The gala is on 12 December');
    await console_.getByRole('button', { name: 'Publish revision 1' }).click();
    await console_.getByText('The 2026 awards are published and the winners have been emailed.').waitFor();
    expect(mails.filter((m) => m.subject === 'You are among the Ambassador Awards 2026').length).toBeGreaterThan(0);

    const visitor = await (await browser()).newPage();
    await visitor.goto(`${base}/awards/2026`);
    await visitor.getByRole('heading', { name: 'Ambassador Awards 2026' }).waitFor();
    await visitor.screenshot({ path: path.join(RESULTS, 'award-announcement.png'), fullPage: true });
    await noViolations(visitor, 'award announcement');

    await visitor.locator('.winner .winner-name a').first().click();
    await visitor.waitForURL(/\/awards\/2026\/[^/]+$/);
    const handle = visitor.url().split('/').pop()!;
    await visitor.getByRole('heading', { name: /Top Ambassador 2026/ }).waitFor();
    const cardWidth = await visitor.locator('img.share-card').first().evaluate(async (img: HTMLImageElement) => {
      await img.decode();
      return img.naturalWidth;
    });
    expect(cardWidth).toBe(1200);
    expect(await visitor.locator('meta[property="og:image"]').getAttribute('content')).toBe(`${base}/awards/2026/${handle}/top/card.png`);
    await noViolations(visitor, 'award page');

    const card = await visitor.request.get(`${base}/awards/2026/${handle}/top/card.png`);
    expect(card.headers()['content-type']).toBe('image/png');
    writeFileSync(path.join(RESULTS, 'share-card.png'), await card.body());
    const certificate = await visitor.request.get(`${base}/awards/2026/${handle}/top/certificate.pdf`);
    expect(certificate.headers()['content-type']).toBe('application/pdf');
    const pdfPath = path.join(RESULTS, 'certificate.pdf');
    writeFileSync(pdfPath, await certificate.body());
    if (hasPdftoppm()) {
      execFileSync('pdftoppm', ['-png', '-r', '80', '-f', '1', '-l', '1', '-singlefile', pdfPath, path.join(RESULTS, 'certificate')]);
      expect(existsSync(path.join(RESULTS, 'certificate.png'))).toBe(true);
    } else {
      console.warn('[recognition-journey] pdftoppm (poppler-utils) is not installed: certificate.pdf written, no PNG of its first page');
    }

    // The credential, checked as a verifier would: with the key the site publishes.
    const jwt = await (await visitor.request.get(`${base}/awards/2026/${handle}/top/credential.jwt`)).text();
    const jwks = (await (await visitor.request.get(`${base}/.well-known/jwks.json`)).json()) as JSONWebKeySet;
    const { credential } = await verifyCredential(jwt, jwks, { issuer: `${base}/openbadges/issuer`, currentDate: TODAY });
    expect(credential.credentialSubject.id).toBe(`${base}/ambassadors/${handle}`);
    expect(credential.credentialSubject.achievement.name).toBe('Top Ambassador 2026');

    // The winner's profile and badge show the award.
    await visitor.goto(`${base}/ambassadors/${handle}`);
    await visitor.getByRole('link', { name: /Top Ambassador 2026/ }).waitFor();
    await noViolations(visitor, 'winner profile');
    const badge = await visitor.request.get(`${base}/badge/${handle}.svg`);
    expect(await badge.text()).toContain('Top Ambassador 2026');
  }, 300_000);

  it('reflows the profile at 320 px without horizontal scrolling', async () => {
    const top = JSON.parse((await app.inject({ url: '/api/v1/leaderboard?limit=1&year=2026' })).body) as { data: { handle: string }[] };
    const handle = top.data[0]!.handle;
    const page = await (await browser({ width: 320, height: 800 })).newPage();
    for (const url of [`/ambassadors/${handle}`, `/awards/2026/${handle}`, '/awards/2026', '/leaderboard', '/scoring', '/ambassadors']) {
      await page.goto(`${base}${url}`);
      const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
      expect(widths.scroll, url).toBeLessThanOrEqual(widths.client);
    }
    await page.goto(`${base}/ambassadors/${handle}`);
    await page.screenshot({ path: path.join(RESULTS, 'profile-320.png'), fullPage: true });
    await noViolations(page, 'profile at 320 px');
  }, 180_000);

  it('passes axe on the settings, scoring, leaderboard and directory pages', async () => {
    const member = await store.db.selectFrom('members').selectAll().where('role', '=', 'ambassador').where('state', '=', 'registered').orderBy('id').executeTakeFirstOrThrow();
    const page = await (await browser(undefined, member)).newPage();
    for (const url of ['/me', '/me/settings', '/scoring', '/leaderboard', '/ambassadors', '/me/profile']) {
      await page.goto(`${base}${url}`);
      await noViolations(page, url);
    }
    await page.goto(`${base}/me/settings`);
    await page.locator('#f-linkUrl0').fill('http://not-secure.example');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Link 1: expected an https:// address').first().waitFor();
    await noViolations(page, 'settings with an error');
  }, 180_000);

  it('pages a long timeline and passes axe on its second page', async () => {
    const member = await store.db.selectFrom('members').selectAll().where('role', '=', 'ambassador').where('state', '=', 'registered').orderBy('id').executeTakeFirstOrThrow();
    await sql`insert into contributions (member_id, source, external_id, kind, category, title, url, occurred_at, points, rules_version, explanation, review_state, metadata)
      select ${member.id}, 'seed', 'timeline-' || n, 'blogPost', 'content', 'Timeline post ' || n, 'https://example.org/timeline/' || n,
        timestamptz '2026-02-01 09:00:00+00' + n * interval '1 day', 5, 'seed', '[]', 'counted', '{}'
      from generate_series(1, 60) n`.execute(store.db);
    const page = await (await browser()).newPage();
    await page.goto(`${base}/ambassadors/${member.handle}?year=2026&page=2`);
    await page.getByText(/Contributions 51–\d+ of \d+, newest first/).waitFor();
    await page.getByRole('navigation', { name: 'Pages' }).first().waitFor();
    await noViolations(page, 'profile timeline page 2');
  }, 180_000);
});
