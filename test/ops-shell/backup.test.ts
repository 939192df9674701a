// `ambassador backup` / `restore` through the real command: a round trip keeps the data, a
// folder in use or already holding a database is refused (unless --force, which keeps the old
// one aside), and a server database is pointed to pg_dump.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Each test spawns the command several times: minutes on a loaded machine.
const SPAWNING = { timeout: 300_000 };
import { openStore } from '../../src/store/db.js';
import { addMember } from '../../src/store/members.js';
import { migrate } from '../../src/store/migrate.js';
import { CLI, runCli } from '../cli/run-cli.js';

async function handles(dataDir: string): Promise<string[]> {
  const store = await openStore({ dataDir });
  try {
    return (await store.db.selectFrom('members').select('handle').orderBy('handle').execute()).map((m) => m.handle);
  } finally {
    await store.close();
  }
}

describe('backup and restore of the embedded database', () => {
  let root: string;
  let original: string;
  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error('build first: npm run build (npm test does it)');
    root = mkdtempSync(path.join(tmpdir(), 'ambassador-backup-'));
    original = path.join(root, 'data');
    const store = await openStore({ dataDir: original });
    await migrate(store.db);
    await addMember(store.db, { handle: 'ada', name: 'Ada', email: 'ada@example.org', joinedAt: '2025-01-01' }, 'test');
    await store.close();
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('round-trips through a file, and refuses to overwrite a database without --force', SPAWNING, async () => {
    const file = path.join(root, 'ambassador.tar.gz');
    const backup = await runCli(['backup', file, '--json'], { AMBASSADOR_DATA_DIR: original });
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    expect(JSON.parse(backup.stdout)).toMatchObject({ file, members: 1 });
    expect(readdirSync(root)).not.toContain('ambassador.tar.gz.partial');

    const copy = path.join(root, 'restored');
    const restore = await runCli(['restore', file], { AMBASSADOR_DATA_DIR: copy });
    expect(restore).toMatchObject({ code: 0, stderr: '' });
    expect(restore.stdout).toContain('(1 members)');
    expect(await handles(copy)).toEqual(['ada']);

    // The restored database is a working one: the command line uses it as it is.
    expect((await runCli(['member', 'list'], { AMBASSADOR_DATA_DIR: copy })).stdout).toContain('ada');
    const store = await openStore({ dataDir: copy });
    await addMember(store.db, { handle: 'grace', name: 'Grace', email: 'grace@example.org', joinedAt: '2025-02-01' }, 'test');
    await store.close();

    const refused = await runCli(['restore', file], { AMBASSADOR_DATA_DIR: copy });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/already holds a database.*--force/);
    expect(await handles(copy)).toEqual(['ada', 'grace']);

    const forced = await runCli(['restore', file, '--force', '--json'], { AMBASSADOR_DATA_DIR: copy });
    expect(forced.code).toBe(0);
    const outcome = JSON.parse(forced.stdout) as { previous: string };
    expect(await handles(copy)).toEqual(['ada']);
    expect(await handles(outcome.previous)).toEqual(['ada', 'grace']);
  });

  it('refuses a folder in use by another process, and a file that is no backup', SPAWNING, async () => {
    const inUse = await openStore({ dataDir: original });
    try {
      const busy = await runCli(['backup', path.join(root, 'busy.tar.gz')], { AMBASSADOR_DATA_DIR: original });
      expect(busy.code).not.toBe(0);
      expect(busy.stderr).toMatch(/in use by process/);
      expect(existsSync(path.join(root, 'busy.tar.gz'))).toBe(false);
    } finally {
      await inUse.close();
    }
    const bogus = await runCli(['restore', path.join(root, '..', 'nothing-here.tar.gz')], { AMBASSADOR_DATA_DIR: path.join(root, 'never') });
    expect(bogus.code).toBe(1);
    expect(bogus.stderr).toMatch(/cannot read/);
  });

  it('points a server database to pg_dump and pg_restore', SPAWNING, async () => {
    const env = { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', AMBASSADOR_DATA_DIR: original };
    for (const command of [['backup', path.join(root, 'x.tar.gz')], ['restore', path.join(root, 'ambassador.tar.gz')]]) {
      const result = await runCli(command, env);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('pg_dump --format=custom');
      expect(result.stderr).toContain('pg_restore');
    }
  });
});
