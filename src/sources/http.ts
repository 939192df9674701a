// The one way out to the network for every source. On top of a single exchange
// (http-transport.ts) it adds: the SSRF guard for user-supplied URLs with redirects followed by
// hand and re-checked, conditional requests answered from a ValidatorStore, bounded retries
// with exponential backoff and jitter, rate limits (GitHub's x-ratelimit-*, secondary limits,
// retry-after, and pauses a source asks for, like Stack Exchange's `backoff`) with a maximum
// wait, counters for run records, and optional recording/replay of raw responses.

import { BlockedAddressError, buildAllowList, checkUserUrl, resolveAllowedAddress, systemResolver, type Resolver } from './address-guard.js';
import { HttpError, RateLimitError, redactUrl } from './http-errors.js';
import { exchange, type ExchangeResponse } from './http-transport.js';
import { loadRecordings, recordResponse, recordingKey, type RecordedResponse } from './recording.js';
import { decodeText, charsetOf } from './text-decoding.js';
import { keptHeaders, type ValidatorStore } from './validators.js';

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface HttpClientOptions {
  userAgent?: string;
  /** Deadline for one exchange, connect to last byte. */
  timeoutMs?: number;
  /** Largest body accepted, compressed or decoded. */
  maxBytes?: number;
  /** Retries after a 5xx or network failure (not counting rate-limit waits). */
  maxRetries?: number;
  retryBaseDelayMs?: number;
  /** Longest the client sleeps for a rate limit; past it, a RateLimitError stops the caller. */
  maxRateLimitWaitMs?: number;
  maxRedirects?: number;
  /** Ranges allowed for user-supplied URLs even though they are private, e.g. ['127.0.0.1/8']. */
  allowPrivateAddresses?: string[];
  validators?: ValidatorStore;
  clock?: Clock;
  random?: () => number;
  resolver?: Resolver;
  /** Write every response received to this directory. */
  recordDir?: string;
  /** Answer every request from recordings in this directory instead of the network. */
  replayDir?: string;
}

export interface GetOptions {
  headers?: Record<string, string>;
  /** The URL came from a user: apply the SSRF guard to it and to every redirect. */
  untrusted?: boolean;
  /** Use and keep ETag/Last-Modified validators (default true when a store is configured). */
  conditional?: boolean;
  maxBytes?: number;
  timeoutMs?: number;
}

export interface HttpResponse {
  /** The URL that answered, after redirects. */
  url: string;
  status: number;
  headers: Record<string, string>;
  /** The body as received (decompressed), never decoded: sources decode it by their own rules. */
  body: Buffer;
  /** The charset the Content-Type declared (lowercased), or null. */
  charset: string | null;
  /** True when the upstream answered 304 and the body came from the validator store. */
  notModified: boolean;
  /** The body decoded by BOM, then the declared charset, then UTF-8 (see text-decoding.ts). */
  text(): string;
  json<T = unknown>(): T;
}

export interface HttpStats {
  requests: number;
  notModified: number;
  retries: number;
  rateLimitedWaits: number;
  rateLimitedWaitMs: number;
  bytesReceived: number;
}

export interface HttpClient {
  get(url: string, options?: GetOptions): Promise<HttpResponse>;
  getJson<T = unknown>(url: string, options?: GetOptions): Promise<{ data: T; response: HttpResponse }>;
  /** Holds every request to the URL's host for `delayMs`, e.g. for Stack Exchange's `backoff`. */
  pauseHost(url: string, delayMs: number): void;
  readonly stats: HttpStats;
}

const DEFAULT_USER_AGENT = 'magento-ambassador/0.1 (+https://github.com/magento; contribution tracking)';
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const RETRYABLE_STATUS = new Set([500, 502, 503, 504]);
const RETRYABLE_KINDS = new Set(['network', 'timeout']);

function bodyExcerpt(body: Buffer): string {
  return body.toString('utf8', 0, 600).replace(/\s+/g, ' ').replace(/[^\x20-\x7e\u00a0-\uffff]/g, '').slice(0, 300);
}

function makeResponse(url: string, status: number, headers: Record<string, string>, body: Buffer, notModified: boolean): HttpResponse {
  const charset = charsetOf(headers['content-type']);
  return {
    url,
    status,
    headers,
    body,
    charset,
    notModified,
    text: () => decodeText(body, charset).text,
    json: <T>() => {
      try {
        return JSON.parse(decodeText(body, charset).text) as T;
      } catch (error) {
        throw new HttpError('decode', url, `malformed JSON (${(error as Error).message})`, { status, bodyExcerpt: bodyExcerpt(body) });
      }
    },
  };
}

