// GitHub history from GH Archive hourly files, for the years the live source cannot reach.
// Each file is streamed (never held whole) and what it yields for the linked GitHub
// identities is stored as it is read, in transactions of at most STORE_EVERY contributions,
// under the live source's own (source, externalId) keys: running the backfill and the live
// sync in any order, any number of times, never counts a piece of work twice. Slim events
// (since 2025-10-07) and award-labelled merges are looked up through REST with the live
// source's functions once all files are read; repositories outside the tracked patterns count
// when the live source's classifier calls them Magento work. A file that cannot be read is
// reported and skipped; every run is recorded in sync_runs as source 'gharchive'.
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ProgramConfig } from '../domain/config-schema.js';
import type { LinkedIdentity, NormalizedContribution } from '../sources/contract.js';
import { asSourceError } from '../sources/context.js';
import { readGhArchiveFile, type GhArchiveDiscovery } from '../sources/gharchive.js';
import { githubApi, type GithubApi } from '../sources/github-api.js';
import type { RepoVerdict } from '../sources/github-repos.js';
import { githubSettingsSchema, type GithubSettings } from '../sources/github.js';
import type { HttpClientOptions } from '../sources/http.js';
import type { Store } from '../store/db.js';
import { UserError } from '../store/errors.js';
import { finishRun, linkedIdentities, loadCursor, sourcesHttpClient, startRun, storeBatch, type RunRecord } from './engine.js';
import { lookupKey, repositoryJudge, resolveTarget, type LookupTarget, type RepositoryJudge } from './backfill-github.js';
import { parseSourcesSettings } from './settings.js';

export const BACKFILL_SOURCE = 'gharchive';
/** Contributions per transaction: bounds memory and the work a crash replays. */
const STORE_EVERY = 500;

export interface BackfillProgress {
  phase: 'reading' | 'resolving';
  /** Compressed bytes read across all files, or pull requests and issues looked up. */
  done: number;
  total: number;
}

export interface BackfillOptions {
  onProgress?: (progress: BackfillProgress) => void;
  /** Overrides for the HTTP client (tests pass a fake clock). */
  http?: Partial<HttpClientOptions>;
  now?: Date;
}

export interface ArchiveFile {
  path: string;
  bytes: number;
}

export interface ArchiveFileOutcome {
  file: string;
  status: 'ok' | 'failed';
  /** Contributions found in the file (before the ones already stored by this run). */
  contributions: number;
  /** Slim events pointing at work to look up. */
  discoveries: number;
  parsedLines: number;
  malformedLines: number;
  skippedLongLines: number;
  error: string | null;
}

export interface BackfillSummary {
  run: RunRecord;
  files: ArchiveFileOutcome[];
  /** Pull requests and issues read through REST. */
  lookups: number;
  /** Repositories outside the tracked patterns classified through REST. */
  repositoriesChecked: number;
  /** Contributions left out because their repository could not be classified (REST failed). */
  unclassified: number;
}

interface Backfill {
  store: Store;
  config: ProgramConfig;
  github: GithubSettings;
  api: GithubApi;
  judge: RepositoryJudge;
  identities: Map<number, LinkedIdentity>;
  byLogin: Map<string, LinkedIdentity>;
  /** Lowercase login -> identityId, for the reader. */
  logins: Map<string, number>;
  /** externalIds stored by this run: the first sighting wins (the earliest review, as live). */
  stored: Set<string>;
  lookups: Map<string, LookupTarget>;
  summary: BackfillSummary;
  errors: string[];
  /** Set once GitHub's API fails (e.g. out of quota): no more requests in this run. */
  restFailed: boolean;
}

/** The .json.gz files named, directories expanded, in time order (hours sort as numbers). */
export async function archiveFiles(paths: readonly string[]): Promise<ArchiveFile[]> {
  const files = new Map<string, number>();
  for (const given of paths) {
    const info = await stat(given).catch(() => null);
    if (!info) throw new UserError(`no such file or directory: ${given}`);
    if (!info.isDirectory()) {
      files.set(path.resolve(given), info.size);
      continue;
    }
    for (const name of (await readdir(given)).filter((n) => n.endsWith('.json.gz'))) {
      const file = path.resolve(given, name);
      files.set(file, (await stat(file)).size);
    }
  }
  if (files.size === 0) throw new UserError(`no .json.gz files in ${paths.join(', ')}`);
  return [...files]
    .map(([file, bytes]) => ({ path: file, bytes }))
    .sort((a, b) => a.path.localeCompare(b.path, 'en', { numeric: true }));
}

