// `ambassador sync` over a realistic community: 60 members (and one erased) with work on
// GitHub (tracked repositories, an org wildcard, documentation repositories, and Magento work
// elsewhere found through public events), Magento Stack Exchange, blogs, dev.to, Atom, RDF and
// YouTube feeds, a Discourse forum, Packagist and meetup calendars, all served by loopback
// fakes in the shape of the real APIs. The store must hold exactly the contributions worked
// out from the data (community-expectations.ts): categorised, scored and explained, pending
// where an identity is unverified; the standings add up; a second sync adds nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncConfig } from '../support/sync-config.js';
import type { ProgramConfig } from '../../src/domain/config-schema.js';
import { setIdentityTrusted, linkIdentity } from '../../src/store/identities.js';
import { addMember, removeMember } from '../../src/store/members.js';
import { queryStandings } from '../../src/store/standings.js';
import { runSync, type RunRecord } from '../../src/sync/engine.js';
import { TRUST_REQUIRED_PLATFORMS } from '../../src/sync/review-policy.js';
import { ADOBE_ENGINEER, LABEL_BOT, OUTSIDER, REVIEW_BOT } from '../fakes/community-github.js';
import { buildCommunity, COMMUNITY_NOW, startCommunityServers, type CommunityServers } from '../fakes/community.js';
import { fakeClock } from '../fakes/server.js';
import { ENGINES, freshStore, type TestStore } from '../support/engines.js';
import { expectedContributions, line } from './community-expectations.js';

const community = buildCommunity();
const expected = expectedContributions(community, COMMUNITY_NOW);
const SOURCES = ['github', 'stackexchange', 'feeds', 'discourse', 'packagist', 'ical'];

let servers: CommunityServers;
beforeAll(async () => {
  servers = await startCommunityServers(community);
});
afterAll(async () => {
  await servers.close();
});

function config(): ProgramConfig {
  return syncConfig({
    github: { baseUrl: servers.github.url, repositories: community.github.repositories, documentationRepositories: community.github.documentationRepositories },
    stackexchange: { baseUrl: `${servers.stackexchange.url}/2.3` },
    devto: { baseUrl: servers.documents.url },
    packagist: { baseUrl: servers.packagist.url },
  });
}

interface StoredRow {
  handle: string;
  source: string;
  external_id: string;
  kind: string;
  category: string;
  points: number;
  review_state: string;
  occurred_at: Date | string;
  title: string;
  url: string | null;
  explanation: string;
}

