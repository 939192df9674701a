// GH Archive backfill reader against plain gunzip: over the same hourly .json.gz files (more
// than 1 GB of JSON shaped like the real archive, generated once and cached in the temp
// folder), the reader's throughput as a ratio to streaming the files through createGunzip
// and discarding the output, and the reader's peak RSS. Each pass runs in a fresh child
// process (this file, started with --gunzip or --reader), so neither the generator's memory
// nor the other pass's heap counts.
import { execFile } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createGzip, createGunzip } from 'node:zlib';
import { readGhArchiveFile } from '../src/sources/gharchive.js';
import { repoPatternMatcher } from '../src/sources/github-contributions.js';
import { githubSettingsSchema } from '../src/sources/github.js';
import { ArchiveGenerator, type HourTally } from './gharchive-events.js';

const VERSION = 'v1';
const TARGET_BYTES = Number(process.env.BENCH_GHARCHIVE_BYTES ?? 1.1e9);
const TRACKED_PEOPLE = 250;
/** One event in this many is a tracked person's (about 40 per 150k-event hour). */
const TRACKED_EVERY = 4000;
const PASSES = 3;
const HOURS = [
  ...Array.from({ length: 10 }, (_, h) => ({ name: `2025-09-30-${h}.json.gz`, at: `2025-09-30T${String(h).padStart(2, '0')}:15:00Z`, slim: false })),
  ...Array.from({ length: 2 }, (_, h) => ({ name: `2025-10-08-${h}.json.gz`, at: `2025-10-08T${String(h).padStart(2, '0')}:15:00Z`, slim: true })),
];

interface Manifest {
  version: string;
  files: string[];
  uncompressedBytes: number;
  compressedBytes: number;
  tracked: string[];
  expected: HourTally;
}

interface PassResult {
  ms: number;
  maxRssMb: number;
  uncompressedBytes?: number;
  contributions?: number;
  discoveries?: number;
}

const cacheDir = () => path.join(tmpdir(), `ambassador-bench-gharchive-${VERSION}-${Math.round(TARGET_BYTES / 1e6)}mb`);

async function writeHour(file: string, at: string, slim: boolean, bytes: number, generator: ArchiveGenerator, tally: HourTally): Promise<void> {
  const gzip = createGzip({ level: 6 });
  const done = new Promise<void>((resolve, reject) => {
    gzip.pipe(createWriteStream(file)).on('finish', resolve).on('error', reject);
    gzip.on('error', reject);
  });
  let written = 0;
  while (written < bytes) {
    const lines: string[] = [];
    for (let size = 0; size < 1 << 20; ) {
      const line = generator.line(at, slim, TRACKED_EVERY, tally);
      lines.push(line);
      size += line.length + 1;
    }
    const chunk = `${lines.join('\n')}\n`;
    written += Buffer.byteLength(chunk);
    if (!gzip.write(chunk)) await new Promise((resolve) => gzip.once('drain', resolve));
  }
  gzip.end();
  await done;
}

/** The archive files, generated on first use (generation is not measured). */
async function ensureArchive(): Promise<{ dir: string; manifest: Manifest }> {
  const dir = cacheDir();
  const manifestPath = path.join(dir, 'manifest.json');
  if (existsSync(manifestPath)) {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
    if (manifest.version === VERSION) return { dir, manifest };
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const tracked = ArchiveGenerator.trackedLogins(7, TRACKED_PEOPLE);
  const generator = new ArchiveGenerator(42, tracked);
  const expected: HourTally = { contributions: 0, discoveries: 0 };
  console.log(`generating ${(TARGET_BYTES / 1e9).toFixed(1)} GB of archive events in ${dir} (once)…`);
  for (const hour of HOURS) {
    await writeHour(path.join(dir, hour.name), hour.at, hour.slim, TARGET_BYTES / HOURS.length, generator, expected);
  }
  const files = HOURS.map((hour) => hour.name);
  const compressedBytes = files.reduce((sum, name) => sum + statSync(path.join(dir, name)).size, 0);
  const manifest: Manifest = { version: VERSION, files, uncompressedBytes: 0, compressedBytes, tracked, expected };
  manifest.uncompressedBytes = (await gunzipPass(dir, manifest)).uncompressedBytes!;
  writeFileSync(manifestPath, JSON.stringify(manifest));
  return { dir, manifest };
}

async function gunzipPass(dir: string, manifest: Manifest): Promise<PassResult> {
  const start = process.hrtime.bigint();
  let bytes = 0;
  for (const name of manifest.files) {
    // The same read and inflate chunk sizes as the reader: only the reader's own work differs.
    const gunzip = createReadStream(path.join(dir, name), { highWaterMark: 256 * 1024 }).pipe(createGunzip({ chunkSize: 128 * 1024 }));
    for await (const chunk of gunzip as AsyncIterable<Buffer>) bytes += chunk.length;
  }
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, maxRssMb: process.resourceUsage().maxRSS / 1024, uncompressedBytes: bytes };
}

