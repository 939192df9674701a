// The one contract every upstream source follows. A source receives its settings, the
// verified-or-not identities linked on its platform (each with its own saved cursor and whether
// it is due) and the shared cursor it returned last time; it yields batches of normalized
// contributions, each batch with the cursors that follow it: the identity's own when the batch
// is one identity's check (or that check's error, which fails that identity alone), the shared
// one when it changed.
// A source never writes to the database: the sync engine stores a batch and its cursor in
// one transaction, so a crash replays at most one batch, and (source, externalId) is the
// upsert key that makes every run idempotent.

/** A platform identity linked to a member, as a source sees it. */
export interface LinkedIdentity {
  identityId: number;
  memberId: number;
  /** e.g. 'github', 'stackexchange', 'feed', 'discourse', 'packagist', 'ical' */
  platform: string;
  /** GitHub login, Stack Exchange user id, feed URL, 'https://forum.example:jdoe', vendor, calendar URL */
  externalId: string;
  verified: boolean;
  /** A manager marked what this identity publishes (a calendar) as trusted. */
  trusted?: boolean;
  /** What the source saved for this identity last time (`IdentityOutcome.cursor`); null the first time. */
  cursor?: SourceCursor;
  /**
   * False while the identity backs off after failed checks: read nothing upstream for it this
   * run (a source that matches work by login across repositories still matches it).
   */
  due?: boolean;
}

/** What a source found, before scoring. Points and category come from the rules by `kind`. */
export interface NormalizedContribution {
  /** Stable across runs and across sources that see the same thing (live GitHub and GH Archive). */
  source: string;
  externalId: string;
  /** A contribution kind from the rules, e.g. 'pullRequestMerged', 'answerPosted', 'blogPost'. */
  kind: string;
  title: string;
  url: string | null;
  /** ISO 8601 instant, UTC. */
  occurredAt: string;
  /** Whose work it is: the identity it was found through. */
  identityId: number;
  /**
   * Facts the rules read: `labels: string[]` (PR labels), `accepted: boolean`, `score: number`,
   * `repo: string`, and anything useful to show or audit (never secrets, capped in size).
   */
  metadata: Record<string, unknown>;
}

/** Opaque to the engine; JSON-serialisable; `null` the first time. */
export type SourceCursor = Record<string, unknown> | null;

/** How checking one identity went: its cursor after the check, or why the check failed. */
export interface IdentityOutcome {
  identityId: number;
  /** Stored (only when it differs from the saved one) in the same transaction as the batch. */
  cursor?: SourceCursor;
  /** The check failed: the identity backs off, the saved cursor stays, others go on. */
  error?: string;
}

export interface SourceBatch {
  contributions: NormalizedContribution[];
  /**
   * State shared by every identity (repositories polled, a verdict cache); stored only when
   * it changed. Left out, the saved one stays as it is.
   */
  cursor?: SourceCursor;
  /** The batch is one identity's check: its contributions and its own state. */
  identity?: IdentityOutcome;
  /** A part of the run that belongs to no identity failed (a repository): the run is partial. */
  failure?: string;
  /** Identities whose upstream answered 404/410 and should be flagged, not deleted. */
  goneIdentities?: { identityId: number; reason: string }[];
}
