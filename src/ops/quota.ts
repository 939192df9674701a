// The quotas upstream APIs report — GitHub in its x-ratelimit-* headers, Stack Exchange in
// the body's quota_remaining / quota_max — noted by the HTTP client every source run uses and
// kept in the database (per API host), so /metrics on any instance shows the latest seen.
import { sql, type Kysely } from 'kysely';
import type { HttpClient, HttpResponse } from '../sources/http.js';
import type { Database } from '../store/schema.js';

export interface QuotaReading {
  host: string;
  remaining: number;
  limit: number | null;
  resetsAt: Date | null;
}

const wholeNumber = (value: unknown): number | null => {
  const number = typeof value === 'string' && /^\d{1,12}$/.test(value) ? Number(value) : typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : null;
  return number !== null && number <= 2_147_483_647 ? number : null;
};

/** GitHub (and others following it): x-ratelimit-remaining, -limit and -reset (epoch seconds). */
export function quotaFromHeaders(url: string, headers: Record<string, string>): QuotaReading | null {
  const remaining = wholeNumber(headers['x-ratelimit-remaining']);
  if (remaining === null) return null;
  const reset = wholeNumber(headers['x-ratelimit-reset']);
  return { host: new URL(url).host, remaining, limit: wholeNumber(headers['x-ratelimit-limit']), resetsAt: reset === null ? null : new Date(reset * 1000) };
}

/** Stack Exchange: every wrapper object carries quota_remaining and quota_max (a daily quota). */
export function quotaFromBody(url: string, data: unknown): QuotaReading | null {
  if (typeof data !== 'object' || data === null) return null;
  const body = data as { quota_remaining?: unknown; quota_max?: unknown };
  const remaining = wholeNumber(body.quota_remaining);
  if (remaining === null) return null;
  return { host: new URL(url).host, remaining, limit: wholeNumber(body.quota_max), resetsAt: null };
}

export async function recordQuota(db: Kysely<Database>, reading: QuotaReading, now: Date): Promise<void> {
  await sql`
    insert into upstream_quotas (host, remaining, quota_limit, resets_at, observed_at)
    values (${reading.host.slice(0, 255)}, ${reading.remaining}, ${reading.limit}, ${reading.resetsAt}, ${now})
    on conflict (host) do update set remaining = excluded.remaining, quota_limit = excluded.quota_limit,
      resets_at = excluded.resets_at, observed_at = excluded.observed_at
  `.execute(db);
}

/** At most one write per host in this interval: a sync of hundreds of requests writes a handful of rows. */
const WRITE_INTERVAL_MS = 5_000;

/**
 * Wraps a source run's HTTP client so that the quotas its responses report are kept. A failed
 * write is logged by the caller's `onError` and never fails the request.
 */
export function observingQuotas(
  client: HttpClient,
  db: Kysely<Database>,
  options: { now?: () => Date; onError?: (error: unknown) => void } = {},
): HttpClient {
  const now = options.now ?? (() => new Date());
  const lastWrite = new Map<string, number>();
  const note = async (reading: QuotaReading | null) => {
    if (!reading) return;
    const at = now();
    const previous = lastWrite.get(reading.host);
    if (previous !== undefined && at.getTime() - previous < WRITE_INTERVAL_MS && reading.remaining > 0) return;
    lastWrite.set(reading.host, at.getTime());
    await recordQuota(db, reading, at).catch((error: unknown) => options.onError?.(error));
  };
  const fromResponse = (response: HttpResponse) => note(quotaFromHeaders(response.url, response.headers));
  const get: HttpClient['get'] = async (url, getOptions) => {
    const response = await client.get(url, getOptions);
    await fromResponse(response);
    return response;
  };
  const getJson: HttpClient['getJson'] = async (url, getOptions) => {
    const result = await client.getJson<unknown>(url, getOptions);
    await fromResponse(result.response);
    await note(quotaFromBody(result.response.url, result.data));
    return result as never;
  };
  // Everything else (stats, pauseHost, what the client grows later) passes through unchanged.
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property === 'get') return get;
      if (property === 'getJson') return getJson;
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
