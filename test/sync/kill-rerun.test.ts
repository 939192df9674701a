// A sync killed at any point, run again, stores exactly what an uninterrupted sync stores. For
// real: the built `ambassador sync` runs as a child process against the fakes of this process,
// which kill it with SIGKILL as their Nth request arrives (or a few milliseconds later, when it
// is storing what the request brought, or while it starts), on the embedded database (whose
// lock file the killed process leaves behind) and on PostgreSQL when it is reachable.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Engine, type Store } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { CLI } from '../cli/run-cli.js';
import { ENGINES, POSTGRES_URL } from '../support/engines.js';
import { linkCommunity, startWorld, storedRecords, type FakeWorld } from './fake-world.js';

const SIZE = { repositories: 4, answers: 150, extraFeeds: 3 };

interface KillPoint {
  /**
   * Kill as the child's Nth request reaches a fake; 0 kills it while it starts: once it holds
   * the embedded database's lock (on PostgreSQL, `delayMs` after the spawn).
   */
  afterRequests: number;
  /** Then wait this long: the child goes on storing what the previous request brought. */
  delayMs: number;
}

const KILL_POINTS: KillPoint[] = [
  { afterRequests: 0, delayMs: 700 },
  { afterRequests: 1, delayMs: 0 },
  { afterRequests: 6, delayMs: 15 },
  { afterRequests: 12, delayMs: 0 },
  { afterRequests: 18, delayMs: 30 },
  { afterRequests: 21, delayMs: 5 },
  { afterRequests: 24, delayMs: 0 },
];

interface Outcome {
  pid: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  requests: number;
}

let world: FakeWorld;
let root: string;
let configFile: string;
let requestsSoFar = 0;
let onRequest: ((count: number) => void) | null = null;

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error('build first: npm run build (npm test does it)');
  world = await startWorld(new Date(), SIZE);
  world.onRequest(() => {
    requestsSoFar += 1;
    onRequest?.(requestsSoFar);
  });
  root = mkdtempSync(path.join(tmpdir(), 'ambassador-kill-'));
  configFile = path.join(root, 'ambassador.config.yaml');
  // JSON is YAML.
  writeFileSync(configFile, JSON.stringify({ sources: world.sources() }, null, 2));
});
afterAll(async () => {
  await world.close();
  rmSync(root, { recursive: true, force: true });
});

/** Runs `ambassador sync --json`; with a kill point, SIGKILLs it there. */
function cliSync(env: Record<string, string>, kill?: KillPoint, lockFile?: string | null): Promise<Outcome> {
  const startedAt = requestsSoFar;
  const child = spawn(process.execPath, [CLI, '--config', configFile, 'sync', '--json'], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const killNow = () => setTimeout(() => child.kill('SIGKILL'), kill!.delayMs);
  if (kill && kill.afterRequests === 0) {
    if (!lockFile) killNow();
    else {
      const poll = setInterval(() => {
        if (child.exitCode !== null || child.signalCode !== null) clearInterval(poll);
        else if (existsSync(lockFile)) {
          clearInterval(poll);
          child.kill('SIGKILL');
        }
      }, 5);
    }
  }
  onRequest = (count) => {
    if (kill && count - startedAt === kill.afterRequests) killNow();
  };
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      onRequest = null;
      resolve({ pid: child.pid!, code, signal, stdout, stderr, requests: requestsSoFar - startedAt });
    });
  });
}

/** Where one scenario keeps its database, and how to read what it holds. */
interface Database {
  env: Record<string, string>;
  /** Opens the database; `aside` opens a copy of an embedded one, leaving its lock file be. */
  open(aside?: boolean): Promise<Store>;
  /** The lock file a killed embedded-database process leaves, if any. */
  lockFile: string | null;
  dispose(): Promise<void>;
}

