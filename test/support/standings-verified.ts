import { expect } from 'vitest';
import type { VerifyResult } from '../../src/store/standings-verify.js';

/** The maintained standings and their ranked counts equal a recomputation. */
export function expectVerified(result: VerifyResult): void {
  expect(result.differences).toEqual([]);
  expect(result.countDifferences).toEqual([]);
}
