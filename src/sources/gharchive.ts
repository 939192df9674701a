// A streaming reader of GH Archive hourly files (.json.gz, one event per line) for backfills:
// gunzip stream, line splitting with bounded memory whatever the file size, a cheap substring
// prefilter before JSON.parse, and a progress callback with compressed bytes read. Keeps the
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
  /** Lines that passed the substring prefilter and were parsed. */
  parsed: number;
  skippedLongLines: number;
  malformedLines: number;
}

const TYPE_MARKERS = ['"type":"PullRequest', '"type":"IssuesEvent"'].map((m) => Buffer.from(m));

type Json = Record<string, unknown>;
const obj = (value: unknown): Json | null => (value && typeof value === 'object' ? (value as Json) : null);
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function loginPattern(logins: ReadonlyMap<string, number>): RegExp | null {
  if (logins.size === 0) return null;
  const alternatives = [...logins.keys()].map((l) => l.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  return new RegExp(`"login":"(?:${alternatives})"`, 'i');
}

/** Reads one hourly archive from a stream of gzip bytes. */
export async function readGhArchive(gzipped: Readable, options: GhArchiveOptions): Promise<GhArchiveResult> {
  const result: GhArchiveResult = { contributions: [], discoveries: [], otherRepos: new Set(), parsed: 0, skippedLongLines: 0, malformedLines: 0 };
  const pattern = loginPattern(options.logins);
  const maxLine = options.maxLineBytes ?? 4 * 1024 * 1024;
  const found = new Map<string, NormalizedContribution>();
  let compressedBytes = 0;
  gzipped.on('data', (chunk: Buffer) => {
    compressedBytes += chunk.length;
    options.onProgress?.(compressedBytes);
  });
  // Work on bytes: only lines holding an interesting event type are ever decoded to strings.
  let pending: Buffer = Buffer.alloc(0);
  let skippingLongLine = false;

  const handleLine = (bytes: Buffer, start: number, end: number) => {
    if (!pattern) return;
    const line = bytes.toString('utf8', start, end);
    if (!pattern.test(line)) return;
    let event: Json;
    try {
      event = JSON.parse(line) as Json;
    } catch {
      result.malformedLines += 1;
      return;
    }
    result.parsed += 1;
    mapEvent(event, options, result, found);
  };

  const scan = (region: Buffer, end: number) => {
    const starts = new Set<number>();
    for (const marker of TYPE_MARKERS) {
      for (let hit = region.indexOf(marker, 0); hit !== -1 && hit < end; ) {
        const lineStart = region.lastIndexOf(10, hit) + 1;
        const lineEnd = region.indexOf(10, hit);
        starts.add(lineStart);
        hit = lineEnd === -1 ? -1 : region.indexOf(marker, lineEnd);
      }
    }
    for (const lineStart of [...starts].sort((a, b) => a - b)) {
      const lineEnd = region.indexOf(10, lineStart);
      handleLine(region, lineStart, lineEnd === -1 ? end : lineEnd);
    }
  };

  const gunzip = createGunzip({ chunkSize: 128 * 1024 });
  gzipped.pipe(gunzip);
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      let buffer = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
      if (skippingLongLine) {
        const nl = buffer.indexOf(10);
        if (nl === -1) continue;
        skippingLongLine = false;
        buffer = buffer.subarray(nl + 1);
      }
      const last = buffer.lastIndexOf(10);
      if (last === -1) {
        pending = buffer;
      } else {
        scan(buffer, last + 1);
        pending = Buffer.from(buffer.subarray(last + 1));
      }
      if (pending.length > maxLine) {
        pending = Buffer.alloc(0);
        skippingLongLine = true;
        result.skippedLongLines += 1;
      }
    }
  } catch (error) {
    const truncated = (error as NodeJS.ErrnoException).code === 'Z_BUF_ERROR';
    throw new Error(`gharchive: ${truncated ? 'truncated gzip archive' : `corrupt gzip archive: ${(error as Error).message}`} after ${compressedBytes} bytes`, { cause: error });
  }
  if (pending.length > 0 && !skippingLongLine) {
    const tail = Buffer.concat([pending, Buffer.from('\n')]);
    scan(tail, tail.length);
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