async function readerPass(dir: string, manifest: Manifest): Promise<PassResult> {
  const settings = githubSettingsSchema.parse({});
  const options = {
    logins: new Map(manifest.tracked.map((login, index) => [login.toLowerCase(), index + 1])),
    isRelevantRepo: repoPatternMatcher([...settings.repositories, ...settings.documentationRepositories]),
    isDocumentationRepo: repoPatternMatcher(settings.documentationRepositories),
  };
  const start = process.hrtime.bigint();
  let contributions = 0;
  let discoveries = 0;
  for (const name of manifest.files) {
    const result = await readGhArchiveFile(path.join(dir, name), options);
    contributions += result.contributions.length;
    discoveries += result.discoveries.length;
  }
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, maxRssMb: process.resourceUsage().maxRSS / 1024, contributions, discoveries };
}

async function pass(mode: '--gunzip' | '--reader', dir: string): Promise<PassResult> {
  const { stdout } = await promisify(execFile)(process.execPath, [fileURLToPath(import.meta.url), mode, dir], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout) as PassResult;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function run(): Promise<void> {
  const { dir, manifest } = await ensureArchive();
  const gunzip: PassResult[] = [];
  const reader: PassResult[] = [];
  for (let i = 0; i < PASSES; i += 1) {
    gunzip.push(await pass('--gunzip', dir));
    reader.push(await pass('--reader', dir));
  }
  const found = reader[0]!;
  if (found.contributions !== manifest.expected.contributions || found.discoveries !== manifest.expected.discoveries) {
    throw new Error(`the reader found ${found.contributions} contributions and ${found.discoveries} discoveries; expected ${JSON.stringify(manifest.expected)}`);
  }
  const mb = manifest.uncompressedBytes / 1e6;
  const gunzipMs = median(gunzip.map((r) => r.ms));
  const readerMs = median(reader.map((r) => r.ms));
  const ratio = gunzipMs / readerMs;
  const peakRss = Math.max(...reader.map((r) => r.maxRssMb));
  console.log(`\nGH Archive reader: ${manifest.files.length} hourly files, ${mb.toFixed(0)} MB of JSON (${(manifest.compressedBytes / 1e6).toFixed(0)} MB gzipped), ${manifest.tracked.length} tracked people, median of ${PASSES} passes`);
  console.log(`  baseline: gunzip only (createGunzip, output discarded): ${(mb / (gunzipMs / 1000)).toFixed(0)} MB/s, peak RSS ${Math.max(...gunzip.map((r) => r.maxRssMb)).toFixed(0)} MB`);
  console.log(`  readGhArchive (prefilter, parse, map):                 ${(mb / (readerMs / 1000)).toFixed(0)} MB/s = ${ratio.toFixed(2)} x baseline throughput (goal >= 0.70)`);
  console.log(`  reader peak RSS: ${peakRss.toFixed(0)} MB (goal < 300 MB); found ${found.contributions} contributions and ${found.discoveries} discoveries, as generated`);
}

const invokedAs = process.argv[1] ? path.resolve(process.argv[1]) : '';
if (invokedAs === fileURLToPath(import.meta.url)) {
  const [mode, dir] = process.argv.slice(2);
  const manifest = JSON.parse(readFileSync(path.join(dir!, 'manifest.json'), 'utf8')) as Manifest;
  const result = mode === '--gunzip' ? await gunzipPass(dir!, manifest) : await readerPass(dir!, manifest);
  process.stdout.write(JSON.stringify(result));
}
