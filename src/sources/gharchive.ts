// A streaming reader of GH Archive hourly files (.json.gz, one event per line) for backfills:
// gunzip stream, line splitting with bounded memory whatever the file size, a prefilter on raw
// bytes (the event type from the line's head, then the logins it names) so that only the rare
// lines that can matter are decoded and parsed, and a progress callback with compressed bytes
// read (`npm run bench -- gharchive-throughput` measures it against gunzip alone). Keeps the
// events of given logins in relevant repositories and maps them to the same contributions (and
// externalIds) as the live GitHub source. Events since 2025-10-07 are slim: they are returned
// as discoveries for the GitHub source to resolve through REST.

import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { NormalizedContribution } from './contract.js';
import { COUNTED_REVIEW_STATES, isBot, issueReported, labelNames, pullRequestMerged, pullRequestReviewed } from './github-contributions.js';

export interface GhArchiveOptions {
  /** Lowercase login -> identityId. */
  logins: ReadonlyMap<string, number>;
  /** Tracked repositories and repositories already known to be Magento work. */
  isRelevantRepo: (repo: string) => boolean;
  isDocumentationRepo: (repo: string) => boolean;
  onProgress?: (compressedBytesRead: number) => void;
  /** Longest line accepted; longer lines are skipped (and counted), never buffered whole. */
  maxLineBytes?: number;
}

export interface GhArchiveDiscovery {
  kind: 'pullRequest' | 'review' | 'issue';
  repo: string;
  number: number;
  login: string;
  identityId: number;
  at: string;
}

export interface GhArchiveResult {
  contributions: NormalizedContribution[];
  /** Slim events: what to look up through REST. */
  discoveries: GhArchiveDiscovery[];
  /** Repositories outside the relevant set where a tracked login was active: candidates to classify. */
  otherRepos: Set<string>;
  /** Lines that passed the byte prefilter and were parsed. */
  parsed: number;
  skippedLongLines: number;
  malformedLines: number;
}

const TYPE_MARKERS = ['"type":"PullRequest', '"type":"IssuesEvent"'].map((m) => Buffer.from(m));
const LOGIN_KEY = Buffer.from('"login":"');
const QUOTE = 0x22;
const NEWLINE = 0x0a;
/** GitHub logins are at most 39 characters; '[bot]' accounts a few more. */
const LONGEST_LOGIN = 45;

type Json = Record<string, unknown>;
const obj = (value: unknown): Json | null => (value && typeof value === 'object' ? (value as Json) : null);
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Whether a line names one of the logins, read from its bytes (archive JSON is compact). */
function mentionsLogin(bytes: Buffer, start: number, end: number, logins: ReadonlyMap<string, number>): boolean {
  for (let at = bytes.indexOf(LOGIN_KEY, start); at !== -1 && at < end; ) {
    const from = at + LOGIN_KEY.length;
    const to = bytes.indexOf(QUOTE, from);
    if (to === -1) return false;
    if (to - from <= LONGEST_LOGIN && logins.has(bytes.toString('latin1', from, to).toLowerCase())) return true;
    at = bytes.indexOf(LOGIN_KEY, to);
  }
  return false;
}

