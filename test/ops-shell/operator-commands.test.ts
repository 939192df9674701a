// `ambassador retention --dry-run`, `retention`, `alerts` and `env` through the real command.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Each test spawns the command several times: minutes on a loaded machine.
const SPAWNING = { timeout: 300_000 };
import { openStore } from '../../src/store/db.js';
import { addMember } from '../../src/store/members.js';
import { migrate } from '../../src/store/migrate.js';
import { CLI, cliJson, runCli } from '../cli/run-cli.js';

describe('operator commands', () => {
  let root: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error('build first: npm run build (npm test does it)');
    root = mkdtempSync(path.join(tmpdir(), 'ambassador-ops-cli-'));
    env = { AMBASSADOR_DATA_DIR: path.join(root, 'data') };
    const store = await openStore({ dataDir: env.AMBASSADOR_DATA_DIR });
    await migrate(store.db);
    const ada = await addMember(store.db, { handle: 'ada', name: 'Ada', email: 'ada@example.org', joinedAt: '2025-01-01' }, 'test');
    await sql`insert into sessions (id_hash, member_id, expires_at) values ('expired', ${ada.id}, now() - interval '1 day')`.execute(store.db);
    for (let i = 0; i < 3; i += 1) await sql`insert into sync_runs (source, status, finished_at, error) values ('feeds', 'failed', now(), 'feeds: HTTP 500')`.execute(store.db);
    await store.close();
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('retention counts first, then deletes', SPAWNING, async () => {
    expect(await cliJson(['retention', '--dry-run'], env)).toMatchObject({ dryRun: true, sessions: 1 });
    expect(await cliJson(['retention', '--dry-run'], env)).toMatchObject({ sessions: 1 });
    expect(await cliJson(['retention'], env)).toMatchObject({ dryRun: false, sessions: 1, auditLog: null });
    expect(await cliJson(['retention'], env)).toMatchObject({ sessions: 0 });
  });

  it('alerts opens the incident once; the threshold comes from the environment', SPAWNING, async () => {
    expect(await cliJson(['alerts'], { ...env, AMBASSADOR_OPERATIONS_ALERTS_SOURCE_FAILURES: '4' })).toMatchObject({ opened: [], open: [] });
    expect(await cliJson(['alerts'], env)).toMatchObject({ opened: ['source-failing:feeds'] });
    const again = await runCli(['alerts'], env);
    expect(again).toMatchObject({ code: 0, stderr: '' });
    expect(again.stdout).toBe('open: source-failing:feeds\n');
  });

  it('env prints the table the README holds', async () => {
    const result = await runCli(['env'], {});
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('| `AMBASSADOR_WEB_SESSION_SECRET` | `web.sessionSecret` | text |  |');
  });
});
