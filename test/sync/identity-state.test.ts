// The pure parts of per-identity sync state: the backoff schedule and the cursor comparison
// that decides whether anything must be written.
import { describe, expect, it } from 'vitest';
import { canonicalJson, effectiveLastCheck, isDue, nextCheckAfterFailure } from '../../src/sync/identity-state.js';

const NOW = new Date('2026-01-15T12:00:00Z');
const after = (failures: number) => (nextCheckAfterFailure(NOW, failures).getTime() - NOW.getTime()) / 60_000;

describe('identity sync state', () => {
  it('backs off exponentially from 15 minutes, at most a day', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 40, 5000].map(after)).toEqual([15, 30, 60, 120, 240, 480, 960, 1440, 1440, 1440, 1440]);
  });

  it('is due without state, once the next check has come, and not before', () => {
    const state = { identityId: 1, cursor: null, cursorJson: 'null', lastCheckedAt: NOW, consecutiveFailures: 1, lastError: 'x' };
    expect(isDue(undefined, NOW)).toBe(true);
    expect(isDue({ ...state, nextCheckAt: null }, NOW)).toBe(true);
    expect(isDue({ ...state, nextCheckAt: new Date(NOW.getTime() + 1) }, NOW)).toBe(false);
    expect(isDue({ ...state, nextCheckAt: NOW }, NOW)).toBe(true);
  });

  it('compares cursors whatever the order jsonb gives their keys back in', () => {
    expect(canonicalJson({ titles: { b: '2', a: '1' }, newest: 'x' })).toBe(canonicalJson({ newest: 'x', titles: { a: '1', b: '2' } }));
    expect(canonicalJson({ a: [2, 1] })).not.toBe(canonicalJson({ a: [1, 2] }));
    expect(canonicalJson({ a: undefined, b: 1 })).toBe(canonicalJson({ b: 1 }));
    expect(canonicalJson(null)).toBe('null');
  });

  it("dates a healthy identity's last check by the source's latest run, a failing one by its own", () => {
    const own = new Date('2026-01-15T10:00:00Z');
    const run = new Date('2026-01-15T11:00:00Z');
    expect(effectiveLastCheck({ last_checked_at: own, consecutive_failures: 0, last_run_at: run })).toEqual(run);
    expect(effectiveLastCheck({ last_checked_at: own, consecutive_failures: 2, last_run_at: run })).toEqual(own);
    expect(effectiveLastCheck({ last_checked_at: run, consecutive_failures: 0, last_run_at: own })).toEqual(run);
    expect(effectiveLastCheck({ last_checked_at: own, consecutive_failures: 0, last_run_at: null })).toEqual(own);
  });
});
