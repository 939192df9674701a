// What every source function receives besides its settings, identities and cursor, and the
// error type sources throw. Upstream failures surface as a SourceError whose message names the
// source and the URL, so the sync engine can record it on the run, per source.

import type { HttpClient } from './http.js';
import type { LinkedIdentity, SourceBatch, SourceCursor } from './contract.js';

export interface SourceContext {
  http: HttpClient;
  /** The instant the run treats as now (injected so tests and backfills are deterministic). */
  now: Date;
  /** Progress and notes for the operator; never required. */
  log?: (message: string) => void;
  /**
   * Something the operator must see that did not fail the run (an endpoint that answered 404,
   * a page limit reached): the sync engine puts it on the run record.
   */
  warn?: (message: string) => void;
}

export type SourceFunction<Settings> = (
  settings: Settings,
  identities: LinkedIdentity[],
  cursor: SourceCursor,
  context: SourceContext,
) => AsyncIterable<SourceBatch>;

export class SourceError extends Error {
  readonly source: string;

  constructor(source: string, message: string, options: { cause?: unknown } = {}) {
    super(`${source}: ${message}`, options);
    this.name = 'SourceError';
    this.source = source;
  }
}

/** Wraps any failure in a SourceError that names the source (keeps one that already does). */
export function asSourceError(source: string, error: unknown): SourceError {
  if (error instanceof SourceError) return error;
  return new SourceError(source, error instanceof Error ? error.message : String(error), { cause: error });
}

export function identitiesOn(platform: string, identities: LinkedIdentity[]): LinkedIdentity[] {
  return identities.filter((identity) => identity.platform === platform);
}