export async function backfillGhArchive(store: Store, config: ProgramConfig, paths: readonly string[], options: BackfillOptions = {}): Promise<BackfillSummary> {
  const files = await archiveFiles(paths);
  const settings = parseSourcesSettings(config.sources);
  const { enabled: _enabled, ...githubSettings } = settings.github;
  const github = githubSettingsSchema.parse(githubSettings);
  const run = await startRun(store.db, BACKFILL_SOURCE, `${files.length} archive file${files.length === 1 ? '' : 's'}`);
  const http = sourcesHttpClient(store.db, settings, options.http);
  const summary: BackfillSummary = { run, files: [], lookups: 0, repositoriesChecked: 0, unclassified: 0 };
  const errors: string[] = [];
  let backfill: Backfill | undefined;
  try {
    backfill = await openBackfill(store, config, github, githubApi(http, github.baseUrl, github.token), summary, errors, options.now ?? new Date());
    await readFiles(backfill, files, options.onProgress);
    await resolveLookups(backfill, options.onProgress);
    // Verdicts reached without anything to store are kept too, for the next run.
    const cursor = { verdicts: backfill.judge.verdicts() };
    if (backfill.judge.checked > 0) await storeBatch(store.db, config, BACKFILL_SOURCE, { contributions: [], cursor }, backfill.identities, true);
  } catch (error) {
    errors.push(asSourceError(BACKFILL_SOURCE, error).message);
  }
  summary.repositoriesChecked = backfill?.judge.checked ?? 0;
  if (errors.length > 0) {
    run.status = 'failed';
    run.error = errors.join('; ').slice(0, 2000);
  }
  await finishRun(store.db, run, http.stats);
  return summary;
}

async function openBackfill(store: Store, config: ProgramConfig, github: GithubSettings, api: GithubApi, summary: BackfillSummary, errors: string[], now: Date): Promise<Backfill> {
  const identities = await linkedIdentities(store.db, ['github']);
  return {
    store, config, github, api, summary, errors, restFailed: false, stored: new Set(), lookups: new Map(),
    judge: repositoryJudge(api, github, await knownVerdicts(store), now),
    identities: new Map(identities.map((identity) => [identity.identityId, identity])),
    byLogin: new Map(identities.map((identity) => [identity.externalId.toLowerCase(), identity])),
    logins: new Map(identities.map((identity) => [identity.externalId.toLowerCase(), identity.identityId])),
  };
}

/** Repository verdicts of the live source and of earlier backfills, the newest of each. */
async function knownVerdicts(store: Store): Promise<Record<string, RepoVerdict>> {
  const live = ((await loadCursor(store.db, 'github'))?.verdicts ?? {}) as Record<string, RepoVerdict>;
  const earlier = ((await loadCursor(store.db, BACKFILL_SOURCE))?.verdicts ?? {}) as Record<string, RepoVerdict>;
  const merged = { ...live };
  for (const [repo, verdict] of Object.entries(earlier)) {
    if (!merged[repo] || merged[repo].checkedAt < verdict.checkedAt) merged[repo] = verdict;
  }
  return merged;
}

async function readFiles(backfill: Backfill, files: ArchiveFile[], onProgress: BackfillOptions['onProgress']): Promise<void> {
  const total = files.reduce((sum, file) => sum + file.bytes, 0);
  let before = 0;
  for (const file of files) {
    const report = (bytes: number) => onProgress?.({ phase: 'reading', done: before + Math.min(bytes, file.bytes), total });
    backfill.summary.files.push(await readFile(backfill, file, report));
    before += file.bytes;
    report(0);
  }
}

