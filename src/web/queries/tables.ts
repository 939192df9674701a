// Row types of the tables migrations/0003_web.sql adds, joined to the core schema so web and
// notify queries stay typed without touching src/store/schema.ts.
import type { ColumnType, Generated, Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Json<T = Record<string, unknown>> = ColumnType<T, string | T, string | T>;

export interface AccountsTable {
  member_id: number;
  consent_tracking_at: ColumnType<Date, Date | string, Date | string>;
  consent_public_at: ColumnType<Date, Date | string, Date | string>;
  github_user_id: string | null;
  last_sign_in_at: Date | null;
  created_at: CreatedAt;
}

export interface SessionsTable {
  id_hash: string;
  member_id: number;
  created_at: CreatedAt;
  expires_at: ColumnType<Date, Date | string, Date | string>;
  last_seen_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface LoginTokensTable {
  token_hash: string;
  member_id: number;
  created_at: CreatedAt;
  expires_at: ColumnType<Date, Date | string, Date | string>;
  used_at: Date | null;
}

export interface ApiTokensTable {
  id: Generated<number>;
  name: string;
  token_hash: string;
  source: string;
  /** The contribution kinds the token may report. */
  kinds: ColumnType<string[], string[] | undefined, string[]>;
  created_by: string;
  created_at: CreatedAt;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export interface NotificationsTable {
  id: Generated<number>;
  key: string;
  kind: string;
  channel: 'email' | 'webhook';
  member_id: number | null;
  recipient: string;
  /** pending (due at next_attempt_at), sending (leased until claimed_until), sent, failed (gave up). */
  status: 'pending' | 'sending' | 'sent' | 'failed';
  attempts: ColumnType<number, number | undefined, number>;
  error: string | null;
  payload: Json;
  created_at: CreatedAt;
  sent_at: Date | null;
  next_attempt_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  claimed_until: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export interface WebDatabase extends Database {
  accounts: AccountsTable;
  sessions: SessionsTable;
  login_tokens: LoginTokensTable;
  api_tokens: ApiTokensTable;
  notifications: NotificationsTable;
}

export function webDb(db: Kysely<Database>): Kysely<WebDatabase> {
  return db as unknown as Kysely<WebDatabase>;
}

/** The core view of a web-typed connection, for the store's functions. */
export function coreDb(db: Kysely<WebDatabase>): Kysely<Database> {
  return db as unknown as Kysely<Database>;
}
