// One HTTP exchange over node:http(s): connect (to a pinned, checked address when the URL came
// from a user), send a GET, stream the body with a byte cap, decode gzip/deflate and enforce a
// deadline over the whole exchange. No redirects, retries or rate limits here: http.ts decides
// those. Using node:http rather than fetch gives us the `lookup` hook that pins the address.

import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import zlib from 'node:zlib';
import { HttpError } from './http-errors.js';

export interface ExchangeRequest {
  url: URL;
  headers: Record<string, string>;
  timeoutMs: number;
  maxBytes: number;
  /** When set, connect to this address instead of resolving the host again. */
  pinnedAddress?: { address: string; family: 4 | 6 };
}

export interface ExchangeResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

function flattenHeaders(raw: http.IncomingHttpHeaders): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function pinnedLookup(address: string, family: 4 | 6): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) {
      (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address, family }]);
    } else {
      callback(null, address, family);
    }
  };
}

function decoderFor(encoding: string | undefined): zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | null {
  switch ((encoding ?? '').trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip();
    case 'deflate':
      return zlib.createInflate();
    case 'br':
      return zlib.createBrotliDecompress();
    default:
      return null;
  }
}

/** Performs one GET. Resolves with any status; rejects with an HttpError on transport failures. */
export function exchange(request: ExchangeRequest): Promise<ExchangeResponse> {
  const { url, timeoutMs, maxBytes } = request;
  const href = url.toString();
  return new Promise<ExchangeResponse>((resolve, reject) => {
    let settled = false;
    const finish = (error: HttpError | null, response?: ExchangeResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      if (error) {
        req.destroy();
        reject(error);
      } else resolve(response!);
    };
    const transport = url.protocol === 'https:' ? https : http;
    const req = transport.request(url, {
      method: 'GET',
      headers: request.headers,
      agent: false,
      ...(request.pinnedAddress ? { lookup: pinnedLookup(request.pinnedAddress.address, request.pinnedAddress.family) } : {}),
    });
    const deadline = setTimeout(() => finish(new HttpError('timeout', href, `no complete response within ${timeoutMs} ms`)), timeoutMs);
    req.on('error', (error: NodeJS.ErrnoException) => {
      finish(new HttpError('network', href, `network error: ${error.code ?? error.message}`, { cause: error }));
    });
    req.on('response', (res) => {
      const headers = flattenHeaders(res.headers);
      const status = res.statusCode ?? 0;
      const declared = Number(headers['content-length']);
      if (Number.isFinite(declared) && declared > maxBytes) {
        res.destroy();
        finish(new HttpError('too-large', href, `response of ${declared} bytes exceeds the ${maxBytes}-byte limit`, { status }));
        return;
      }
      const decoder = status === 304 || status === 204 ? null : decoderFor(headers['content-encoding']);
      const stream: NodeJS.ReadableStream = decoder ? res.pipe(decoder) : res;
      const chunks: Buffer[] = [];
      let received = 0;
      let rawReceived = 0;
      res.on('data', (chunk: Buffer) => {
        rawReceived += chunk.length;
        if (rawReceived > maxBytes) {
          finish(new HttpError('too-large', href, `response exceeds the ${maxBytes}-byte limit`, { status }));
          res.destroy();
        }
      });
      stream.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > maxBytes) {
          finish(new HttpError('too-large', href, `decoded response exceeds the ${maxBytes}-byte limit`, { status }));
          res.destroy();
          return;
        }
        chunks.push(chunk);
      });
      res.on('aborted', () => finish(new HttpError('network', href, 'connection closed before the body was complete', { status })));
      res.on('error', (error) => finish(new HttpError('network', href, `body read failed: ${error.message}`, { status, cause: error })));
      if (decoder) {
        decoder.on('error', (error: NodeJS.ErrnoException) => {
          const truncated = error.code === 'Z_BUF_ERROR' || /unexpected end/i.test(error.message);
          const detail = truncated
            ? `truncated ${headers['content-encoding']} body (the compressed stream ended early)`
            : `corrupt ${headers['content-encoding']} body: ${error.message}`;
          finish(new HttpError('decode', href, detail, { status, cause: error }));
        });
      }
      stream.on('end', () => {
        if (!res.complete) {
          finish(new HttpError('network', href, 'connection closed before the body was complete', { status }));
          return;
        }
        delete headers['content-encoding'];
        finish(null, { status, headers, body: Buffer.concat(chunks) });
      });
    });
    req.end();
  });
}
