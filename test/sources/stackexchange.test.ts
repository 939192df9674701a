import { afterEach, describe, expect, it } from 'vitest';
import type { LinkedIdentity, SourceBatch, SourceCursor } from '../../src/sources/contract.js';
import { createHttpClient, type HttpClient } from '../../src/sources/http.js';
import { answerUrl, stackExchangeSource } from '../../src/sources/stackexchange.js';
import { fakeClock } from '../fakes/server.js';
import { stackExchangeError, startFakeStackExchange, type FakeStackExchange } from '../fakes/stackexchange.js';

const NOW = new Date('2026-01-15T12:00:00Z');
const t = (iso: string) => Math.floor(Date.parse(iso) / 1000);
const identities: LinkedIdentity[] = Array.from({ length: 120 }, (_, i) => ({ identityId: i + 1, memberId: i + 1, platform: 'stackexchange', externalId: String(1000 + i), verified: true }));

let fake: FakeStackExchange | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function run(settings: Record<string, unknown>, cursor: SourceCursor, http: HttpClient = createHttpClient({ clock: fakeClock() })) {
  const batches: SourceBatch[] = [];
  for await (const batch of stackExchangeSource(settings as never, identities, cursor, { http, now: NOW })) batches.push(batch);
  return { batches, contributions: batches.flatMap((b) => b.contributions), cursor: batches.at(-1)?.cursor ?? cursor };
}

function answers() {
  return [
    ...Array.from({ length: 150 }, (_, i) => ({ answerId: 5000 + i, questionId: 100 + i, userId: 1000 + (i % 3), title: `How to override a block &amp; template ${i}?`, creationDate: t('2025-06-01T00:00:00Z') + i * 3600, score: i % 5, accepted: i % 2 === 0 })),
    { answerId: 9001, questionId: 9, userId: 1119, title: 'Plugin on <code>save()</code>', creationDate: t('2026-01-01T00:00:00Z'), accepted: true, score: 7 },
  ];
}

