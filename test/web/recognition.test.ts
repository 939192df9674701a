// Recognition through Fastify inject: the awards announcement (winners, category winners, the
// count recognised, provenance, the snapshot, excluded staff with the reason), awards on
// profiles and badges, share cards, certificates, Open Badges credentials verified with the
// published key and validated against the 1EdTech schema's shape, and the polish of the
// public pages (plurals, out-of-range pages and years, unknown badges, favicon, og: tags,
// sitemap, private suspensions, privacy settings, email preferences).
import { Ajv2019 } from 'ajv/dist/2019.js';
import addFormatsModule from 'ajv-formats';
import { decodeJwt, decodeProtectedHeader, type JSONWebKeySet } from 'jose';
import { PDFDict, PDFDocument, PDFName } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyCredential } from '../../src/credentials/issuer-key.js';
import { computeAwardDraft, publishAwards } from '../../src/store/awards.js';
import { upsertContributions } from '../../src/store/contributions.js';
import { changeMemberState, setMemberFlags } from '../../src/store/members.js';
import type { Member } from '../../src/store/schema.js';
import { publishDueAnnouncements } from '../../src/notify/announcements.js';
import { ACHIEVEMENT_CREDENTIAL_SCHEMA } from './open-badges-schema.js';
import { get, post, webTest, type Actor, type WebTest } from './support.js';

// ajv-formats is CommonJS: its function is the module itself under Node, `.default` under TypeScript's view.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2019) => Ajv2019;

