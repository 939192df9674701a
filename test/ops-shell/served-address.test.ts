// Without a configured program.baseUrl, `serve --port 3100` names http://localhost:3100 in
// the links it writes (the API description, the feed), not the shipped :3000; a configured
// one wins. And `ambassador member list | head` ends quietly when the reader closes the pipe.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Each test spawns the command several times: minutes on a loaded machine.
const SPAWNING = { timeout: 300_000 };
import { openContext } from '../../src/cli/context.js';
import { servedBaseUrl } from '../../src/config/load-config.js';
import { openStore } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { CLI, runCli } from '../cli/run-cli.js';
import { freePort } from '../web/browser-support.js';

function startServe(args: string[], env: Record<string, string>): Promise<{ child: ChildProcess; stderr: () => string }> {
  const child = spawn(process.execPath, [CLI, 'serve', '--no-sync', ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', (chunk) => {
      stderr += chunk;
      if (stderr.includes('is serving on')) resolve({ child, stderr: () => stderr });
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

describe('the address served is the default base URL', () => {
  let root: string;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error('build first: npm run build (npm test does it)');
    root = mkdtempSync(path.join(tmpdir(), 'ambassador-served-'));
    const store = await openStore({ dataDir: path.join(root, 'data') });
    await migrate(store.db);
    await store.close();
  });
  afterAll(async () => {
    for (const child of children) await stop(child);
    rmSync(root, { recursive: true, force: true });
  });

  it('wildcards mean this machine, IPv6 in brackets', () => {
    expect(servedBaseUrl('0.0.0.0', 8080)).toBe('http://localhost:8080');
    expect(servedBaseUrl('::', 8080)).toBe('http://localhost:8080');
    expect(servedBaseUrl('::1', 8080)).toBe('http://[::1]:8080');
    expect(servedBaseUrl('127.0.0.1', 8080)).toBe('http://127.0.0.1:8080');
  });

  it('every command (a worker too) links to where HOST and PORT say the server is', async () => {
    const saved = { HOST: process.env.HOST, PORT: process.env.PORT, AMBASSADOR_DATA_DIR: process.env.AMBASSADOR_DATA_DIR };
    Object.assign(process.env, { HOST: '0.0.0.0', PORT: '3100', AMBASSADOR_DATA_DIR: path.join(root, 'data') });
    try {
      const context = await openContext({});
      await context.store.close();
      expect(context.config.program.baseUrl).toBe('http://localhost:3100');
      expect(context.baseUrlConfigured).toBe(false);
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it('--port and HOST make the links, unless program.baseUrl is set', SPAWNING, async () => {
    const env = { AMBASSADOR_DATA_DIR: path.join(root, 'data') };
    const port = await freePort();
    const served = await startServe(['--port', String(port)], { ...env, HOST: '127.0.0.1' });
    children.push(served.child);
    const base = `http://127.0.0.1:${port}`;
    const openapi = (await (await fetch(`${base}/api/docs/openapi.json`)).json()) as { servers: { url: string }[] };
    expect(openapi.servers[0]!.url).toBe(base);
    const feed = await (await fetch(`${base}/feed.atom`)).text();
    expect(feed).toContain(base);
    expect(feed).not.toContain('localhost:3000');
    await stop(served.child);

    const second = await freePort();
    const configured = await startServe(['--port', String(second), '--host', '127.0.0.1'], { ...env, AMBASSADOR_PROGRAM_BASE_URL: 'https://ambassadors.example' });
    children.push(configured.child);
    const described = (await (await fetch(`http://127.0.0.1:${second}/api/docs/openapi.json`)).json()) as { servers: { url: string }[] };
    expect(described.servers[0]!.url).toBe('https://ambassadors.example');
    await stop(configured.child);
  });

  it('a closed pipe on stdout ends the command quietly', SPAWNING, async () => {
    const child = spawn(process.execPath, [CLI, 'member', 'list'], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, AMBASSADOR_DATA_DIR: path.join(root, 'data') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // The reader goes away before the command writes its first line (as `head` does after its lines).
    child.stdout!.destroy();
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    // A reader that stays gets the whole list.
    const listed = await runCli(['member', 'list'], { AMBASSADOR_DATA_DIR: path.join(root, 'data') });
    expect(listed).toMatchObject({ code: 0, stderr: '' });
  });
});
