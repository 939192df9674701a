// The JSON API: lists with cursors, one error shape, submissions with the session and CSRF
// header, the token-authenticated idempotent ingest, and the OpenAPI document.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { upsertContributions } from '../../src/store/contributions.js';
import { linkIdentity } from '../../src/store/identities.js';
import type { Member } from '../../src/store/schema.js';
import { get, webTest, type WebTest } from './support.js';

const TOKEN = 'events-platform-token-0123456789abcdef';

describe('API v1', () => {
  let t: WebTest;
  let alice: Member;
  beforeEach(async () => {
    t = await webTest({ config: { web: { ingestTokens: [{ name: 'Events platform', source: 'events-platform', kinds: ['talk', 'workshop'], token: TOKEN }] } } });
    alice = await t.addPerson('alice');
    for (const handle of ['bob', 'carol', 'dave', 'erin']) await t.addPerson(handle);
  });
  afterEach(() => t.close());

  const json = <T>(body: string) => JSON.parse(body) as T;

  it('pages through ambassadors with a cursor and reports errors in one shape', async () => {
    const first = json<{ data: { handle: string }[]; nextCursor: string }>((await get(t.app, null, '/api/v1/ambassadors?limit=2')).body);
    expect(first.data.map((m) => m.handle)).toEqual(['alice', 'bob']);
    const second = json<{ data: { handle: string }[]; nextCursor: string | null }>((await get(t.app, null, `/api/v1/ambassadors?limit=2&cursor=${first.nextCursor}`)).body);
    expect(second.data.map((m) => m.handle)).toEqual(['carol', 'dave']);
    const last = json<{ data: { handle: string }[]; nextCursor: string | null }>((await get(t.app, null, `/api/v1/ambassadors?limit=2&cursor=${second.nextCursor}`)).body);
    expect(last.data.map((m) => m.handle)).toEqual(['erin']);
    expect(last.nextCursor).toBeNull();
    expect(JSON.stringify(first)).not.toContain('@example.org');
    for (const [url, status, code] of [
      ['/api/v1/ambassadors?cursor=garbage', 400, 'invalid_cursor'],
      ['/api/v1/ambassadors?limit=0', 400, 'invalid'],
      ['/api/v1/ambassadors/nobody', 404, 'not_found'],
      ['/api/v1/nothing', 404, 'not_found'],
      ['/api/v1/leaderboard?category=cooking', 400, 'invalid'],
      ['/api/v1/submissions', 401, 'unauthorized'],
    ] as const) {
      const response = await get(t.app, null, url);
      expect(response.statusCode, url).toBe(status);
      expect(json<{ error: { code: string; message: string } }>(response.body).error.code, url).toBe(code);
    }
  });

  it('serves contributions, the leaderboard and one ambassador', async () => {
    await upsertContributions(t.store.db, t.config, [
      { memberId: alice.id, source: 'github', externalId: 'a', kind: 'pullRequestMerged', title: 'A', url: null, occurredAt: '2026-02-01T00:00:00Z', reviewState: 'counted' },
      { memberId: alice.id, source: 'github', externalId: 'b', kind: 'pullRequestMerged', title: 'B', url: null, occurredAt: '2026-03-01T00:00:00Z', reviewState: 'counted' },
      { memberId: alice.id, source: 'github', externalId: 'c', kind: 'pullRequestMerged', title: 'C', url: null, occurredAt: '2026-04-01T00:00:00Z', reviewState: 'pending' },
    ]);
    const page1 = json<{ data: { title: string; points: number }[]; nextCursor: string }>((await get(t.app, null, '/api/v1/contributions?limit=1')).body);
    expect(page1.data.map((c) => c.title)).toEqual(['B']);
    const page2 = json<{ data: { title: string }[]; nextCursor: string | null }>((await get(t.app, null, `/api/v1/contributions?limit=1&cursor=${page1.nextCursor}`)).body);
    expect(page2.data.map((c) => c.title)).toEqual(['A']);
    const board = json<{ total: number; data: { rank: number; handle: string; points: number }[] }>((await get(t.app, null, '/api/v1/leaderboard?year=2026')).body);
    expect(board.data).toEqual([expect.objectContaining({ rank: 1, handle: 'alice', points: 20 })]);
    const one = json<{ data: { status: string; year: { rank: number } } }>((await get(t.app, null, '/api/v1/ambassadors/alice')).body);
    expect(one.data.status).toBe('active');
    expect(one.data.year.rank).toBe(1);
  });

  it('takes submissions from a signed-in member with the CSRF header', async () => {
    const session = await t.as(alice);
    const payload = JSON.stringify({ kind: 'talk', title: 'API talk', url: 'https://example.org/api-talk', date: '2026-06-01' });
    const noHeader = await t.app.inject({ method: 'POST', url: '/api/v1/submissions', headers: { cookie: session.cookie, 'content-type': 'application/json' }, payload });
    expect(noHeader.statusCode).toBe(403);
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/submissions', headers: { cookie: session.cookie, 'content-type': 'application/json', 'x-csrf-token': session.csrf }, payload });
    expect(created.statusCode).toBe(201);
    const again = await t.app.inject({ method: 'POST', url: '/api/v1/submissions', headers: { cookie: session.cookie, 'content-type': 'application/json', 'x-csrf-token': session.csrf }, payload });
    expect(again.statusCode).toBe(409);
    const mine = json<{ data: { title: string; reviewState: string }[] }>((await get(t.app, session, '/api/v1/submissions')).body);
    expect(mine.data).toEqual([expect.objectContaining({ title: 'API talk', reviewState: 'pending' })]);
  });

  it('ingests idempotently by source and external id, with a token', async () => {
    await linkIdentity(t.store.db, alice.id, { platform: 'github', externalId: 'alice-gh' }, { verified: true }, 'test');
    const batch = {
      contributions: [
        { externalId: 'evt-1', handle: 'alice', kind: 'talk', title: 'Talk at Meet Magento', url: 'https://events.example/1', occurredAt: '2026-05-10' },
        { externalId: 'evt-2', identity: 'github:alice-gh', kind: 'workshop', title: 'Workshop', occurredAt: '2026-05-11T09:00:00Z' },
      ],
    };
    const send = (body: unknown, token = TOKEN) =>
      t.app.inject({ method: 'POST', url: '/api/v1/ingest', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: JSON.stringify(body) });
    expect((await send(batch, 'wrong-token-wrong-token-wrong')).statusCode).toBe(401);
    const noAuth = await t.app.inject({ method: 'POST', url: '/api/v1/ingest', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(batch) });
    expect(noAuth.statusCode).toBe(401);
    const first = await send(batch);
    expect(first.statusCode).toBe(200);
    expect(json<{ data: unknown }>(first.body).data).toEqual({ source: 'events-platform', inserted: 2, updated: 0, unchanged: 0 });
    const second = await send(batch);
    expect(json<{ data: unknown }>(second.body).data).toEqual({ source: 'events-platform', inserted: 0, updated: 0, unchanged: 2 });
    const rows = await t.store.db.selectFrom('contributions').select(['source', 'external_id', 'review_state', 'points']).orderBy('external_id').execute();
    expect(rows).toEqual([
      { source: 'events-platform', external_id: 'evt-1', review_state: 'counted', points: 30 },
      { source: 'events-platform', external_id: 'evt-2', review_state: 'counted', points: 30 },
    ]);
    const bad = await send({ contributions: [{ externalId: 'x', handle: 'nobody', kind: 'cooking', title: 'T', occurredAt: '2026-05-10' }] });
    expect(bad.statusCode).toBe(400);
    const error = json<{ error: { code: string; details: string[] } }>(bad.body).error;
    expect(error.code).toBe('invalid');
    expect(error.details).toEqual(expect.arrayContaining([expect.stringContaining('contributions.0.kind'), expect.stringContaining('contributions.0.handle')]));
  });

  it('publishes an OpenAPI document', async () => {
    const doc = json<{ openapi: string; paths: Record<string, unknown> }>((await get(t.app, null, '/api/docs/openapi.json')).body);
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/ambassadors', '/api/v1/contributions', '/api/v1/leaderboard', '/api/v1/awards', '/api/v1/submissions', '/api/v1/ingest']));
    expect((await get(t.app, null, '/api/docs')).body).toContain('/api/v1/ingest');
  });
});
