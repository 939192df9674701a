// Prometheus metrics at /metrics (prom-client). Request latency is this instance's own (a
// histogram by route pattern, never the raw URL, so /ambassadors/:handle is one series); the
// rest is read from the database at scrape time, so every instance reports the same truths:
// sync runs and failure streaks by source, contributions stored, upstream quotas left, the job
// queue's depth and oldest waiting job, the notification backlog and open alerts. With
// operations.metricsToken set, only `Authorization: Bearer <token>` is answered.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Database } from '../store/schema.js';
import {
  contributionCounts,
  jobQueueState,
  notificationBacklog,
  openAlerts,
  sourceStreaks,
  syncRunCounts,
  upstreamQuotas,
} from './observations.js';

export interface MetricsOptions {
  db: Kysely<Database>;
  /** operations.metricsToken; without it /metrics is open (keep it off the public internet). */
  token?: string;
  now?: () => Date;
  /** The schema of the job queue's tables (src/jobs/queue.ts `queueSchema`). */
  queueSchema?: string;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer ([!-~]{1,512})$/.exec(header ?? '');
  return match !== null && timingSafeEqual(digest(match[1]!), digest(token));
}

let processRegistry: Registry | undefined;
/** The process's own metrics (CPU, memory, event loop, GC), set up once however many apps a process builds. */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry, prefix: 'ambassador_' });
  }
  return processRegistry;
}

/** A registry whose database-backed gauges are refreshed on each scrape. */
export function metricsRegistry(options: MetricsOptions): { registry: Registry; httpDuration: Histogram<'method' | 'route' | 'status_code'> } {
  const { db } = options;
  const now = options.now ?? (() => new Date());
  const registry = new Registry();
  const httpDuration = new Histogram({
    name: 'ambassador_http_request_duration_seconds',
    help: 'HTTP request latency of this instance, by route pattern',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[], collect: (g: Gauge<L>) => Promise<void>) =>
    new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        this.reset();
        await collect(this);
      },
    });

  gauge('ambassador_sync_runs', 'Sync run records kept, by source and status', ['source', 'status'], async (g) => {
    for (const row of await syncRunCounts(db)) g.set({ source: row.source, status: row.status }, row.runs);
  });
  gauge('ambassador_sync_consecutive_failures', 'Failed runs of a source since its last successful one', ['source'], async (g) => {
    for (const streak of await sourceStreaks(db)) g.set({ source: streak.source }, streak.failures);
  });
  gauge('ambassador_sync_last_success_timestamp_seconds', 'When a source last finished a run successfully', ['source'], async (g) => {
    for (const streak of await sourceStreaks(db)) if (streak.lastSuccessAt) g.set({ source: streak.source }, streak.lastSuccessAt.getTime() / 1000);
  });
  gauge('ambassador_contributions_stored', 'Contributions stored, by source and review state', ['source', 'review_state'], async (g) => {
    for (const row of await contributionCounts(db)) g.set({ source: row.source, review_state: row.reviewState }, row.items);
  });
  gauge('ambassador_upstream_quota_remaining', 'Requests left in the upstream API quota, as last seen (GitHub, Stack Exchange)', ['host'], async (g) => {
    for (const quota of await upstreamQuotas(db)) g.set({ host: quota.host }, quota.remaining);
  });
  gauge('ambassador_upstream_quota_limit', 'The upstream API quota, as last seen', ['host'], async (g) => {
    for (const quota of await upstreamQuotas(db)) if (quota.limit !== null) g.set({ host: quota.host }, quota.limit);
  });
  gauge('ambassador_upstream_quota_observed_timestamp_seconds', 'When the quota was last seen', ['host'], async (g) => {
    for (const quota of await upstreamQuotas(db)) g.set({ host: quota.host }, quota.observedAt.getTime() / 1000);
  });
  gauge('ambassador_job_queue_depth', 'Jobs due and waiting in the job queue, by queue (0 without a queue)', ['queue'], async (g) => {
    const state = await jobQueueState(db, now(), options.queueSchema);
    g.set({ queue: 'all' }, state.waiting.reduce((sum, row) => sum + row.jobs, 0));
    for (const row of state.waiting) g.set({ queue: row.queue }, row.jobs);
  });
  gauge('ambassador_job_queue_oldest_waiting_seconds', 'Age of the oldest job due and not started, by queue', ['queue'], async (g) => {
    const state = await jobQueueState(db, now(), options.queueSchema);
    g.set({ queue: 'all' }, Math.max(0, ...state.waiting.map((row) => row.oldestSeconds)));
    for (const row of state.waiting) g.set({ queue: row.queue }, row.oldestSeconds);
  });
  gauge('ambassador_notification_backlog', 'Notifications not delivered, by channel and status', ['channel', 'status'], async (g) => {
    for (const row of await notificationBacklog(db, now())) g.set({ channel: row.channel, status: row.status }, row.count);
  });
  gauge('ambassador_notification_backlog_oldest_seconds', 'Age of the oldest notification not delivered, by channel', ['channel'], async (g) => {
    const oldest = new Map<string, number>();
    for (const row of await notificationBacklog(db, now())) oldest.set(row.channel, Math.max(oldest.get(row.channel) ?? 0, row.oldestSeconds));
    for (const [channel, seconds] of oldest) g.set({ channel }, seconds);
  });
  gauge('ambassador_alerts_open', 'Operation alerts open (source failing, queue stuck), by kind', ['kind'], async (g) => {
    const counts = new Map<string, number>([['source-failing', 0], ['queue-stuck', 0]]);
    for (const alert of await openAlerts(db)) counts.set(alert.kind, (counts.get(alert.kind) ?? 0) + 1);
    for (const [kind, count] of counts) g.set({ kind }, count);
  });
  return { registry, httpDuration };
}

/** Adds the latency hook to every route of `app` and the /metrics route. Call on the root instance. */
export function registerMetrics(app: FastifyInstance, options: MetricsOptions): void {
  const { registry, httpDuration } = metricsRegistry(options);
  app.addHook('onResponse', async (request, reply) => {
    // The route pattern (e.g. /ambassadors/:handle); requests that matched no route share one label.
    const route = request.routeOptions.url ?? 'unmatched';
    httpDuration.observe({ method: request.method, route, status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
  app.get('/metrics', async (request, reply) => {
    if (options.token && !bearerMatches(request.headers.authorization, options.token)) {
      return reply.code(401).header('www-authenticate', 'Bearer realm="metrics"').type('text/plain; charset=utf-8').send('a bearer token is required\n');
    }
    const body = `${await registry.metrics()}\n${await processMetrics().metrics()}`;
    return reply.header('cache-control', 'no-store').type(registry.contentType).send(body);
  });
}