/** How archive lines begin: the event's id, then its type. */
const LINE_HEAD = /^\{"id":"\d+","type":"/;

/** Whether a line holds an event type the reader maps, judged from its first bytes. */
function interestingType(bytes: Buffer, start: number, end: number): boolean {
  const head = bytes.toString('latin1', start, Math.min(end, start + 80));
  const layout = LINE_HEAD.exec(head);
  if (layout) return head.startsWith('PullRequest', layout[0].length) || head.startsWith('IssuesEvent"', layout[0].length);
  // Another field order: look for the type anywhere in the line.
  const line = bytes.subarray(start, end);
  return TYPE_MARKERS.some((marker) => line.includes(marker));
}

/** Calls `onLine` for each line in [from, end) holding an interesting event type, in order. */
function scanTypedLines(region: Buffer, from: number, end: number, onLine: (start: number, end: number) => void): void {
  // Newlines are found with memchr and the type read from each line's head: far cheaper than
  // searching every byte for the type markers.
  for (let start = from; start < end; ) {
    const newline = region.indexOf(NEWLINE, start);
    const lineEnd = newline === -1 || newline > end ? end : newline;
    if (lineEnd > start && interestingType(region, start, lineEnd)) onLine(start, lineEnd);
    start = lineEnd + 1;
  }
}

interface LineRegion {
  bytes: Buffer;
  from: number;
  /** Just past the last newline of the region. */
  end: number;
}

/**
 * Splits decompressed chunks into regions of whole lines without copying the chunks: only a
 * line cut by a chunk boundary is joined. A line longer than `maxLine` is dropped while it
 * streams past, so memory stays bounded whatever the file holds.
 */
async function* wholeLines(chunks: AsyncIterable<Buffer>, maxLine: number, onLongLine: () => void): AsyncGenerator<LineRegion> {
  let carried: Buffer[] = [];
  let carriedBytes = 0;
  let skipping = false;
  const carry = (piece: Buffer) => {
    carried.push(piece);
    carriedBytes += piece.length;
    if (carriedBytes <= maxLine) return;
    carried = [];
    carriedBytes = 0;
    skipping = true;
    onLongLine();
  };
  for await (const chunk of chunks) {
    let from = 0;
    if (skipping || carriedBytes > 0) {
      const newline = chunk.indexOf(NEWLINE);
      if (newline === -1) {
        if (!skipping) carry(chunk);
        continue;
      }
      if (!skipping) yield { bytes: Buffer.concat([...carried, chunk.subarray(0, newline + 1)]), from: 0, end: carriedBytes + newline + 1 };
      carried = [];
      carriedBytes = 0;
      skipping = false;
      from = newline + 1;
    }
    const last = chunk.lastIndexOf(NEWLINE);
    if (last >= from) {
      yield { bytes: chunk, from, end: last + 1 };
      from = last + 1;
    }
    if (from < chunk.length) carry(Buffer.from(chunk.subarray(from)));
  }
  if (carriedBytes > 0) yield { bytes: Buffer.concat([...carried, Buffer.from('\n')]), from: 0, end: carriedBytes + 1 };
}

/** Reads one hourly archive from a stream of gzip bytes. */
export async function readGhArchive(gzipped: Readable, options: GhArchiveOptions): Promise<GhArchiveResult> {
  const result: GhArchiveResult = { contributions: [], discoveries: [], otherRepos: new Set(), parsed: 0, skippedLongLines: 0, malformedLines: 0 };
  const found = new Map<string, NormalizedContribution>();
  let compressedBytes = 0;
  gzipped.on('data', (chunk: Buffer) => {
    compressedBytes += chunk.length;
    options.onProgress?.(compressedBytes);
  });
  // Work on bytes: only lines of an interesting type that name a tracked login are decoded.
  const handleLine = (bytes: Buffer, start: number, end: number) => {
    if (!mentionsLogin(bytes, start, end, options.logins)) return;
    let event: Json;
    try {
      event = JSON.parse(bytes.toString('utf8', start, end)) as Json;
    } catch {
      result.malformedLines += 1;
      return;
    }
    result.parsed += 1;
    mapEvent(event, options, result, found);
  };
  const gunzip = createGunzip({ chunkSize: 128 * 1024 });
  gzipped.pipe(gunzip);
  try {
    for await (const region of wholeLines(gunzip, options.maxLineBytes ?? 4 * 1024 * 1024, () => (result.skippedLongLines += 1))) {
      if (options.logins.size > 0) scanTypedLines(region.bytes, region.from, region.end, (start, end) => handleLine(region.bytes, start, end));
    }
  } catch (error) {
    const truncated = (error as NodeJS.ErrnoException).code === 'Z_BUF_ERROR';
    throw new Error(`gharchive: ${truncated ? 'truncated gzip archive' : `corrupt gzip archive: ${(error as Error).message}`} after ${compressedBytes} bytes`, { cause: error });
  }
  result.contributions = [...found.values()];
  return result;
}

/** Reads one hourly archive file. */
export function readGhArchiveFile(path: string, options: GhArchiveOptions): Promise<GhArchiveResult> {
  return readGhArchive(createReadStream(path, { highWaterMark: 256 * 1024 }), options);
}

function mapEvent(event: Json, options: GhArchiveOptions, result: GhArchiveResult, found: Map<string, NormalizedContribution>): void {
  const type = str(event.type);
  const repo = str(obj(event.repo)?.name)?.toLowerCase();
  const actor = str(obj(event.actor)?.login)?.toLowerCase();
  const payload = obj(event.payload);
  const at = str(event.created_at) ?? '';
  if (!repo || !payload) return;
  const relevant = options.isRelevantRepo(repo);
  const documentation = relevant && options.isDocumentationRepo(repo);
  const add = (c: NormalizedContribution) => {
    if (!found.has(c.externalId)) found.set(c.externalId, c);
  };
  const discover = (kind: GhArchiveDiscovery['kind'], number: number, login: string) => {
    const identityId = options.logins.get(login);
    if (identityId === undefined || !Number.isInteger(number)) return;
    if (!relevant) result.otherRepos.add(repo);
    else result.discoveries.push({ kind, repo, number, login, identityId, at });
  };

  if (type === 'PullRequestEvent') {
    const pr = obj(payload.pull_request);
    const number = Number(payload.number ?? pr?.number);
    const user = obj(pr?.user);
    const author = str(user?.login)?.toLowerCase();
    if (pr && typeof pr.merged === 'boolean' && author) {
      const identityId = options.logins.get(author);
      if (identityId === undefined || isBot({ login: author, type: str(user?.type) })) return;
      if (!relevant) return void result.otherRepos.add(repo);
      const mergedAt = str(pr.merged_at);
      if (payload.action === 'closed' && pr.merged && mergedAt) {
        add(pullRequestMerged({ repo, number, title: str(pr.title), url: str(pr.html_url), mergedAt, labels: labelNames(pr.labels as { name: string }[]), documentation }, identityId));
      }
    } else if (actor) {
      discover('pullRequest', number, actor);
    }
  } else if (type === 'PullRequestReviewEvent' && actor) {
    const review = obj(payload.review);
    const pr = obj(payload.pull_request);
    const number = Number(pr?.number ?? payload.number);
    const state = String(review?.state ?? '').toUpperCase();
    const identityId = options.logins.get(actor);
    if (identityId === undefined || !COUNTED_REVIEW_STATES.has(state)) return;
    const author = obj(pr?.user);
    if (!author) return discover('review', number, actor);
    if (!relevant) return void result.otherRepos.add(repo);
    if (str(author.login)?.toLowerCase() === actor || isBot({ login: str(author.login) ?? '', type: str(author.type) })) return;
    add(pullRequestReviewed({ repo, number, reviewer: actor, prTitle: str(pr?.title), url: str(review?.html_url), submittedAt: str(review?.submitted_at) ?? at, state, documentation }, identityId));
  } else if (type === 'IssuesEvent' && payload.action === 'opened') {
    const issue = obj(payload.issue);
    const number = Number(issue?.number ?? payload.number);
    const user = obj(issue?.user);
    const author = str(user?.login)?.toLowerCase();
    if (!issue || !author || !str(issue.title)) return actor ? discover('issue', number, actor) : undefined;
    const identityId = options.logins.get(author);
    if (identityId === undefined || issue.pull_request !== undefined) return;
    if (!relevant) return void result.otherRepos.add(repo);
    add(issueReported({ repo, number, title: str(issue.title), url: str(issue.html_url), createdAt: str(issue.created_at) ?? at, labels: labelNames(issue.labels as { name: string }[]) }, identityId));
  }
}