async function prepared(engine: Engine, template: () => Promise<string>): Promise<Database> {
  if (engine === 'pglite') {
    const dir = path.join(root, `data-${randomBytes(4).toString('hex')}`);
    cpSync(await template(), dir, { recursive: true });
    return {
      env: { AMBASSADOR_DATA_DIR: dir },
      open: async (aside = false) => {
        if (!aside) return openStore({ dataDir: dir });
        const copy = `${dir}-aside`;
        rmSync(copy, { recursive: true, force: true });
        cpSync(dir, copy, { recursive: true });
        const store = await openStore({ dataDir: copy });
        return { ...store, close: async () => (await store.close(), rmSync(copy, { recursive: true, force: true })) };
      },
      lockFile: path.join(dir, 'ambassador.lock'),
      dispose: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const schema = `kill_${randomBytes(5).toString('hex')}`;
  const admin = await openStore({ databaseUrl: POSTGRES_URL, maxConnections: 1 });
  await sql`create schema ${sql.id(schema)}`.execute(admin.db);
  await admin.close();
  const open = () => openStore({ databaseUrl: POSTGRES_URL, schema, maxConnections: 2 });
  const store = await open();
  await migrate(store.db);
  await linkCommunity(store.db, world, SIZE);
  await store.close();
  const url = new URL(POSTGRES_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    env: { DATABASE_URL: url.toString() },
    open,
    lockFile: null,
    dispose: async () => {
      const cleanup = await openStore({ databaseUrl: POSTGRES_URL, maxConnections: 1 });
      await sql`drop schema ${sql.id(schema)} cascade`.execute(cleanup.db);
      await cleanup.close();
    },
  };
}

async function recordsIn(database: Database, aside = false): Promise<string[]> {
  const store = await database.open(aside);
  try {
    return await storedRecords(store.db);
  } finally {
    await store.close();
  }
}

/** Source and external id of each stored line. */
function keys(lines: string[]): string[] {
  return lines.map((line) => line.split(' ').slice(0, 2).join(' '));
}

function expectAllSourcesOk(outcome: Outcome): void {
  expect(outcome, outcome.stderr).toMatchObject({ code: 0, signal: null });
  const runs = JSON.parse(outcome.stdout) as { source: string; status: string; error: string | null }[];
  expect(runs.map((run) => [run.source, run.status, run.error])).toEqual([
    ['github', 'ok', null],
    ['stackexchange', 'ok', null],
    ['feeds', 'ok', null],
  ]);
}

describe.each(ENGINES)('a sync killed and run again, on %s', (engine) => {
  let templateDir: Promise<string> | undefined;
  /** A migrated embedded database with the community linked, copied for every scenario. */
  const template = () =>
    (templateDir ??= (async () => {
      const dir = path.join(root, `template-${engine}`);
      const store = await openStore({ dataDir: dir });
      await migrate(store.db);
      await linkCommunity(store.db, world, SIZE);
      await store.close();
      return dir;
    })());
  let reference: { records: string[]; requests: number };

  beforeAll(async () => {
    const database = await prepared(engine, template);
    const outcome = await cliSync(database.env);
    expectAllSourcesOk(outcome);
    reference = { records: await recordsIn(database), requests: outcome.requests };
    await database.dispose();
    // Every kind of record is there, some waiting for an unverified identity.
    expect(new Set(reference.records.map((line) => line.split(' ')[0]))).toEqual(new Set(['github', 'stackexchange', 'feeds']));
    expect(reference.records.some((line) => line.endsWith(' pending'))).toBe(true);
    // The kill points fall inside the run.
    expect(reference.requests).toBeGreaterThan(Math.max(...KILL_POINTS.map((point) => point.afterRequests)));
  });

  it.each(KILL_POINTS)('killed after request $afterRequests (+$delayMs ms), then run again', async (point) => {
    const database = await prepared(engine, template);
    try {
      const killed = await cliSync(database.env, point, database.lockFile);
      expect(killed.signal, `the sync ended before the kill: ${killed.stdout}${killed.stderr}`).toBe('SIGKILL');
      if (database.lockFile) {
        // The killed process could not release its lock: the next one must take it over.
        expect(readFileSync(database.lockFile, 'utf8')).toBe(String(killed.pid));
      }
      // What the killed run stored is part of what an uninterrupted run stores.
      const stored = keys(await recordsIn(database, true));
      expect(keys(reference.records)).toEqual(expect.arrayContaining(stored));

      expectAllSourcesOk(await cliSync(database.env));
      expect(await recordsIn(database)).toEqual(reference.records);
      if (database.lockFile) expect(existsSync(database.lockFile)).toBe(false);
    } finally {
      await database.dispose();
    }
  }, 180_000);
});
