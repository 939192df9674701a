// A loopback HTTP server for tests: routes handled by a function, every request counted,
// ETag/If-None-Match answered with 304, gzip on request, and faults injected per path:
// a status, a hang, a reset connection, a truncated gzip body, or an oversized stream.

import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
}

export interface FakeReply {
  status?: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Serialised as JSON with content-type application/json. */
  json?: unknown;
  /** Compress the body with gzip (and say so in content-encoding). */
  gzip?: boolean;
  /** Send only the first half of the gzip body, then end the response normally. */
  truncateGzip?: boolean;
  /** Never answer. */
  hang?: boolean;
  /** Destroy the socket without answering. */
  reset?: boolean;
  /** Stream this many bytes of filler without content-length. */
  streamBytes?: number;
  /** Turn off the automatic ETag for this reply. */
  noEtag?: boolean;
}

export type FakeHandler = (request: FakeRequest) => FakeReply | Promise<FakeReply>;

export interface Fault {
  /** Path prefix or pattern the fault applies to. */
  path: string | RegExp;
  /** How many requests it answers before the route works again (default 1). */
  times?: number;
  reply: FakeReply;
}

export interface FakeServer {
  /** e.g. http://127.0.0.1:43125 */
  url: string;
  requests: FakeRequest[];
  count(path: string | RegExp): number;
  fault(fault: Fault): void;
  clearFaults(): void;
  close(): Promise<void>;
}

function matches(pattern: string | RegExp, path: string): boolean {
  return typeof pattern === 'string' ? path.startsWith(pattern) : pattern.test(path);
}

export async function startFakeServer(handler: FakeHandler): Promise<FakeServer> {
  const requests: FakeRequest[] = [];
  const faults: Required<Fault>[] = [];
  const sockets = new Set<import('node:net').Socket>();

  const server = http.createServer(async (req, res) => {
    const parsed = new URL(req.url ?? '/', 'http://fake.invalid');
    const request: FakeRequest = { method: req.method ?? 'GET', path: parsed.pathname, query: parsed.searchParams, headers: req.headers };
    requests.push(request);
    const pathWithQuery = parsed.pathname + parsed.search;
    const faultIndex = faults.findIndex((fault) => matches(fault.path, pathWithQuery));
    let reply: FakeReply;
    if (faultIndex >= 0) {
      const fault = faults[faultIndex]!;
      reply = fault.reply;
      fault.times -= 1;
      if (fault.times <= 0) faults.splice(faultIndex, 1);
    } else {
      try {
        reply = await handler(request);
      } catch (error) {
        reply = { status: 500, body: `fake server handler failed: ${(error as Error).message}` };
      }
    }
    send(req, res, reply);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    count: (path) => requests.filter((r) => matches(path, r.path + (r.query.size ? `?${r.query}` : ''))).length,
    fault: (fault) => faults.push({ times: 1, ...fault }),
    clearFaults: () => faults.splice(0, faults.length),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function send(req: http.IncomingMessage, res: http.ServerResponse, reply: FakeReply): void {
  if (reply.hang) return;
  if (reply.reset) {
    req.socket.destroy();
    return;
  }
  const status = reply.status ?? 200;
  const headers: Record<string, string> = { ...reply.headers };
  if (reply.streamBytes !== undefined) {
    res.writeHead(status, { 'content-type': 'application/octet-stream', ...headers });
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let sent = 0;
    const pump = () => {
      while (sent < reply.streamBytes!) {
        sent += chunk.length;
        if (!res.write(chunk)) {
          res.once('drain', pump);
          return;
        }
      }
      res.end();
    };
    res.on('close', () => (sent = Infinity));
    pump();
    return;
  }
  let body: Buffer;
  if (reply.json !== undefined) {
    body = Buffer.from(JSON.stringify(reply.json));
    headers['content-type'] ??= 'application/json; charset=utf-8';
  } else {
    body = typeof reply.body === 'string' ? Buffer.from(reply.body) : (reply.body ?? Buffer.alloc(0));
  }
  if (status === 200 && !reply.noEtag && !headers.etag) {
    headers.etag = `"${createHash('sha1').update(body).digest('hex').slice(0, 16)}"`;
  }
  if (status === 200 && headers.etag && req.headers['if-none-match'] === headers.etag) {
    const { etag } = headers;
    res.writeHead(304, { etag: etag!, ...pick(headers, /^x-ratelimit/) });
    res.end();
    return;
  }
  if (reply.gzip || reply.truncateGzip) {
    body = gzipSync(body);
    if (reply.truncateGzip) body = body.subarray(0, Math.floor(body.length / 2));
    headers['content-encoding'] = 'gzip';
  }
  headers['content-length'] = String(body.length);
  res.writeHead(status, headers);
  res.end(body);
}

function pick(headers: Record<string, string>, pattern: RegExp): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => pattern.test(name)));
}

/** A clock whose sleep returns at once and advances time, recording each wait. */
export function fakeClock(startMs = Date.parse('2026-01-15T12:00:00Z')) {
  let now = startMs;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    advance: (ms: number) => {
      now += ms;
    },
  };
}