/** Seconds until the upstream allows requests again, from a 403/429 or an exhausted quota. */
function rateLimitDelayMs(res: ExchangeResponse, nowMs: number): number | null {
  const retryAfter = res.headers['retry-after'];
  if (retryAfter !== undefined) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(retryAfter);
    if (Number.isFinite(date)) return Math.max(0, date - nowMs);
  }
  if (res.headers['x-ratelimit-remaining'] === '0' && res.headers['x-ratelimit-reset']) {
    const reset = Number(res.headers['x-ratelimit-reset']) * 1000;
    if (Number.isFinite(reset)) return Math.max(0, reset - nowMs) + 1000;
  }
  if (res.status === 403 && /secondary rate limit|abuse/i.test(res.body.toString('utf8', 0, 2000))) {
    // GitHub asks for at least a minute when a secondary limit comes without retry-after.
    return 60_000;
  }
  return null;
}

export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const allowed = buildAllowList(options.allowPrivateAddresses);
  const resolver = options.resolver ?? systemResolver;
  const maxWait = options.maxRateLimitWaitMs ?? 120_000;
  const stats: HttpStats = { requests: 0, notModified: 0, retries: 0, rateLimitedWaits: 0, rateLimitedWaitMs: 0, bytesReceived: 0 };
  const hostPausedUntil = new Map<string, number>();
  let recordings: Promise<Map<string, RecordedResponse>> | null = null;

  async function waitFor(url: string, delayMs: number, reason: string, status?: number): Promise<void> {
    if (delayMs > maxWait) {
      throw new RateLimitError(url, `rate limited (${reason}); requests resume in ${Math.ceil(delayMs / 1000)} s, longer than the ${Math.round(maxWait / 1000)} s we wait`, new Date(clock.now() + delayMs), status);
    }
    stats.rateLimitedWaits += 1;
    stats.rateLimitedWaitMs += delayMs;
    await clock.sleep(delayMs);
  }

  async function respectHostPause(url: URL): Promise<void> {
    const until = hostPausedUntil.get(url.host);
    if (until === undefined) return;
    const delay = until - clock.now();
    if (delay > 0) await waitFor(url.toString(), delay, 'the upstream asked us to pause');
    hostPausedUntil.delete(url.host);
  }

  async function replay(url: string): Promise<ExchangeResponse> {
    recordings ??= loadRecordings(options.replayDir!);
    const record = (await recordings).get(recordingKey(url));
    if (!record) throw new HttpError('network', url, `no recorded response in ${options.replayDir}`);
    return { status: record.status, headers: record.headers, body: Buffer.from(record.bodyBase64, 'base64') };
  }

  /** One exchange with the guard, host pauses, retries and rate limits applied; no redirects. */
  async function exchangeWithRetries(url: URL, headers: Record<string, string>, get: GetOptions): Promise<ExchangeResponse> {
    const maxRetries = options.maxRetries ?? 3;
    const base = options.retryBaseDelayMs ?? 500;
    for (let attempt = 0; ; attempt += 1) {
      await respectHostPause(url);
      let response: ExchangeResponse;
      try {
        if (options.replayDir) {
          response = await replay(url.toString());
        } else {
          const pinnedAddress = get.untrusted ? await resolveAllowedAddress(url.hostname, allowed, resolver) : undefined;
          stats.requests += 1;
          response = await exchange({
            url,
            headers,
            timeoutMs: get.timeoutMs ?? options.timeoutMs ?? 30_000,
            maxBytes: get.maxBytes ?? options.maxBytes ?? 10 * 1024 * 1024,
            pinnedAddress,
          });
          stats.bytesReceived += response.body.length;
        }
      } catch (error) {
        if (error instanceof HttpError && RETRYABLE_KINDS.has(error.kind) && attempt < maxRetries) {
          stats.retries += 1;
          await clock.sleep(base * 2 ** attempt + random() * base);
          continue;
        }
        if (error instanceof HttpError) throw error;
        if (error instanceof BlockedAddressError) throw new HttpError('blocked-address', url.toString(), error.message, { cause: error });
        throw new HttpError('network', url.toString(), `cannot resolve ${url.hostname}: ${(error as Error).message}`, { cause: error });
      }
      if (options.recordDir && !options.replayDir) {
        await recordResponse(options.recordDir, url.toString(), url.toString(), response.status, response.headers, response.body, new Date(clock.now()));
      }
      if (response.status === 403 || response.status === 429) {
        const delay = rateLimitDelayMs(response, clock.now());
        if (delay !== null) {
          await waitFor(url.toString(), delay, `HTTP ${response.status}`, response.status);
          continue;
        }
      }
      if (RETRYABLE_STATUS.has(response.status) && attempt < maxRetries) {
        stats.retries += 1;
        const retryAfter = Number(response.headers['retry-after']);
        const delay = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : base * 2 ** attempt + random() * base;
        if (delay > maxWait) throw new HttpError('status', url.toString(), `HTTP ${response.status}, retry-after too long`, { status: response.status });
        await clock.sleep(delay);
        continue;
      }
      if (response.headers['x-ratelimit-remaining'] === '0' && response.headers['x-ratelimit-reset']) {
        // The quota is spent: hold the next request to this host until the reset.
        hostPausedUntil.set(url.host, Number(response.headers['x-ratelimit-reset']) * 1000 + 1000);
      }
      return response;
    }
  }

  async function get(rawUrl: string, getOptions: GetOptions = {}): Promise<HttpResponse> {
    let url: URL;
    try {
      url = new URL(rawUrl);
    } catch {
      throw new HttpError('invalid-url', rawUrl, 'not a valid URL');
    }
    if (getOptions.untrusted) {
      try {
        checkUserUrl(url);
      } catch (error) {
        throw new HttpError('blocked-address', rawUrl, (error as Error).message);
      }
    } else if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new HttpError('invalid-url', rawUrl, `unsupported scheme ${url.protocol}`);
    }
    const conditional = (getOptions.conditional ?? true) && options.validators !== undefined;
    const stored = conditional ? await options.validators!.get(rawUrl) : null;
    const baseHeaders: Record<string, string> = {
      'user-agent': options.userAgent ?? DEFAULT_USER_AGENT,
      'accept-encoding': 'gzip, deflate',
      ...getOptions.headers,
    };
    if (stored?.body !== undefined && stored.etag) baseHeaders['if-none-match'] = stored.etag;
    if (stored?.body !== undefined && stored.lastModified) baseHeaders['if-modified-since'] = stored.lastModified;

    const origin = url.origin;
    for (let redirects = 0; ; redirects += 1) {
      const headers = { ...baseHeaders };
      // Credentials go only to the origin they were meant for.
      if (url.origin !== origin) delete headers.authorization;
      const response = await exchangeWithRetries(url, headers, getOptions);
      if (REDIRECTS.has(response.status)) {
        const location = response.headers.location;
        if (!location) throw new HttpError('redirect', url.toString(), `HTTP ${response.status} without a Location header`, { status: response.status });
        if (redirects >= (options.maxRedirects ?? 5)) throw new HttpError('redirect', rawUrl, `more than ${options.maxRedirects ?? 5} redirects`);
        const next = new URL(location, url);
        if (getOptions.untrusted) {
          try {
            checkUserUrl(next);
          } catch (error) {
            throw new HttpError('blocked-address', rawUrl, `redirect to ${redactUrl(next.toString())} refused: ${(error as Error).message}`);
          }
        }
        url = next;
        continue;
      }
      if (response.status === 304 && stored?.body !== undefined) {
        stats.notModified += 1;
        // The kept headers of the stored response, updated by whatever the 304 repeats.
        return makeResponse(url.toString(), 200, { ...stored.headers, ...response.headers }, Buffer.from(stored.body.buffer, stored.body.byteOffset, stored.body.byteLength), true);
      }
      if (response.status < 200 || response.status >= 300) {
        throw new HttpError('status', url.toString(), `HTTP ${response.status}${response.body.length ? `: ${bodyExcerpt(response.body)}` : ''}`, {
          status: response.status,
          bodyExcerpt: bodyExcerpt(response.body),
        });
      }
      const etag = response.headers.etag;
      const lastModified = response.headers['last-modified'];
      if (conditional && (etag || lastModified)) {
        const headers = keptHeaders(response.headers);
        await options.validators!.set(rawUrl, { ...(etag ? { etag } : {}), ...(lastModified ? { lastModified } : {}), body: response.body, ...(headers ? { headers } : {}) });
      }
      return makeResponse(url.toString(), response.status, response.headers, response.body, false);
    }
  }

  return {
    get,
    async getJson<T>(url: string, getOptions?: GetOptions) {
      const response = await get(url, { ...getOptions, headers: { accept: 'application/json', ...getOptions?.headers } });
      return { data: response.json<T>(), response };
    },
    pauseHost(url: string, delayMs: number) {
      const host = new URL(url).host;
      const untilMs = clock.now() + delayMs;
      hostPausedUntil.set(host, Math.max(hostPausedUntil.get(host) ?? 0, untilMs));
    },
    stats,
  };
}
