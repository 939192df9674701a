import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../src/sources/http.js';
import { HttpError, RateLimitError } from '../../src/sources/http-errors.js';
import { memoryValidatorStore } from '../../src/sources/validators.js';
import { addressRefusal, buildAllowList } from '../../src/sources/address-guard.js';
import { fakeClock, startFakeServer, type FakeReply, type FakeServer } from '../fakes/server.js';

let server: FakeServer;
beforeAll(async () => {
  server = await startFakeServer((req): FakeReply => {
    if (req.path === '/json') return { json: { ok: true, n: Number(req.query.get('n') ?? 1) } };
    if (req.path === '/gzip') return { json: { zipped: 'yes'.repeat(100) }, gzip: true };
    if (req.path === '/redirect-local') return { status: 302, headers: { location: '/json' } };
    if (req.path === '/redirect-metadata') return { status: 302, headers: { location: 'http://169.254.169.254/latest/meta-data/' } };
    if (req.path === '/redirect-loop') return { status: 302, headers: { location: '/redirect-loop' } };
    if (req.path === '/paged') return { json: [1, 2], headers: { link: `<${server.url}/paged?page=2>; rel="next"` } };
    if (req.path === '/latin1') return { body: Buffer.from('<p>Not\xedcias \x96 caf\xe9</p>', 'latin1'), headers: { 'content-type': 'text/html; charset="ISO-8859-1"' } };
    if (req.path === '/auth-echo') return { json: { authorization: req.headers.authorization ?? null } };
    return { status: 404, json: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } };
  });
});
afterAll(() => server.close());

function client(extra: Parameters<typeof createHttpClient>[0] = {}) {
  const clock = fakeClock();
  return { clock, http: createHttpClient({ clock, random: () => 0.5, timeoutMs: 2000, ...extra }) };
}

