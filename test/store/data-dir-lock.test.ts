import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/db.js';

describe('the embedded database folder', () => {
  it('is one process at a time, and a stale lock is taken over', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ambassador-lock-'));
    // A lock left by a process that no longer exists.
    writeFileSync(path.join(dir, 'ambassador.lock'), '999999999');
    const first = await openStore({ dataDir: dir });
    // Another live process holds it: pid 1 always exists.
    writeFileSync(path.join(dir, 'ambassador.lock'), '1');
    await expect(openStore({ dataDir: dir })).rejects.toThrow(/in use by process 1; stop it first/);
    writeFileSync(path.join(dir, 'ambassador.lock'), String(process.pid));
    await first.close();
    const again = await openStore({ dataDir: dir });
    await again.close();
    // Released, with nothing of the lock left behind.
    expect(readdirSync(dir).filter((name) => name.startsWith('ambassador.lock'))).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
  });
});