function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('recognition', () => {
  let t: WebTest;
  let ada: Member;
  let staffer: Member;
  let bob: Member;
  let cy: Member;
  let manager: Actor;

  beforeAll(async () => {
    t = await webTest();
    ada = await t.addPerson('ada', 'ambassador', { joinedAt: '2025-01-10' });
    staffer = await t.addPerson('staffer', 'ambassador', { joinedAt: '2025-01-10' });
    bob = await t.addPerson('bob', 'ambassador', { joinedAt: '2025-01-10' });
    cy = await t.addPerson('cy', 'ambassador', { joinedAt: '2025-01-10' });
    manager = await t.as(await t.addPerson('maria', 'manager', { joinedAt: '2024-01-10' }));
    const row = (memberId: number, id: string, kind: string, occurredAt: string) => ({ memberId, source: 'seed', externalId: id, kind, title: `${kind} ${id}`, url: null, occurredAt, reviewState: 'counted' as const });
    await upsertContributions(t.store.db, t.config, [
      ...[1, 2, 3, 4].map((n) => row(ada.id, `ada-${n}`, 'talk', `2025-0${n}-10T10:00:00Z`)),
      ...[1, 2, 3].map((n) => row(staffer.id, `st-${n}`, 'talk', `2025-0${n}-11T10:00:00Z`)),
      row(bob.id, 'bob-1', 'eventOrganized', '2025-05-01T10:00:00Z'),
      row(cy.id, 'cy-1', 'forumTopic', '2025-05-02T10:00:00Z'),
      row(cy.id, 'cy-2026', 'forumTopic', '2026-06-02T10:00:00Z'),
      row(ada.id, 'ada-2026', 'talk', '2026-05-02T10:00:00Z'),
    ]);
    await setMemberFlags(t.store.db, 'staffer', { isStaff: true }, 'test');
    await computeAwardDraft(t.store.db, t.config, 2025, 'test', { today: '2026-01-05' });
    await publishAwards(t.store.db, 2025, 'web:maria', { now: new Date('2026-01-05T18:00:00Z') });
  }, 120_000);
  afterAll(() => t.close());

  it('publishes the awards of a year as an announcement: winners with citations, category winners, everyone recognised, provenance, the snapshot', async () => {
    const page = await get(t.app, null, '/awards/2025');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('4 ambassadors were recognised');
    expect(page.body).toContain('Top Ambassador 2025, rank 1: 120 points across 1 category, including 4 talks.');
    expect(page.body).toContain('Category awards');
    expect(page.body).toMatch(/Education award 2025, 1 point in education/);
    const snapshot = await t.store.db.selectFrom('award_snapshots').selectAll().executeTakeFirstOrThrow();
    expect(page.body).toContain(snapshot.input_hash);
    expect(page.body).toContain(snapshot.rules_version);
    expect(page.body).toContain('href="/awards/2025/snapshot.json"');
    // The staff member ranked #2 is not silently missing.
    expect(page.body).toMatch(/Staffer Tester <span class="meta">@staffer<\/span> ranked #2 on the 2025 leaderboard: not eligible as program staff/);
    const download = await get(t.app, null, '/awards/2025/snapshot.json');
    expect(download.headers['content-disposition']).toContain('ambassador-awards-2025-r1.json');
    const json = JSON.parse(download.body);
    expect(json).toMatchObject({ year: 2025, revision: 1, inputHash: snapshot.input_hash, recognisedCount: 4 });
    expect(json.notEligible).toEqual([{ handle: 'staffer', name: 'Staffer Tester', rank: 2, reason: 'program staff' }]);
    expect(download.body).not.toContain('memberId');
    expect(download.body).not.toContain('@example.org');
  });

  it("shows a winner's award on their profile and badge", async () => {
    const profile = await get(t.app, null, '/ambassadors/ada');
    expect(profile.body).toContain('href="/awards/2025/ada"');
    expect(profile.body).toContain('Top Ambassador 2025, rank 1');
    const badge = await get(t.app, null, '/badge/ada.svg');
    expect(badge.body).toContain('Top Ambassador 2025');
    expect(badge.headers['cache-control']).toContain('max-age=3600');
    const loser = await get(t.app, null, '/badge/staffer.svg');
    expect(loser.body).not.toContain('Top Ambassador');
  });

  it('draws a share card for each award and each ambassador, with the og: tags pointing at it', async () => {
    const award = await get(t.app, null, '/awards/2025/ada');
    expect(award.statusCode).toBe(200);
    expect(award.body).toContain('<meta property="og:image" content="http://ambassadors.test/awards/2025/ada/top/card.png">');
    expect(award.body).toContain('<meta property="og:type" content="article">');
    const card = await t.app.inject({ url: '/awards/2025/ada/top/card.png' });
    expect(card.statusCode).toBe(200);
    expect(card.headers['content-type']).toBe('image/png');
    expect(pngSize(card.rawPayload)).toEqual({ width: 1200, height: 630 });
    const etag = String(card.headers.etag);
    expect((await t.app.inject({ url: '/awards/2025/ada/top/card.png', headers: { 'if-none-match': etag } })).statusCode).toBe(304);
    const profile = await get(t.app, null, '/ambassadors/bob');
    expect(profile.body).toContain('content="http://ambassadors.test/ambassadors/bob/card.png"');
    const personCard = await t.app.inject({ url: '/ambassadors/bob/card.png' });
    expect(pngSize(personCard.rawPayload)).toEqual({ width: 1200, height: 630 });
    expect((await t.app.inject({ url: '/awards/2025/ada/code/card.png' })).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/awards/2025/staffer' })).statusCode).toBe(404);
  });

  it('makes a printable one-page certificate with an embedded font', async () => {
    const response = await t.app.inject({ url: '/awards/2025/ada/top/certificate.pdf' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    expect(response.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const pdf = await PDFDocument.load(response.rawPayload);
    expect(pdf.getPageCount()).toBe(1);
    expect(pdf.getTitle()).toBe('Top Ambassador 2025 (rank 1): Ada Tester');
    const fontFiles = pdf.context.enumerateIndirectObjects().filter(([, object]) => object instanceof PDFDict && object.has(PDFName.of('FontFile2')));
    expect(fontFiles.length).toBeGreaterThanOrEqual(1);
  });

  it('issues an Open Badges 3.0 credential per award that the published key verifies and the 1EdTech schema accepts', async () => {
    const jwt = (await t.app.inject({ url: '/awards/2025/ada/top/credential.jwt' })).body;
    const jwks = JSON.parse((await t.app.inject({ url: '/.well-known/jwks.json' })).body) as JSONWebKeySet;
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(jwks.keys[0]).not.toHaveProperty('d');
    const header = decodeProtectedHeader(jwt);
    expect(header).toMatchObject({ alg: 'RS256', typ: 'JWT', kid: jwks.keys[0]!.kid });
    const { credential, payload } = await verifyCredential(jwt, jwks, { issuer: 'http://ambassadors.test/openbadges/issuer' });
    expect(payload).toMatchObject({ iss: 'http://ambassadors.test/openbadges/issuer', jti: credential.id, sub: 'http://ambassadors.test/ambassadors/ada' });
    const validate = addFormats(new Ajv2019({ strict: false, allErrors: true })).compile(ACHIEVEMENT_CREDENTIAL_SCHEMA);
    expect(validate(credential), JSON.stringify(validate.errors)).toBe(true);
    expect(credential.type).toEqual(['VerifiableCredential', 'OpenBadgeCredential']);
    expect(credential.credentialSubject.achievement.name).toBe('Top Ambassador 2025');
    expect(JSON.stringify(credential)).not.toContain('ada@example.org');
    // The issuer's profile is published where its id points.
    const issuer = JSON.parse((await t.app.inject({ url: '/openbadges/issuer' })).body);
    expect(issuer).toMatchObject({ id: credential.issuer.id, type: ['Profile'] });
    // A changed credential no longer verifies.
    const [h, , s] = jwt.split('.');
    const forged = { ...decodeJwt(jwt), vc: { ...credential, name: 'Top Ambassador 2025: Mallory' } };
    const tampered = `${h}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${s}`;
    await expect(verifyCredential(tampered, jwks, { issuer: credential.issuer.id })).rejects.toThrow();
    // The key is made once: a second credential is signed by the same published key.
    const again = await t.app.inject({ url: '/awards/2025/cy/education/credential.jwt' });
    await expect(verifyCredential(again.body, jwks, { issuer: credential.issuer.id })).resolves.toBeTruthy();
  });

  it('issues a status credential to an active ambassador only, valid until the status ends', async () => {
    const jwks = JSON.parse((await t.app.inject({ url: '/.well-known/jwks.json' })).body) as JSONWebKeySet;
    const response = await t.app.inject({ url: '/ambassadors/ada/credential.jwt' });
    expect(response.statusCode).toBe(200);
    const { credential, payload } = await verifyCredential(response.body, jwks, { issuer: 'http://ambassadors.test/openbadges/issuer', currentDate: new Date('2026-06-15T00:00:00Z') });
    expect(credential.credentialSubject.achievement.achievementType).toBe('Membership');
    expect(payload.exp).toBe(Math.floor(new Date('2026-11-02T23:59:59Z').getTime() / 1000));
    const validate = addFormats(new Ajv2019({ strict: false })).compile(ACHIEVEMENT_CREDENTIAL_SCHEMA);
    expect(validate(credential)).toBe(true);
    // bob's last contribution was in May 2025: not active in June 2026.
    expect((await t.app.inject({ url: '/ambassadors/bob/credential.jwt' })).statusCode).toBe(404);
  });

  it('answers an unknown badge with an SVG "not found" badge and a 404', async () => {
    const response = await t.app.inject({ url: '/badge/nobody-here.svg' });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toContain('image/svg+xml');
    expect(response.body).toMatch(/^<svg /);
    expect(response.body).toContain('not found');
  });

  it('answers out-of-range years and pages with a 404 that says what there is', async () => {
    // 2020 and 2024 are years a page reads before it knows the years with data (the last 16):
    // they are checked against them after the read.
    for (const url of ['/leaderboard?year=1999', '/ambassadors/ada?year=1999', '/leaderboard?year=3000', '/leaderboard?year=abc', '/leaderboard?year=2024', '/leaderboard?year=2020&category=code', '/leaderboard?year=2024&category=nope', '/ambassadors/ada?year=2024', '/ambassadors/ada?year=2027', '/ambassadors/nobody-here?year=2024']) {
      const response = await get(t.app, null, url);
      expect(response.statusCode, url).toBe(404);
      expect(response.body, url).toContain('the years with contributions are 2025 to 2026');
    }
    const directory = await get(t.app, null, '/ambassadors?page=99');
    expect(directory.statusCode).toBe(404);
    expect(directory.body).toContain('There is no page 99: 5 ambassadors fit on 1 page.');
    expect(directory.body).not.toContain('No ambassadors match');
    expect((await get(t.app, null, '/leaderboard?page=99')).statusCode).toBe(404);
    expect((await get(t.app, null, '/leaderboard?year=2025')).statusCode).toBe(200);
    expect((await get(t.app, null, '/leaderboard?year=2025&category=nope')).body).toContain('There is no category');
    expect((await get(t.app, null, '/ambassadors/ada?year=2025')).statusCode).toBe(200);
    expect((await get(t.app, null, '/awards/1999')).body).toContain('Published years: 2025');
  });

  it('has a favicon, og: tags on every page and a sitemap', async () => {
    const icon = await t.app.inject({ url: '/favicon.ico' });
    expect(icon.headers['content-type']).toBe('image/png');
    expect(pngSize(icon.rawPayload)).toEqual({ width: 32, height: 32 });
    for (const url of ['/', '/ambassadors', '/leaderboard', '/scoring', '/awards']) {
      const body = (await get(t.app, null, url)).body;
      expect(body, url).toContain('<meta property="og:title"');
      expect(body, url).toContain(`<meta property="og:url" content="http://ambassadors.test${url}">`);
      expect(body, url).toContain('<meta property="og:image" content="http://ambassadors.test/share/program.png">');
      expect(body, url).toContain('rel="icon" href="/favicon.ico"');
    }
    const sitemap = await t.app.inject({ url: '/sitemap.xml' });
    expect(sitemap.headers['content-type']).toContain('application/xml');
    expect(sitemap.body).toContain('<loc>http://ambassadors.test/ambassadors/ada</loc>');
    expect(sitemap.body).toContain('<loc>http://ambassadors.test/awards/2025/ada</loc>');
    expect((await t.app.inject({ url: '/robots.txt' })).body).toContain('Sitemap: http://ambassadors.test/sitemap.xml');
  });

  it('writes points with correct plurals everywhere ("1 point", never "1 pts")', async () => {
    for (const url of ['/ambassadors/cy?year=2025', '/', '/ambassadors', '/awards/2025', '/scoring']) {
      const body = (await get(t.app, null, url)).body;
      expect(body, url).not.toMatch(/\bpts\b/);
      expect(body, url).not.toMatch(/[^\d.,]1 points/);
    }
    expect((await get(t.app, null, '/ambassadors/cy?year=2025')).body).toContain('<strong>1 point</strong>');
  });

  it('says in "How scoring works" which kinds are found automatically and which are submitted, with the cycle in words', async () => {
    const body = (await get(t.app, null, '/scoring')).body;
    expect(body).toMatch(/blog post<\/td><td class="num">10 points<\/td>\s*<td>found automatically on your linked feeds[^<]*; submit it for review when it is published elsewhere/);
    expect(body).toMatch(/merged pull request<\/td><td class="num">10 points<\/td>\s*<td>found automatically on GitHub; submit it for review when it is published elsewhere<\/td>/);
    expect(body).toMatch(/talk<\/td><td class="num">30 points<\/td>\s*<td>submitted by you, reviewed by a manager<\/td>/);
    expect(body).toContain('from 1 January to 31 December (the calendar year), in UTC');
    expect(body).toContain('At least 1 point is needed');
    expect(body).not.toContain('month-day');
    expect(body).not.toContain('At least 1 points');
  });

  it('keeps a suspension private: the public sees "inactive", the manager sees "suspended"', async () => {
    await changeMemberState(t.store.db, 'bob', { state: 'suspended', reason: 'spam', effectiveOn: '2026-06-01' }, 'test');
    const profile = await get(t.app, null, '/ambassadors/bob');
    expect(profile.body).not.toContain('Suspended');
    expect(profile.body).toContain('status-inactive');
    expect((await get(t.app, null, '/badge/bob.svg')).body).not.toContain('suspended');
    const filtered = await get(t.app, null, '/ambassadors?status=suspended');
    expect(filtered.body).not.toContain('Suspended');
    expect(filtered.body).not.toContain('value="suspended"');
    const api = JSON.parse((await get(t.app, null, '/api/v1/ambassadors/bob')).body);
    expect(api.data).toMatchObject({ state: 'registered', status: 'inactive' });
    expect((await get(t.app, manager, '/ambassadors/bob')).body).toContain('Suspended');
    await changeMemberState(t.store.db, 'bob', { state: 'registered', reason: 'resolved', effectiveOn: '2026-06-02' }, 'test');
  });

  it('lets an ambassador add links, hide their country and company, and leave the directory while keeping the status', async () => {
    await t.store.db.updateTable('members').set({ country: 'PT', company: 'Acme' }).where('id', '=', cy.id).execute();
    const me = await t.as(cy);
    const bad = await post(t.app, me, '/me/settings', { linkLabel0: 'Blog', linkUrl0: 'javascript:alert(1)', linkUrl1: 'http://insecure.example' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toMatch(/id="f-linkUrl0"[^>]*aria-invalid="true" aria-describedby="f-linkUrl0-error"/);
    expect(bad.body).toContain('Link 2: expected an https:// address');
    expect(bad.body).toContain('value="Blog"');
    expect((await post(t.app, me, '/me/settings', { linkLabel0: 'Blog', linkUrl0: 'https://cy.example/blog', hideCountry: 'yes', hideCompany: 'yes', hideFromDirectory: 'yes', email_awards: 'yes', email_status: 'yes', email_reviews: 'yes', email_program: 'yes' })).statusCode).toBe(303);
    const profile = await get(t.app, null, '/ambassadors/cy');
    expect(profile.statusCode).toBe(200);
    expect(profile.body).toContain('<a href="https://cy.example/blog" rel="me noopener">Blog</a>');
    expect(profile.body).not.toContain('Portugal');
    expect(profile.body).not.toContain('Acme');
    expect(profile.body).toContain('status-');
    expect((await get(t.app, null, '/ambassadors')).body).not.toContain('href="/ambassadors/cy"');
    expect((await get(t.app, null, '/ambassadors?country=PT')).body).not.toContain('href="/ambassadors/cy"');
    expect((await get(t.app, null, '/leaderboard?year=2025')).body).toContain('href="/ambassadors/cy"');
    expect((await t.app.inject({ url: '/sitemap.xml' })).body).not.toContain('/ambassadors/cy<');
    expect(JSON.parse((await get(t.app, null, '/api/v1/ambassadors')).body).data.map((m: { handle: string }) => m.handle)).not.toContain('cy');
    expect((await get(t.app, me, '/ambassadors/cy')).body).toContain('Portugal');
  });

  it('lets people turn optional emails off, and honours it when the awards go out', async () => {
    const me = await t.as(ada);
    await post(t.app, me, '/me/settings', { email_status: 'yes', email_reviews: 'yes', email_program: 'yes' });
    await computeAwardDraft(t.store.db, t.config, 2025, 'test', { today: '2026-01-05' });
    await upsertContributions(t.store.db, t.config, [{ memberId: bob.id, source: 'seed', externalId: 'bob-late', kind: 'talk', title: 'Late', url: null, occurredAt: '2025-12-30T10:00:00Z', reviewState: 'counted' }]);
    await computeAwardDraft(t.store.db, t.config, 2025, 'test', { today: '2026-06-15', reason: 'late talk' });
    await publishAwards(t.store.db, 2025, 'test', { now: new Date('2026-06-15T10:00:00Z') });
    const before = t.mails.length;
    const sent: { to: string }[] = [];
    await publishDueAnnouncements(t.store, t.config, new Date('2026-06-15T10:05:00Z'), { mailer: { send: async (m) => void sent.push(m) } });
    expect(sent.map((m) => m.to)).not.toContain('ada@example.org');
    expect(sent.map((m) => m.to)).toContain('bob@example.org');
    expect(t.mails.length).toBe(before);
  });

  it('shows a first-run checklist and the days left on the dashboard', async () => {
    const newcomer = await t.addPerson('newbie', 'ambassador', { joinedAt: '2026-06-01' });
    const dashboard = await get(t.app, await t.as(newcomer), '/me');
    expect(dashboard.body).toContain('Getting started: 3 steps to go');
    expect(dashboard.body).toContain('<span class="days-left">169</span> days left');
    const veteran = await get(t.app, await t.as(ada), '/me');
    expect(veteran.body).toContain('Getting started: 2 steps to go');
  });

  it('refuses an early compute through the API with a 409 naming the field to send', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/api/v1/awards/2026/compute', headers: { cookie: manager.cookie, 'x-csrf-token': manager.csrf, 'content-type': 'application/json' }, payload: '{}' });
    expect(response.statusCode).toBe(409);
    expect(JSON.parse(response.body).error).toMatchObject({ code: 'cycle_not_ended', details: ['earlyReason: required until 2026-12-31'] });
    const ok = await t.app.inject({ method: 'POST', url: '/api/v1/awards/2026/compute', headers: { cookie: manager.cookie, 'x-csrf-token': manager.csrf, 'content-type': 'application/json' }, payload: JSON.stringify({ earlyReason: 'mid-year preview' }) });
    expect(ok.statusCode).toBe(200);
    expect(JSON.parse(ok.body).data).toMatchObject({ year: 2026, status: 'draft', created: true });
  });
});
