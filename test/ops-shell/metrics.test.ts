// /metrics on both engines: request latency by route pattern (not the raw URL), and what the
// database holds at scrape time — sync runs and failure streaks by source, contributions
// stored, upstream quotas (as a real source run's HTTP client saw them from a loopback API),
// the job queue (the real pg-boss queue's table), the notification backlog — behind the
// bearer token when one is set. Two apps on one database report the same values.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openQueue, queueSchema } from '../../src/jobs/queue.js';
import { observingQuotas } from '../../src/ops/quota.js';
import { createHttpClient } from '../../src/sources/http.js';
import { addMember } from '../../src/store/members.js';
import { buildApp } from '../../src/web/app.js';
import { ENGINES, freshStore, type TestStore } from '../support/engines.js';
import { testConfig } from '../web/support.js';

const NOW = new Date('2026-12-01T12:00:00Z');
const TOKEN = 'metrics-token-0123456789';

function metricValue(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const labelText = line.slice(name.length).split(' ')[0]!;
    if (Object.entries(labels).every(([key, value]) => labelText.includes(`${key}="${value}"`))) return Number(line.split(' ').at(-1));
  }
  return undefined;
}

async function loopbackApi(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((request, response) => {
    if (request.url?.startsWith('/gh')) {
      response.setHeader('x-ratelimit-remaining', '4321');
      response.setHeader('x-ratelimit-limit', '5000');
      response.setHeader('x-ratelimit-reset', String(Math.floor(NOW.getTime() / 1000) + 600));
      response.setHeader('content-type', 'application/json');
      response.end('[]');
      return;
    }
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ items: [], has_more: false, quota_max: 10000, quota_remaining: 9876 }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe.each(ENGINES)('/metrics on %s', (engine) => {
  let store: TestStore | undefined;
  afterEach(async () => {
    if (store?.schema) await sql`drop schema if exists ${sql.id(queueSchema(store))} cascade`.execute(store.db);
    await store?.dispose();
    store = undefined;
  });

  it('reports latency by route and the database truths, behind the token', async () => {
    store = await freshStore(engine);
    const { db } = store;
    const ada = await addMember(db, { handle: 'ada', name: 'Ada', email: 'ada@example.org', joinedAt: '2025-01-01' }, 'test');
    await sql`
      insert into sync_runs (source, status, finished_at) values
        ('github', 'ok', now()), ('github', 'failed', now()), ('github', 'failed', now()),
        ('feeds', 'failed', now()), ('feeds', 'ok', now())
    `.execute(db);
    await sql`
      insert into contributions (member_id, source, external_id, kind, category, title, occurred_at, review_state) values
        (${ada.id}, 'github', 'pr-1', 'pullRequestMerged', 'code', 'One', now(), 'counted'),
        (${ada.id}, 'github', 'pr-2', 'pullRequestMerged', 'code', 'Two', now(), 'counted'),
        (${ada.id}, 'feeds', 'post-1', 'blogPost', 'content', 'Three', now(), 'pending')
    `.execute(db);
    await sql`
      insert into notifications (key, kind, channel, recipient, status, created_at) values
        ('w:1', 'contribution.counted', 'webhook', 'https://crm.example/hook', 'failed', ${new Date(NOW.getTime() - 120_000)})
    `.execute(db);
    // The real job queue on this store: two jobs due (90 s and 30 s ago), one not yet due.
    const queue = await openQueue(store, { supervise: false });
    try {
      await queue.createQueue('sync_github');
      await queue.createQueue('sync_feeds');
      await queue.send('sync_github', {}, { startAfter: new Date(NOW.getTime() - 90_000) });
      await queue.send('sync_github', {}, { startAfter: new Date(NOW.getTime() - 30_000) });
      await queue.send('sync_feeds', {}, { startAfter: new Date(NOW.getTime() + 60_000) });
    } finally {
      queue.detach();
      await queue.stop({ graceful: false, wait: true, close: false }).catch(() => undefined);
    }
    // A source run's client notes the quotas its upstreams report.
    // Two hosts, as GitHub and Stack Exchange are: each is kept under its own.
    const [github, stackexchange] = [await loopbackApi(), await loopbackApi()];
    try {
      const client = observingQuotas(createHttpClient({ allowPrivateAddresses: ['127.0.0.1/32'] }), db, { now: () => NOW });
      await client.getJson(`${github.url}/gh/users/ada/events`);
      await client.getJson(`${stackexchange.url}/2.3/answers`);
      expect(client.stats.requests).toBe(2);
    } finally {
      await github.close();
      await stackexchange.close();
    }
    const githubHost = new URL(github.url).host;

    const config = testConfig({ operations: { metricsToken: TOKEN } });
    const apps = [await buildApp({ store, config, now: () => NOW, pageCacheSeconds: 0, verifyIdentity: null, mailer: null }), await buildApp({ store, config, now: () => NOW, pageCacheSeconds: 0, verifyIdentity: null, mailer: null })];
    try {
      const [a, b] = apps as [(typeof apps)[0], (typeof apps)[0]];
      expect((await a.inject({ url: '/metrics' })).statusCode).toBe(401);
      expect((await a.inject({ url: '/metrics', headers: { authorization: 'Bearer wrong-token-0123456789' } })).statusCode).toBe(401);
      await a.inject({ url: '/ambassadors/ada' });
      await a.inject({ url: '/ambassadors/nobody-here' });
      await a.inject({ url: '/no/such/page/at/all' });
      const scrape = await a.inject({ url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
      expect(scrape.statusCode).toBe(200);
      expect(scrape.headers['content-type']).toContain('text/plain');
      const text = scrape.body;
      expect(metricValue(text, 'ambassador_http_request_duration_seconds_count', { route: '/ambassadors/:handle', status_code: '200' })).toBe(1);
      expect(metricValue(text, 'ambassador_http_request_duration_seconds_count', { route: '/ambassadors/:handle', status_code: '404' })).toBe(1);
      expect(metricValue(text, 'ambassador_http_request_duration_seconds_count', { route: 'unmatched' })).toBe(1);
      expect(text).not.toContain('nobody-here');
      expect(metricValue(text, 'ambassador_sync_runs', { source: 'github', status: 'failed' })).toBe(2);
      expect(metricValue(text, 'ambassador_sync_consecutive_failures', { source: 'github' })).toBe(2);
      expect(metricValue(text, 'ambassador_sync_consecutive_failures', { source: 'feeds' })).toBe(0);
      expect(metricValue(text, 'ambassador_contributions_stored', { source: 'github', review_state: 'counted' })).toBe(2);
      expect(metricValue(text, 'ambassador_contributions_stored', { source: 'feeds', review_state: 'pending' })).toBe(1);
      const host = text.match(/ambassador_upstream_quota_remaining\{host="(127\.0\.0\.1:\d+)"\} 9876/);
      expect(host, text).not.toBeNull();
      expect(metricValue(text, 'ambassador_upstream_quota_limit', { host: host![1]! })).toBe(10000);
      expect(metricValue(text, 'ambassador_upstream_quota_remaining', { host: githubHost })).toBe(4321);
      expect(metricValue(text, 'ambassador_upstream_quota_limit', { host: githubHost })).toBe(5000);
      expect(metricValue(text, 'ambassador_notification_backlog', { channel: 'webhook', status: 'failed' })).toBe(1);
      expect(metricValue(text, 'ambassador_notification_backlog_oldest_seconds', { channel: 'webhook' })).toBe(120);
      expect(metricValue(text, 'ambassador_alerts_open', { kind: 'source-failing' })).toBe(0);
      expect(metricValue(text, 'ambassador_job_queue_depth', { queue: 'all' })).toBe(2);
      expect(metricValue(text, 'ambassador_job_queue_depth', { queue: 'sync_github' })).toBe(2);
      expect(metricValue(text, 'ambassador_job_queue_depth', { queue: 'sync_feeds' })).toBeUndefined();
      expect(metricValue(text, 'ambassador_job_queue_oldest_waiting_seconds', { queue: 'all' })).toBe(90);
      expect(text).toContain('ambassador_process_resident_memory_bytes');
      expect(text).toContain('ambassador_nodejs_eventloop_lag_seconds');

      // The other instance reports the same database truths (its own latency aside).
      const other = (await b.inject({ url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } })).body;
      for (const [name, labels] of [['ambassador_sync_consecutive_failures', { source: 'github' }], ['ambassador_contributions_stored', { source: 'github', review_state: 'counted' }], ['ambassador_notification_backlog', { channel: 'webhook', status: 'failed' }]] as const) {
        expect(metricValue(other, name, labels)).toBe(metricValue(text, name, labels));
      }
      expect(metricValue(other, 'ambassador_http_request_duration_seconds_count', { route: '/ambassadors/:handle', status_code: '200' })).toBeUndefined();
    } finally {
      for (const app of apps) await app.close();
    }
  });
});