describe.each(ENGINES)('a community of %s synced from every source', (engine) => {
  let store: TestStore;
  let firstRuns: RunRecord[];
  let rows: StoredRow[];

  const sync = () => runSync(store, config(), { now: COMMUNITY_NOW, http: { clock: fakeClock(), allowPrivateAddresses: ['127.0.0.1/32'] } });
  const storedRows = async () =>
    (await store.db
      .selectFrom('contributions as c')
      .innerJoin('members as m', 'm.id', 'c.member_id')
      .select(['m.handle', 'c.source', 'c.external_id', 'c.kind', 'c.category', 'c.points', 'c.review_state', 'c.occurred_at', 'c.title', 'c.url', 'c.explanation'])
      .orderBy('c.source')
      .orderBy('c.external_id')
      .execute()) as StoredRow[];
  const lines = (list: StoredRow[]) =>
    list
      .map((r) => line({ handle: r.handle, source: r.source, kind: r.kind, category: r.category, points: Number(r.points), state: r.review_state as 'counted', occurredAt: new Date(r.occurred_at).toISOString() }))
      .sort();

  beforeAll(async () => {
    store = await freshStore(engine);
    for (const m of community.members) {
      const member = await addMember(store.db, { handle: m.handle, name: m.name, email: `${m.handle}@example.org`, joinedAt: '2025-01-01' }, 'test');
      for (const identity of m.identities) {
        const row = await linkIdentity(store.db, member.id, { platform: identity.platform, externalId: servers.externalId(identity) }, { verified: identity.verified }, 'test');
        // The community's calendars and forums are vetted by a manager (untrusted ones wait:
        // see the review policy and test/web/abuse.test.ts).
        if (identity.verified && TRUST_REQUIRED_PLATFORMS.includes(identity.platform)) await setIdentityTrusted(store.db, config(), row.id, true, 'test', null);
      }
    }
    for (const m of community.members.filter((member) => member.erased)) await removeMember(store.db, m.handle, 'test');
    firstRuns = await sync();
    rows = await storedRows();
  }, 120_000);
  afterAll(async () => {
    await store.dispose();
  });

  it('runs every source cleanly and records what each found', () => {
    expect(firstRuns.map((run) => [run.source, run.status, run.error])).toEqual(SOURCES.map((source) => [source, 'ok', null]));
    for (const source of SOURCES) {
      const run = firstRuns.find((r) => r.source === source)!;
      expect(run.itemsNew, source).toBe(expected.filter((c) => c.source === source).length);
      expect(run.requests, source).toBeGreaterThan(0);
    }
  });

  it('stores exactly the contributions the community made, categorised, scored and pending where unverified', () => {
    expect(expected.length).toBeGreaterThan(500);
    expect(new Set(expected.map((c) => c.category))).toEqual(new Set(['code', 'documentation', 'content', 'events', 'education']));
    expect(new Set(expected.map((c) => c.handle)).size).toBeGreaterThanOrEqual(50);
    expect(lines(rows)).toEqual(expected.map(line).sort());
  });

  it('explains every point and keeps titles as plain text', () => {
    for (const row of rows) {
      expect(row.explanation, row.external_id).toMatch(new RegExp(`^${Number(row.points)} = `));
      expect(row.title).not.toMatch(/<|&amp;/);
      if (row.url) expect(new URL(row.url).protocol).toMatch(/^https?:$/);
    }
    const capped = rows.filter((r) => Number(r.points) === 0);
    expect(capped.length).toBeGreaterThan(0);
    for (const row of capped) expect(row.explanation).toMatch(/not counted: over the cap of/);
  });

  it('scores the highlights by the rules', () => {
    const byId = (id: string) => rows.find((r) => r.external_id === id);
    const pr = (key: string) => {
      const { repo, number } = community.github.highlights[key]!;
      return byId(`pr:${repo.toLowerCase()}#${number}`);
    };
    // Base 10 plus the "Award: advanced" (30) and "Award: complex" (20) labels.
    expect(pr('labels0')).toMatchObject({ points: 60, explanation: expect.stringContaining('30 (Award: advanced)') });
    expect(pr('labels2')).toMatchObject({ points: 5 });
    expect(pr('relabelled')).toMatchObject({ points: 30 });
    expect(pr('outsider')).toBeUndefined();
    expect(pr('erased')).toBeUndefined();
    expect(byId(`answer:magento:${community.highlights.answers.acceptedScore14}`)).toMatchObject({ points: 17 });
    expect(byId(`answer:magento:${community.highlights.answers.acceptedScore3}`)).toMatchObject({ points: 10 });
    expect(byId(`answer:magento:${community.highlights.answers.overCap}`)).toMatchObject({ points: 0 });
    // Emma's article on her blog and on dev.to counts once, where it appeared first.
    const crossPosted = rows.filter((r) => r.handle === 'emma' && r.title === community.highlights.crossPost);
    expect(crossPosted.map((r) => r.external_id)).toEqual([expect.stringMatching(/^post:https:\/\/emma\.example\//)]);
  });

  it('leaves out bots, outsiders, the erased member and work that is not about Magento', () => {
    const handles = new Set(rows.map((r) => r.handle));
    expect(handles.has('walter')).toBe(false);
    for (const login of [REVIEW_BOT, LABEL_BOT, OUTSIDER, ADOBE_ENGINEER, 'dependabot[bot]', 'moderator-kim']) {
      expect(rows.some((r) => r.external_id.toLowerCase().includes(login.toLowerCase()))).toBe(false);
    }
    expect(rows.some((r) => /dotfiles|analytics|php-money|RC1/i.test(r.external_id))).toBe(false);
    expect(rows.some((r) => /holiday|sourdough|rust/i.test(r.title))).toBe(false);
    expect(rows.some((r) => /cancelled|2026-02|2026-03/.test(r.external_id))).toBe(false);
  });

  it('adds the counted points up in the standings, by category', async () => {
    const standings = await queryStandings(store.db, { from: '2025-01-01', to: '2026-12-31', limit: 1000 });
    const totals = new Map<string, Record<string, number>>();
    for (const c of expected.filter((item) => item.state === 'counted' && item.points > 0)) {
      const t = totals.get(c.handle) ?? {};
      t[c.category] = (t[c.category] ?? 0) + c.points;
      totals.set(c.handle, t);
    }
    const sum = (t: Record<string, number>) => Object.values(t).reduce((a, b) => a + b, 0);
    expect(standings.rows.map((s) => [s.handle, s.points]).sort()).toEqual([...totals].map(([handle, t]) => [handle, sum(t)]).sort());
    for (const s of standings.rows) {
      for (const [category, points] of Object.entries(totals.get(s.handle)!)) expect(s.categories[category as 'code'], `${s.handle} ${category}`).toBe(points);
    }
  });

  it('adds nothing when synced again', async () => {
    const again = await sync();
    expect(again.map((run) => [run.source, run.status, run.itemsNew, run.itemsUpdated])).toEqual(SOURCES.map((source) => [source, 'ok', 0, 0]));
    expect(lines(await storedRows())).toEqual(lines(rows));
  });
});