async function readFile(backfill: Backfill, file: ArchiveFile, onBytes: (bytes: number) => void): Promise<ArchiveFileOutcome> {
  const name = path.basename(file.path);
  let result;
  try {
    result = await readGhArchiveFile(file.path, {
      logins: backfill.logins,
      // Unknown repositories are read too and classified below, only where tracked people worked.
      isRelevantRepo: (repo) => backfill.judge.relevance(repo) !== 'irrelevant',
      isDocumentationRepo: backfill.judge.isDocumentation,
      onProgress: onBytes,
    });
  } catch (error) {
    const message = `${name}: ${(error as Error).message}`;
    backfill.errors.push(message);
    return { file: name, status: 'failed', contributions: 0, discoveries: 0, parsedLines: 0, malformedLines: 0, skippedLongLines: 0, error: message };
  }
  for (const discovery of result.discoveries) addLookup(backfill, discovery);
  const kept: NormalizedContribution[] = [];
  for (const found of result.contributions) {
    if (backfill.stored.has(found.externalId)) continue;
    if (awardLabelled(found, backfill.github)) {
      // Who applied an award label is not in the archive: read the merge as the live source does.
      addLookup(backfill, { kind: 'pullRequest', repo: String(found.metadata.repo), number: Number(found.metadata.number) });
    } else if (await counts(backfill, String(found.metadata.repo))) {
      kept.push(found);
    }
  }
  await store(backfill, kept);
  return {
    file: name, status: 'ok', contributions: result.contributions.length, discoveries: result.discoveries.length,
    parsedLines: result.parsed, malformedLines: result.malformedLines, skippedLongLines: result.skippedLongLines, error: null,
  };
}

function awardLabelled(found: NormalizedContribution, github: GithubSettings): boolean {
  const labels = Array.isArray(found.metadata.labels) ? (found.metadata.labels as unknown[]) : [];
  return found.externalId.startsWith('pr:') && labels.some((label) => String(label).startsWith(github.awardLabelPrefix));
}

function addLookup(backfill: Backfill, discovery: Pick<GhArchiveDiscovery, 'kind' | 'repo' | 'number'>): void {
  const kind = discovery.kind === 'issue' ? 'issue' : 'pullRequest';
  const key = lookupKey({ kind, repo: discovery.repo, number: discovery.number });
  const known = backfill.lookups.get(key);
  const reviews = discovery.kind === 'review' || (known?.reviews ?? false);
  backfill.lookups.set(key, { kind, repo: discovery.repo, number: discovery.number, reviews });
}

/** Whether work in `repo` counts; classifies it through REST when it is not known yet. */
async function counts(backfill: Backfill, repo: string): Promise<boolean> {
  const relevance = backfill.judge.relevance(repo);
  if (relevance !== 'unknown') return relevance === 'relevant';
  if (backfill.restFailed) {
    backfill.summary.unclassified += 1;
    return false;
  }
  try {
    return await backfill.judge.isMagento(repo);
  } catch (error) {
    restFailed(backfill, `classifying ${repo}`, error);
    backfill.summary.unclassified += 1;
    return false;
  }
}

function restFailed(backfill: Backfill, step: string, error: unknown): void {
  backfill.restFailed = true;
  backfill.errors.push(`${step}: ${(error as Error).message}`);
}

/** Stores contributions not yet stored by this run, STORE_EVERY per transaction, with the verdicts. */
async function store(backfill: Backfill, found: NormalizedContribution[]): Promise<void> {
  const fresh = found.filter((c) => !backfill.stored.has(c.externalId));
  for (let start = 0; start < fresh.length; start += STORE_EVERY) {
    const contributions = fresh.slice(start, start + STORE_EVERY);
    const batch = { contributions, cursor: { verdicts: backfill.judge.verdicts() } };
    const outcome = await storeBatch(backfill.store.db, backfill.config, BACKFILL_SOURCE, batch, backfill.identities, true);
    backfill.summary.run.itemsNew += outcome.inserted;
    backfill.summary.run.itemsUpdated += outcome.updated;
    backfill.summary.run.itemsUnchanged += outcome.unchanged;
    for (const c of contributions) backfill.stored.add(c.externalId);
  }
}

/** Looks up what the slim events and award labels pointed at, each pull request or issue once. */
async function resolveLookups(backfill: Backfill, onProgress: BackfillOptions['onProgress']): Promise<void> {
  const targets = [...backfill.lookups.values()];
  let found: NormalizedContribution[] = [];
  let done = 0;
  for (const target of targets) {
    onProgress?.({ phase: 'resolving', done, total: targets.length });
    if (backfill.restFailed) break;
    done += 1;
    if (!(await counts(backfill, target.repo))) continue;
    try {
      found.push(...(await resolveTarget(backfill.api, target, backfill.judge.isDocumentation(target.repo), backfill.github, backfill.byLogin)));
      backfill.summary.lookups += 1;
    } catch (error) {
      restFailed(backfill, `looking up ${target.repo}#${target.number}`, error);
    }
    if (found.length >= STORE_EVERY) {
      await store(backfill, found);
      found = [];
    }
  }
  await store(backfill, found);
  if (targets.length > 0) onProgress?.({ phase: 'resolving', done, total: targets.length });
}
