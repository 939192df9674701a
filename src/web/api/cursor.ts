// Opaque cursors for the API's pagination: base64url JSON of the last position seen.
import { HttpProblem } from '../errors.js';

export function encodeCursor(value: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeCursor<T extends Record<string, unknown>>(cursor: string | undefined, check: (value: Record<string, unknown>) => value is T): T | null {
  if (!cursor) return null;
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (value && typeof value === 'object' && check(value as Record<string, unknown>)) return value as T;
  } catch {
    // reported below
  }
  throw new HttpProblem(400, 'invalid_cursor', 'the cursor is not one this API gave out');
}

export function limitOf(value: string | undefined, fallback = 50, max = 200): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new HttpProblem(400, 'invalid', `limit: expected a whole number from 1 to ${max}`);
  return n;
}
