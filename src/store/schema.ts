// Row types of the database, as Kysely sees them. Kept in step with migrations/*.sql.
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
/** numeric columns: parsed to numbers on read (see db.ts type parsers). */
type Numeric = ColumnType<number, number | string | undefined, number | string>;
/** jsonb columns: objects in, objects out. */
type Json<T = Record<string, unknown>> = ColumnType<T, string | T, string | T>;
/** date columns are read as 'YYYY-MM-DD' strings on both engines. */
type DateOnly = ColumnType<string, string, string>;

export interface MembersTable {
  id: Generated<number>;
  handle: string;
  name: string;
  email: string | null;
  country: string | null;
  company: string | null;
  bio: string | null;
  avatar_url: string | null;
  joined_at: DateOnly;
  role: ColumnType<'ambassador' | 'manager' | 'admin', string | undefined, string>;
  state: ColumnType<'registered' | 'suspended' | 'withdrawn', string | undefined, string>;
  state_reason: string | null;
  is_bot: ColumnType<boolean, boolean | undefined, boolean>;
  is_staff: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  /** Free text from before countries were codes that matched no country (migration 0060). */
  country_unmatched: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface IdentitiesTable {
  id: Generated<number>;
  member_id: number;
  platform: string;
  external_id: string;
  verified_at: Date | null;
  verification_method: string | null;
  verification_code: string | null;
  flagged_at: Date | null;
  flag_reason: string | null;
  created_at: CreatedAt;
  /** The upstream's immutable account id (GitHub user id), from an OAuth round trip. */
  upstream_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** A manager marked what this identity publishes (a calendar) as trusted. */
  trusted_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  trusted_by: ColumnType<string | null, string | null | undefined, string | null>;
}

export type ReviewState = 'counted' | 'pending' | 'rejected' | 'excluded';

export interface ContributionsTable {
  id: Generated<number>;
  member_id: number;
  source: string;
  external_id: string;
  kind: string;
  category: string;
  title: string;
  url: string | null;
  occurred_at: ColumnType<Date, Date | string, Date | string>;
  points: Numeric;
  rules_version: ColumnType<string, string | undefined, string>;
  explanation: ColumnType<string, string | undefined, string>;
  review_state: ColumnType<ReviewState, ReviewState, ReviewState>;
  review_reason: string | null;
  reviewed_by: number | null;
  reviewed_at: Date | null;
  evidence_url: string | null;
  metadata: Json;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  /** A rejection that asks the person for changes (migration 0050). */
  changes_requested: ColumnType<boolean, boolean | undefined, boolean>;
  /** The manager a pending item is assigned to (migration 0050). */
  assigned_to: ColumnType<number | null, number | null | undefined, number | null>;
}

export interface StatusChangesTable {
  id: Generated<number>;
  member_id: number;
  from_status: string | null;
  to_status: string;
  changed_at: CreatedAt;
  effective_on: string | null;
  reason: string | null;
  actor: string | null;
}

export interface AwardSnapshotsTable {
  id: Generated<number>;
  year: number;
  revision: number;
  status: 'draft' | 'published' | 'superseded';
  rules_version: string;
  input_hash: string;
  cycle_start: DateOnly;
  cycle_end: DateOnly;
  settings: Json;
  results: Json<unknown>;
  computed_at: CreatedAt;
  computed_by: string;
  published_at: Date | null;
  published_by: string | null;
  reason: string | null;
  /** A draft scheduled for publishing (migration 0060). */
  announce_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  scheduled_by: ColumnType<string | null, string | null | undefined, string | null>;
  /** Why it was computed or published before the cycle's last day. */
  early_reason: ColumnType<string | null, string | null | undefined, string | null>;
  /** When the winners were emailed. */
  announced_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: CreatedAt;
  actor: string;
  action: string;
  subject_type: string;
  subject_id: string | null;
  reason: string | null;
  details: Json;
}

export interface ErasuresTable {
  identity_hash: string;
  erased_at: CreatedAt;
  /** 'hmac': keyed under the server secret; 'sha256': written before the key existed. */
  scheme: ColumnType<'sha256' | 'hmac', 'sha256' | 'hmac' | undefined, 'sha256' | 'hmac'>;
}

export interface SyncCursorsTable {
  source: string;
  cursor: Json<unknown> | null;
  updated_at: UpdatedAt;
}

export interface SyncRunsTable {
  id: Generated<number>;
  source: string;
  scope: string | null;
  started_at: CreatedAt;
  finished_at: Date | null;
  status: ColumnType<'running' | 'ok' | 'partial' | 'failed', string | undefined, string>;
  items_new: ColumnType<number, number | undefined, number>;
  items_updated: ColumnType<number, number | undefined, number>;
  items_unchanged: ColumnType<number, number | undefined, number>;
  requests: ColumnType<number, number | undefined, number>;
  not_modified: ColumnType<number, number | undefined, number>;
  rate_limited_waits: ColumnType<number, number | undefined, number>;
  identities_flagged: ColumnType<number, number | undefined, number>;
  error: string | null;
  identities_ok: ColumnType<number, number | undefined, number>;
  identities_failed: ColumnType<number, number | undefined, number>;
  /** Identities not due this run (backing off after failures). */
  identities_skipped: ColumnType<number, number | undefined, number>;
  /** What the source reported without failing (a repository not readable, a page limit hit). */
  warnings: ColumnType<string[], string | undefined, string>;
}

/** One linked identity's sync state for one source (migration 0025). */
export interface IdentitySyncStateTable {
  identity_id: number;
  source: string;
  cursor: Json<unknown> | null;
  last_checked_at: Date | null;
  next_check_at: Date | null;
  consecutive_failures: ColumnType<number, number | undefined, number>;
  last_error: string | null;
  updated_at: UpdatedAt;
}

export interface HttpValidatorsTable {
  url: string;
  etag: string | null;
  last_modified: string | null;
  /** The response body as received (bytea): decoding is the reader's, by BOM, declaration, charset. */
  body: Uint8Array | null;
  /** Kept response headers (link, content-type) as a JSON object. */
  headers: Json<Record<string, string> | null>;
  updated_at: UpdatedAt;
}

export interface ServerSecretsTable {
  name: string;
  value: string;
  created_at: CreatedAt;
}

export interface RateLimitHitsTable {
  key: string;
  window_start: ColumnType<Date, Date | string, Date | string>;
  hits: number;
}

/** OAuth round trips in flight (single-use state, PKCE verifier). */
export interface OauthStatesTable {
  state_hash: string;
  code_verifier: string;
  next_path: string;
  member_id: number | null;
  created_at: CreatedAt;
  expires_at: ColumnType<Date, Date | string, Date | string>;
}

export interface SchemaMigrationsTable {
  version: number;
  name: string;
  applied_at: CreatedAt;
}

export interface ProfileLink {
  label: string;
  url: string;
}

export interface MemberSettingsTable {
  member_id: number;
  links: ColumnType<ProfileLink[], string | undefined, string>;
  hide_country: ColumnType<boolean, boolean | undefined, boolean>;
  hide_company: ColumnType<boolean, boolean | undefined, boolean>;
  hide_from_directory: ColumnType<boolean, boolean | undefined, boolean>;
  email_awards: ColumnType<boolean, boolean | undefined, boolean>;
  email_status: ColumnType<boolean, boolean | undefined, boolean>;
  email_reviews: ColumnType<boolean, boolean | undefined, boolean>;
  email_program: ColumnType<boolean, boolean | undefined, boolean>;
  checklist_dismissed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  updated_at: UpdatedAt;
}

export type ReviewAction = 'submitted' | 'edited' | 'assigned' | 'approved' | 'rejected' | 'changes_requested' | 'resubmitted' | 'revoked' | 'withdrawn';

/** The thread of a review (migration 0050). */
export interface ReviewEventsTable {
  id: Generated<number>;
  contribution_id: number;
  actor_id: number | null;
  action: ReviewAction;
  note: string | null;
  at: CreatedAt;
}

/** Private manager notes about a member (migration 0050). */
export interface MemberNotesTable {
  id: Generated<number>;
  member_id: number;
  author_id: number | null;
  body: string;
  created_at: CreatedAt;
}

/** Former handles that redirect (migration 0050). */
export interface HandleAliasesTable {
  old_handle: string;
  member_id: number;
  created_at: CreatedAt;
}

/** Email changes waiting for the new address to confirm (migration 0050). */
export interface EmailChangesTable {
  token_hash: string;
  member_id: number;
  new_email: string;
  requested_by: number | null;
  created_at: CreatedAt;
  expires_at: ColumnType<Date, Date | string, Date | string>;
  used_at: Date | null;
}

/** Maintained by triggers (migration 0070); written by nothing else. */
export interface MemberStandingsTable {
  member_id: number;
  cycle_year: number;
  category: string;
  points: Numeric;
  categories_with_points: number;
  contributions: number;
  last_counted_at: Date;
  handle_key: string;
  code: Numeric;
  content: Numeric;
  events: Numeric;
  documentation: Numeric;
  education: Numeric;
  leadership: Numeric;
  listed: boolean;
  handle: string;
  name: string;
  /** Generated (migration 0074): the 'all' row's leaderboard row as JSON text. */
  packed: Generated<string | null>;
}

/** Maintained by triggers on member_standings (migration 0083): a count is the sum of its rows. */
export interface StandingsCountsTable {
  id: Generated<number>;
  cycle_year: number;
  category: string;
  listed: ColumnType<string, number, number>;
}

export interface ScoringRulesSeenTable {
  digest: string;
  versions: Json<unknown>;
  seen_at: CreatedAt;
}

export interface ScoringPendingTable {
  member_id: number;
}

export interface StandingsCycleTable {
  singleton: ColumnType<boolean, boolean | undefined, never>;
  start_month: number;
  start_day: number;
  end_month: number;
  end_day: number;
}

export interface Database {
  members: MembersTable;
  identities: IdentitiesTable;
  contributions: ContributionsTable;
  status_changes: StatusChangesTable;
  award_snapshots: AwardSnapshotsTable;
  audit_log: AuditLogTable;
  erasures: ErasuresTable;
  sync_cursors: SyncCursorsTable;
  identity_sync_state: IdentitySyncStateTable;
  sync_runs: SyncRunsTable;
  http_validators: HttpValidatorsTable;
  schema_migrations: SchemaMigrationsTable;
  server_secrets: ServerSecretsTable;
  rate_limit_hits: RateLimitHitsTable;
  member_settings: MemberSettingsTable;
  oauth_states: OauthStatesTable;
  process_instances: ProcessInstancesTable;
  job_claims: JobClaimsTable;
  review_events: ReviewEventsTable;
  member_notes: MemberNotesTable;
  handle_aliases: HandleAliasesTable;
  email_changes: EmailChangesTable;
  member_standings: MemberStandingsTable;
  standings_counts: StandingsCountsTable;
  standings_cycle: StandingsCycleTable;
  scoring_rules_seen: ScoringRulesSeenTable;
  scoring_pending: ScoringPendingTable;
}

export interface ProcessInstancesTable {
  id: string;
  role: 'web' | 'worker' | 'web+worker';
  hostname: string;
  pid: number;
  version: string;
  started_at: CreatedAt;
  heartbeat_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface JobClaimsTable {
  job_id: string;
  queue: string;
  instance_id: string;
  source: string | null;
  started_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export type Member = Selectable<MembersTable>;
export type NewMember = Insertable<MembersTable>;
export type MemberUpdate = Updateable<MembersTable>;
export type Identity = Selectable<IdentitiesTable>;
export type ContributionRow = Selectable<ContributionsTable>;
export type NewContributionRow = Insertable<ContributionsTable>;
export type AwardSnapshotRow = Selectable<AwardSnapshotsTable>;
export type AuditEntry = Selectable<AuditLogTable>;
export type MemberSettings = Selectable<MemberSettingsTable>;