describe('stackexchange source', () => {
  it('reads answers of up to 100 users per request with titles, acceptance and score', async () => {
    fake = await startFakeStackExchange({ answers: answers(), users: {} });
    const { contributions } = await run({ baseUrl: `${fake.url}/2.3` }, null);
    expect(contributions).toHaveLength(151);
    expect(new Set(contributions.map((c) => c.externalId)).size).toBe(151);
    const answerRequests = fake.requests.filter((r) => r.path.endsWith('/answers'));
    expect(answerRequests.every((r) => r.path.split('/')[3]!.split(';').length <= 100)).toBe(true);
    expect(fake.count('/2.3/filters/create')).toBe(1);
    const special = contributions.find((c) => c.externalId === 'answer:magento:9001')!;
    expect(special).toMatchObject({ kind: 'answerPosted', identityId: 120, title: 'Plugin on save()', occurredAt: '2026-01-01T00:00:00.000Z', metadata: { accepted: true, score: 7 } });
    expect(contributions[0]!.title).toBe('How to override a block & template 0?');
  });

  it('keeps literal angle brackets that the title encodes, and skips answers of deleted accounts', async () => {
    fake = await startFakeStackExchange({
      answers: [
        { answerId: 7001, questionId: 70, userId: 1000, title: 'Using the &lt;preference&gt; node in di.xml', creationDate: t('2026-01-02T00:00:00Z') },
        { answerId: 7002, questionId: 71, userId: 1001, title: 'Orphaned', creationDate: t('2026-01-03T00:00:00Z'), deletedOwner: true },
      ],
    });
    const { contributions } = await run({ baseUrl: `${fake.url}/2.3` }, null);
    expect(contributions.map((c) => [c.externalId, c.title])).toEqual([['answer:magento:7001', 'Using the <preference> node in di.xml']]);
  });

  it('links an answer on its own site when the API gives no link', async () => {
    fake = await startFakeStackExchange({ answers: [{ answerId: 8001, questionId: 80, userId: 1000, title: 'x', creationDate: t('2026-01-02T00:00:00Z') }] });
    const { contributions } = await run({ baseUrl: `${fake.url}/2.3`, site: 'stackoverflow', filter: 'no-links' }, null);
    expect(contributions.map((c) => c.url)).toEqual(['https://stackoverflow.com/a/8001']);
    expect(answerUrl('magento', 1)).toBe('https://magento.stackexchange.com/a/1');
    expect(answerUrl('superuser', 2)).toBe('https://superuser.com/a/2');
    expect(answerUrl('meta.stackoverflow', 3)).toBe('https://meta.stackoverflow.com/a/3');
    expect(answerUrl('meta.magento', 4)).toBe('https://magento.meta.stackexchange.com/a/4');
    expect(answerUrl('pt.stackoverflow', 5)).toBe('https://pt.stackoverflow.com/a/5');
    expect(answerUrl('mathoverflow.net', 6)).toBe('https://mathoverflow.net/a/6');
  });

  it('continues from the cursor, refreshing recent answers and picking up new ones', async () => {
    fake = await startFakeStackExchange({ answers: answers() });
    const first = await run({ baseUrl: `${fake.url}/2.3` }, null);
    fake.fixtures.answers.push({ answerId: 9500, questionId: 77, userId: 1001, title: 'New one', creationDate: t('2026-01-14T00:00:00Z') });
    const second = await run({ baseUrl: `${fake.url}/2.3` }, first.cursor);
    const ids = second.contributions.map((c) => c.externalId);
    expect(ids).toContain('answer:magento:9500');
    expect(ids).toContain('answer:magento:9001'); // within the refresh window
    expect(ids).not.toContain('answer:magento:5000'); // old and unchanged: not asked again
    const fromdates = fake.requests.slice(-3).filter((r) => r.path.endsWith('/answers')).map((r) => r.query.get('fromdate'));
    expect(fromdates.length).toBeGreaterThan(0);
    expect(fromdates.every((f) => f !== null)).toBe(true);
  });

  it('honours backoff by pausing before the next request', async () => {
    fake = await startFakeStackExchange({ answers: answers(), backoff: 10 });
    const clock = fakeClock();
    await run({ baseUrl: `${fake.url}/2.3`, filter: '!nNPvSNdWme' }, null, createHttpClient({ clock }));
    expect(clock.sleeps.filter((ms) => ms === 10_000).length).toBeGreaterThanOrEqual(1);
  });

  it('turns error bodies into clear errors', async () => {
    fake = await startFakeStackExchange({ answers: answers() });
    fake.fault({ path: /\/answers/, reply: stackExchangeError(502, 'throttle_violation', 'too many requests from this IP, more requests available in 75123 seconds') });
    await expect(run({ baseUrl: `${fake.url}/2.3`, filter: 'x' }, null)).rejects.toThrow(/^stackexchange: \/2\.3\/users\/.*\/answers: throttle_violation \(502\): too many requests/);
    fake.fault({ path: /\/answers/, reply: stackExchangeError(400, 'bad_parameter', 'site is required') });
    await expect(run({ baseUrl: `${fake.url}/2.3`, filter: 'x' }, null)).rejects.toThrow(/bad_parameter \(400\)/);
  });

  it('stops before the daily quota runs out', async () => {
    fake = await startFakeStackExchange({ answers: answers(), quotaRemaining: 3 });
    const batches: SourceBatch[] = [];
    const http = createHttpClient({ clock: fakeClock() });
    await expect(
      (async () => {
        for await (const b of stackExchangeSource({ baseUrl: `${fake!.url}/2.3`, filter: '!nNPvSNdWme' }, identities, null, { http, now: NOW })) batches.push(b);
      })(),
    ).rejects.toThrow(/daily quota nearly spent/);
  });

  it('reports malformed JSON with the URL', async () => {
    fake = await startFakeStackExchange({ answers: answers() });
    fake.fault({ path: /\/answers/, reply: { body: '{"items": [{"answer_id": ', headers: { 'content-type': 'application/json' } } });
    await expect(run({ baseUrl: `${fake.url}/2.3`, filter: 'x' }, null)).rejects.toThrow(/^stackexchange: GET .*answers.*malformed JSON/);
  });
});
