// Raw-response recording and replay, in the manner of Perceval's archives: every response the
// HTTP client receives can be written to a directory as one JSON file, and a client can later
// be pointed at that directory to replay a run without the network. Recordings never hold
// secrets: Authorization and cookie headers are dropped and secret query parameters redacted.

import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { redactUrl } from './http-errors.js';

export interface RecordedResponse {
  url: string;
  finalUrl: string;
  status: number;
  headers: Record<string, string>;
  /** Base64, because bodies may be binary (gzip archives). */
  bodyBase64: string;
  recordedAt: string;
}

const UNRECORDED_HEADERS = new Set(['authorization', 'cookie', 'set-cookie', 'proxy-authorization']);

export function recordingKey(url: string): string {
  return createHash('sha256').update(redactUrl(url)).digest('hex').slice(0, 24);
}

export async function recordResponse(
  dir: string,
  url: string,
  finalUrl: string,
  status: number,
  headers: Record<string, string>,
  body: Buffer,
  now: Date,
): Promise<void> {
  await mkdir(dir, { recursive: true });
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!UNRECORDED_HEADERS.has(name.toLowerCase())) kept[name] = value;
  }
  const record: RecordedResponse = {
    url: redactUrl(url),
    finalUrl: redactUrl(finalUrl),
    status,
    headers: kept,
    bodyBase64: body.toString('base64'),
    recordedAt: now.toISOString(),
  };
  await writeFile(path.join(dir, `${recordingKey(url)}.json`), JSON.stringify(record));
}

/** Loads every recording in a directory, keyed like `recordingKey`. */
export async function loadRecordings(dir: string): Promise<Map<string, RecordedResponse>> {
  const recordings = new Map<string, RecordedResponse>();
  for (const name of await readdir(dir)) {
    if (!name.endsWith('.json')) continue;
    const record = JSON.parse(await readFile(path.join(dir, name), 'utf8')) as RecordedResponse;
    recordings.set(name.slice(0, -'.json'.length), record);
  }
  return recordings;
}
