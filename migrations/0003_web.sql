-- The web app and notifications: accounts (consents, linked GitHub sign-in), sessions,
-- one-time sign-in links, API tokens for ingest, and the record of every notification sent
-- (a unique key makes each one go out at most once).

create table accounts (
  member_id integer primary key references members (id) on delete cascade,
  consent_tracking_at timestamptz not null,
  consent_public_at timestamptz not null,
  github_user_id text,
  last_sign_in_at timestamptz,
  created_at timestamptz not null default now()
);
create unique index accounts_github_user on accounts (github_user_id) where github_user_id is not null;

-- Only a hash of the session id is stored: a database leak hands out no live session.
create table sessions (
  id_hash text primary key,
  member_id integer not null references members (id) on delete cascade,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  last_seen_at timestamptz not null default now()
);
create index sessions_member on sessions (member_id);
create index sessions_expires on sessions (expires_at);

create table login_tokens (
  token_hash text primary key,
  member_id integer not null references members (id) on delete cascade,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz
);
create index login_tokens_member on login_tokens (member_id, created_at);

create table api_tokens (
  id integer generated always as identity primary key,
  name text not null check (length(name) between 1 and 100),
  token_hash text not null unique,
  -- The external system's source name: contributions it reports are keyed (source, externalId).
  source text not null check (source ~ '^[a-z][a-z0-9-]{1,39}$'),
  created_by text not null,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);

create table notifications (
  id integer generated always as identity primary key,
  -- e.g. "lapse-warning:42:2026-09-14" or "webhook:contribution:917:https://crm.example/hook"
  key text not null unique,
  kind text not null,
  channel text not null check (channel in ('email', 'webhook')),
  member_id integer references members (id) on delete cascade,
  recipient text not null,
  status text not null check (status in ('sent', 'failed')),
  attempts integer not null default 1,
  error text,
  payload jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  sent_at timestamptz
);
create index notifications_member on notifications (member_id, created_at);
create index notifications_failed on notifications (created_at) where status = 'failed';

-- The public pages read the newest contributions and a member's year quickly.
create index contributions_counted_recent on contributions (occurred_at desc, id desc) where review_state = 'counted';
