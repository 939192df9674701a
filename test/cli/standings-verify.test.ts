// `ambassador standings verify` through the real command on a temp data directory: exit 0 when
// the maintained standings equal a recomputation, exit 1 with the differences when a write
// went around the triggers, and --repair rebuilds them. Also `ambassador rescore --jobs` on the
// same directory: rescored, still verified, and a number of jobs it cannot use refused.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertContributions } from '../../src/store/contributions.js';
import { openStore } from '../../src/store/db.js';
import { addMember } from '../../src/store/members.js';
import { migrate } from '../../src/store/migrate.js';
import { configWith } from '../domain/fixtures.js';
import { CLI, runCli } from './run-cli.js';

describe('ambassador standings verify', () => {
  let root: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error('build first: npm run build (npm test does it)');
    root = mkdtempSync(path.join(tmpdir(), 'ambassador-cli-standings-'));
    env = { AMBASSADOR_DATA_DIR: path.join(root, 'data') };
    const store = await openStore({ dataDir: path.join(root, 'data') });
    await migrate(store.db);
    const ada = await addMember(store.db, { handle: 'ada', name: 'Ada', email: 'ada@example.org', joinedAt: '2025-01-01' }, 'test');
    await upsertContributions(store.db, configWith(), [
      { memberId: ada.id, source: 's', externalId: '1', kind: 'talk', title: 'A talk', url: null, occurredAt: '2026-03-01T10:00:00Z', reviewState: 'counted' },
    ]);
    await store.close();
  }, 120_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('exits 0 when equal, 1 with the differences when not, and repairs', async () => {
    const clean = await runCli(['standings', 'verify', '--json'], env);
    expect(clean.code).toBe(0);
    expect(JSON.parse(clean.stdout)).toMatchObject({ differences: [], repaired: false });

    // A write around the triggers: the table no longer matches the contributions.
    const store = await openStore({ dataDir: path.join(root, 'data') });
    await sql`alter table contributions disable trigger standings_contributions_update`.execute(store.db);
    await sql`update contributions set points = 99`.execute(store.db);
    await sql`alter table contributions enable trigger standings_contributions_update`.execute(store.db);
    await store.close();

    const broken = await runCli(['standings', 'verify'], env);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain('standings differ from contributions');
    expect(broken.stdout).toMatch(/member \d+ 2026 all: maintained .*"points": ?30.*recomputed .*"points": ?99/);

    const repaired = await runCli(['standings', 'verify', '--repair', '--json'], env);
    expect(repaired.code).toBe(1);
    expect(JSON.parse(repaired.stdout)).toMatchObject({ repaired: true });
    expect((await runCli(['standings', 'verify', '--json'], env)).code).toBe(0);
  }, 300_000);

  it('rescores with --jobs, and refuses a number of jobs it cannot use', async () => {
    for (const jobs of ['0', '9', 'two']) {
      const refused = await runCli(['rescore', '--jobs', jobs], env);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain('--jobs: expected a whole number from 1 to 8');
    }
    for (const args of [['rescore', '--jobs', '3', '--json'], ['rescore', '--json']]) {
      const rescored = await runCli(args, env);
      expect(rescored.code).toBe(0);
      expect(JSON.parse(rescored.stdout)).toMatchObject({ members: 1 });
    }
    expect((await runCli(['standings', 'verify', '--json'], env)).code).toBe(0);
  }, 120_000);
});
