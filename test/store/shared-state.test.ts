import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hitRateLimit, peekRateLimit, purgeRateLimits } from '../../src/store/rate-limits.js';
import { getOrCreateSecret, readSecret } from '../../src/store/secrets.js';
import { ENGINES, freshStore, type TestStore } from '../support/engines.js';

describe.each(ENGINES)('state shared by every instance, on %s', (engine) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await freshStore(engine);
  });
  afterEach(async () => {
    await store.dispose();
  });

  it('creates a secret once and hands every later caller the same one', async () => {
    expect(await readSecret(store.db, 'session')).toBeUndefined();
    const values = await Promise.all([1, 2, 3, 4].map(() => getOrCreateSecret(store.db, 'session')));
    expect(new Set(values).size).toBe(1);
    expect(values[0]).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await getOrCreateSecret(store.db, 'session', () => 'other')).toBe(values[0]);
    expect(await getOrCreateSecret(store.db, 'erasure', () => 'fixed')).toBe('fixed');
  });

  it('counts hits per key and window, refusing those over the limit', async () => {
    const limit = { max: 2, windowMs: 60_000 };
    const at = new Date('2026-12-01T10:00:10Z');
    const verdicts = await Promise.all([1, 2, 3].map(() => hitRateLimit(store.db, 'sign-in:a@example.org', limit, at)));
    expect(verdicts.map((v) => v.allowed).sort()).toEqual([false, true, true]);
    expect(verdicts.map((v) => v.hits).sort()).toEqual([1, 2, 3]);
    expect(verdicts[0]!.resetAt.toISOString()).toBe('2026-12-01T10:01:00.000Z');
    expect((await hitRateLimit(store.db, 'sign-in:b@example.org', limit, at)).allowed).toBe(true);
    const nextWindow = new Date('2026-12-01T10:01:00Z');
    expect((await hitRateLimit(store.db, 'sign-in:a@example.org', limit, nextWindow)).hits).toBe(1);
    expect(await peekRateLimit(store.db, 'sign-in:a@example.org', limit, at)).toBe(3);
    expect(await purgeRateLimits(store.db, nextWindow)).toBe(2);
    expect(await peekRateLimit(store.db, 'sign-in:a@example.org', limit, nextWindow)).toBe(1);
  });

  it('cuts overlong keys instead of failing', async () => {
    const key = 'x'.repeat(100_000);
    const limit = { max: 1, windowMs: 1000 };
    const at = new Date('2026-12-01T10:00:00Z');
    expect((await hitRateLimit(store.db, key, limit, at)).allowed).toBe(true);
    expect((await hitRateLimit(store.db, key, limit, at)).allowed).toBe(false);
  });
});