describe('http client', () => {
  it('fetches JSON, decodes gzip and counts requests', async () => {
    const { http } = client();
    const { data } = await http.getJson<{ ok: boolean }>(`${server.url}/json`);
    expect(data.ok).toBe(true);
    const zipped = await http.getJson<{ zipped: string }>(`${server.url}/gzip`);
    expect(zipped.data.zipped).toHaveLength(300);
    expect(http.stats.requests).toBe(2);
  });

  it('answers a 304 from the validator store', async () => {
    const validators = memoryValidatorStore();
    const { http } = client({ validators });
    const first = await http.get(`${server.url}/json?n=7`);
    const second = await http.get(`${server.url}/json?n=7`);
    expect(first.notModified).toBe(false);
    expect(second.notModified).toBe(true);
    expect(second.json()).toEqual({ ok: true, n: 7 });
    expect(http.stats.notModified).toBe(1);
  });

  it('hands over the bytes received and the declared charset, also when answered 304', async () => {
    const validators = memoryValidatorStore();
    const { http } = client({ validators });
    const first = await http.get(`${server.url}/latin1`);
    const second = await http.get(`${server.url}/latin1`);
    const bytes = Buffer.from('<p>Not\xedcias \x96 caf\xe9</p>', 'latin1');
    expect(first.body.equals(bytes)).toBe(true);
    expect(second.notModified).toBe(true);
    expect(second.body.equals(bytes)).toBe(true);
    expect(second.charset).toBe('iso-8859-1');
    // ISO-8859-1 is read as windows-1252 (WHATWG): 0x96 is an en dash.
    expect(second.text()).toBe('<p>Not\u00edcias \u2013 caf\u00e9</p>');
  });

  it('keeps the Link and Content-Type of a body answered 304, which need not repeat them', async () => {
    const validators = memoryValidatorStore();
    const { http } = client({ validators });
    const first = await http.get(`${server.url}/paged`);
    const second = await http.get(`${server.url}/paged`);
    expect(second.notModified).toBe(true);
    expect(server.requests.at(-1)!.headers['if-none-match']).toBeDefined();
    expect(second.headers.link).toBe(first.headers.link);
    expect(second.headers['content-type']).toBe(first.headers['content-type']);
    expect(second.json()).toEqual([1, 2]);
  });

  it('reports a truncated gzip body clearly', async () => {
    server.fault({ path: '/gzip', reply: { body: JSON.stringify({ a: 'b'.repeat(5000) }), truncateGzip: true } });
    const { http } = client();
    await expect(http.get(`${server.url}/gzip`)).rejects.toThrow(/truncated gzip body/);
  });

  it('times out a hanging upstream after retrying', async () => {
    server.fault({ path: '/json', times: 2, reply: { hang: true } });
    const { http } = client({ timeoutMs: 150, maxRetries: 1 });
    const error = await http.get(`${server.url}/json`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).kind).toBe('timeout');
    expect((error as Error).message).toContain('/json');
    expect(http.stats.retries).toBe(1);
  });

  it('aborts a body past the size cap without reading it all', async () => {
    server.fault({ path: '/json', reply: { streamBytes: 50 * 1024 * 1024 } });
    const { http } = client();
    const started = Date.now();
    await expect(http.get(`${server.url}/json`)).rejects.toThrow(/exceeds the 10485760-byte limit/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('retries 5xx with backoff, then succeeds', async () => {
    server.fault({ path: '/json', times: 2, reply: { status: 503, body: 'busy' } });
    const { http, clock } = client();
    const { data } = await http.getJson<{ ok: boolean }>(`${server.url}/json`);
    expect(data.ok).toBe(true);
    expect(http.stats.retries).toBe(2);
    expect(clock.sleeps).toEqual([750, 1250]);
  });

  it('gives up after bounded retries with the status in the message', async () => {
    server.fault({ path: '/json', times: 10, reply: { status: 500, body: 'boom' } });
    const { http } = client({ maxRetries: 2 });
    await expect(http.get(`${server.url}/json`)).rejects.toThrow(/HTTP 500: boom/);
    server.clearFaults();
  });

  it('waits for retry-after on 429 and for x-ratelimit-reset on 403', async () => {
    const { http, clock } = client();
    server.fault({ path: '/json', reply: { status: 429, headers: { 'retry-after': '3' }, body: 'slow down' } });
    await http.get(`${server.url}/json`);
    expect(clock.sleeps).toEqual([3000]);
    const reset = Math.floor(clock.now() / 1000) + 20;
    server.fault({
      path: '/json',
      reply: { status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) }, json: { message: 'API rate limit exceeded' } },
    });
    await http.get(`${server.url}/json`);
    expect(http.stats.rateLimitedWaits).toBe(2);
    expect(clock.sleeps[1]).toBeGreaterThanOrEqual(20_000);
  });

  it('stops with a rate-limit error when the reset is too far away', async () => {
    const { http, clock } = client({ maxRateLimitWaitMs: 60_000 });
    const reset = Math.floor(clock.now() / 1000) + 3600;
    server.fault({
      path: '/json',
      reply: { status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) }, json: { message: 'API rate limit exceeded' } },
    });
    const error = await http.get(`${server.url}/json`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).resetAt?.getTime()).toBeGreaterThan(clock.now());
    expect(clock.sleeps).toEqual([]);
  });

  it('waits a minute for a secondary rate limit', async () => {
    const { http, clock } = client();
    server.fault({ path: '/json', reply: { status: 403, json: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' } } });
    await http.get(`${server.url}/json`);
    expect(clock.sleeps).toEqual([60_000]);
  });

  it('holds requests to a host paused by the caller', async () => {
    const { http, clock } = client();
    http.pauseHost(server.url, 5000);
    await http.get(`${server.url}/json`);
    expect(clock.sleeps).toEqual([5000]);
  });

  it('reports malformed JSON as a decode error naming the URL', async () => {
    server.fault({ path: '/json', reply: { body: '{"items": [', headers: { 'content-type': 'application/json' } } });
    const { http } = client();
    await expect(http.getJson(`${server.url}/json`)).rejects.toThrow(/\/json: malformed JSON/);
  });

  it('does not send credentials across origins on redirect', async () => {
    const { http } = client();
    const res = await http.getJson<{ authorization: string | null }>(`${server.url}/auth-echo`, { headers: { authorization: 'token secret' } });
    expect(res.data.authorization).toBe('token secret');
  });
});

describe('SSRF guard for user URLs', () => {
  it('refuses loopback unless allowed', async () => {
    const { http } = client();
    await expect(http.get(`${server.url}/json`, { untrusted: true })).rejects.toThrow(/refusing 127\.0\.0\.1: address 127\.0\.0\.1 is private/);
    const allowed = client({ allowPrivateAddresses: ['127.0.0.1/8'] }).http;
    await expect(allowed.get(`${server.url}/json`, { untrusted: true })).resolves.toMatchObject({ status: 200 });
  });

  it('re-checks every redirect', async () => {
    const { http } = client({ allowPrivateAddresses: ['127.0.0.1/32'] });
    await expect(http.get(`${server.url}/redirect-local`, { untrusted: true })).resolves.toMatchObject({ url: `${server.url}/json` });
    await expect(http.get(`${server.url}/redirect-metadata`, { untrusted: true })).rejects.toThrow(/169\.254\.169\.254/);
    await expect(http.get(`${server.url}/redirect-loop`, { untrusted: true })).rejects.toThrow(/more than 5 redirects/);
  });

  it('refuses other schemes, credentials in URLs and hosts resolving to private addresses', async () => {
    const resolver = async (host: string) => (host === 'rebind.example' ? [{ address: '93.184.216.34', family: 4 }, { address: '10.0.0.5', family: 4 }] : []);
    const { http } = client({ resolver });
    await expect(http.get('file:///etc/passwd', { untrusted: true })).rejects.toThrow(/only http and https/);
    await expect(http.get('http://user:pw@example.com/', { untrusted: true })).rejects.toThrow(/credentials/);
    await expect(http.get('http://rebind.example/feed', { untrusted: true })).rejects.toThrow(/10\.0\.0\.5/);
    await expect(http.get('http://[fd00:ec2::254]/', { untrusted: true })).rejects.toThrow(/private/);
  });

  it('classifies addresses', () => {
    const none = buildAllowList([]);
    for (const address of ['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::', 'fe80::1', 'fc00::1', 'fd00:ec2::254', '::ffff:127.0.0.1', '::ffff:a00:1']) {
      expect(addressRefusal(address, none), address).not.toBeNull();
    }
    for (const address of ['93.184.216.34', '2606:4700::1111', '172.32.0.1']) {
      expect(addressRefusal(address, none), address).toBeNull();
    }
  });
});

describe('recording and replay', () => {
  it('records responses without secrets and replays them offline', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'ambassador-rec-'));
    const recorder = client({ recordDir: dir }).http;
    await recorder.get(`${server.url}/json?n=3&access_token=abc123`, { headers: { authorization: 'token abc123' } });
    const [file] = await readdir(dir);
    const text = await readFile(path.join(dir, file!), 'utf8');
    expect(text).not.toContain('abc123');
    const replayer = client({ replayDir: dir }).http;
    const replayed = await replayer.getJson<{ n: number }>(`${server.url}/json?n=3&access_token=abc123`);
    expect(replayed.data.n).toBe(3);
    expect(replayer.stats.requests).toBe(0);
    await rm(dir, { recursive: true, force: true });
  });
});
