// `ambassador backfill gharchive` through the real command on a temp data directory: a good
// hour is stored, a truncated one is named, the exit code says the run failed, and progress
// goes to stderr as structured lines when stderr is not a terminal.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/db.js';
import { linkIdentity } from '../../src/store/identities.js';
import { addMember } from '../../src/store/members.js';
import { migrate } from '../../src/store/migrate.js';
import { fullMergedPr, gzipLines, noiseEvent } from '../fakes/gharchive.js';
import { CLI, runCli } from './run-cli.js';

describe('ambassador backfill gharchive', () => {
  let root: string;
  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error('build first: npm run build (npm test does it)');
    root = mkdtempSync(path.join(tmpdir(), 'ambassador-cli-backfill-'));
    const store = await openStore({ dataDir: path.join(root, 'data') });
    await migrate(store.db);
    const ada = await addMember(store.db, { handle: 'ada', name: 'Ada', email: 'ada@example.org', joinedAt: '2025-01-01' }, 'test');
    await linkIdentity(store.db, ada.id, { platform: 'github', externalId: 'AdaL' }, { verified: true }, 'test');
    await store.close();
    const archive = path.join(root, 'archive');
    mkdirSync(archive);
    const noise = Array.from({ length: 200 }, (_, i) => noiseEvent(i));
    writeFileSync(path.join(archive, '2025-09-01-0.json.gz'), gzipLines([...noise, fullMergedPr('maintainer', 'magento/magento2', 12, 'adal', '2025-09-01T00:30:00Z')]));
    const broken = gzipLines([...noise, fullMergedPr('maintainer', 'magento/magento2', 13, 'adal', '2025-09-01T01:30:00Z')]);
    writeFileSync(path.join(archive, '2025-09-01-1.json.gz'), broken.subarray(0, broken.length - 30));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('stores what the readable files hold, names the broken one and exits 1', async () => {
    const env = { AMBASSADOR_DATA_DIR: path.join(root, 'data') };
    const result = await runCli(['backfill', 'gharchive', path.join(root, 'archive'), '--json'], env);
    expect(result.code).toBe(1);
    const summary = JSON.parse(result.stdout) as { run: Record<string, unknown>; files: { file: string; status: string; error: string | null }[] };
    expect(summary.files.map((f) => [f.file, f.status])).toEqual([
      ['2025-09-01-0.json.gz', 'ok'],
      ['2025-09-01-1.json.gz', 'failed'],
    ]);
    expect(summary.files[1]!.error).toMatch(/truncated gzip archive/);
    expect(summary.run).toMatchObject({ source: 'gharchive', status: 'failed', itemsNew: 1, requests: 0 });
    const lines = result.stderr.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.at(-1)).toMatchObject({ task: 'reading GH Archive (MiB, compressed)', finished: true });
  });
});
