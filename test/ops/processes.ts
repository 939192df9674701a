// Real `ambassador` processes for the operations tests: the built CLI (dist/) spawned on a
// database of its own, its address read from the line it prints, its logs kept for failures.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { CLI } from '../cli/run-cli.js';
import { POSTGRES_URL } from '../support/engines.js';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A fresh PostgreSQL database on the test server, dropped (connections and all) afterwards. */
export async function createDatabase(): Promise<TestDatabase> {
  const name = `ops_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      const cleanup = new pg.Client({ connectionString: POSTGRES_URL });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}

export interface RunningProcess {
  child: ChildProcess;
  /** http://127.0.0.1:port for `serve`; empty for `worker`. */
  url: string;
  output(): string;
  /** Resolves when the output has a line matching the pattern. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  exited: Promise<number | null>;
}

export async function startProcess(args: string[], env: Record<string, string | undefined>): Promise<RunningProcess> {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const waiters: { pattern: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const waiter of [...waiters]) {
      const match = output.match(waiter.pattern);
      if (match) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(match);
      }
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitFor = (pattern: RegExp, timeoutMs = 60_000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const found = output.match(pattern);
      if (found) return resolve(found);
      const timer = setTimeout(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms; output:\n${output.slice(-4000)}`)), timeoutMs);
      waiters.push({ pattern, resolve: (m) => (clearTimeout(timer), resolve(m)) });
      void exited.then((code) => reject(new Error(`process exited (${code}) before ${pattern}; output:\n${output.slice(-4000)}`)));
    });
  const running: RunningProcess = {
    child,
    url: '',
    output: () => output,
    waitFor,
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  if (args[0] === 'serve') {
    const match = await waitFor(/is serving on (http:\/\/[^\s]+)/);
    running.url = match[1]!;
  }
  return running;
}
