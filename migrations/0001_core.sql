-- Core program data: members, their identities, contributions, status history,
-- award snapshots, the audit log and the erasure list.

create table members (
  id integer generated always as identity primary key,
  handle text not null check (handle ~ '^[A-Za-z0-9][A-Za-z0-9_-]{1,38}$'),
  name text not null check (length(name) between 1 and 200),
  email text check (email is null or length(email) <= 320),
  country text check (country is null or length(country) <= 100),
  company text check (company is null or length(company) <= 200),
  bio text check (bio is null or length(bio) <= 4000),
  avatar_url text,
  joined_at date not null,
  role text not null default 'ambassador' check (role in ('ambassador', 'manager', 'admin')),
  state text not null default 'registered' check (state in ('registered', 'suspended', 'withdrawn')),
  state_reason text,
  is_bot boolean not null default false,
  is_staff boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index members_handle_ci on members (lower(handle));
create unique index members_email_ci on members (lower(email)) where email is not null;

create table identities (
  id integer generated always as identity primary key,
  member_id integer not null references members (id) on delete cascade,
  platform text not null,
  external_id text not null,
  verified_at timestamptz,
  verification_method text,
  verification_code text,
  flagged_at timestamptz,
  flag_reason text,
  created_at timestamptz not null default now()
);
-- One identity belongs to one person, whatever the spelling of the login.
create unique index identities_platform_external_ci on identities (platform, lower(external_id));
create index identities_member on identities (member_id);

create table contributions (
  id integer generated always as identity primary key,
  member_id integer not null references members (id) on delete cascade,
  source text not null,
  external_id text not null,
  kind text not null,
  category text not null check (category in ('code', 'content', 'events', 'documentation', 'education', 'leadership')),
  title text not null,
  url text,
  occurred_at timestamptz not null,
  points numeric(12, 2) not null default 0,
  rules_version text not null default '',
  explanation text not null default '',
  review_state text not null check (review_state in ('counted', 'pending', 'rejected', 'excluded')),
  review_reason text,
  reviewed_by integer references members (id) on delete set null,
  reviewed_at timestamptz,
  evidence_url text,
  metadata jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (source, external_id)
);
create index contributions_member_time on contributions (member_id, occurred_at);
-- The year leaderboard reads counted rows of a date range: an index-only scan with these columns.
create index contributions_counted_time on contributions (occurred_at)
  include (member_id, category, points) where review_state = 'counted';
create index contributions_pending on contributions (created_at) where review_state = 'pending';

create table status_changes (
  id integer generated always as identity primary key,
  member_id integer not null references members (id) on delete cascade,
  from_status text,
  to_status text not null,
  changed_at timestamptz not null default now(),
  effective_on date,
  reason text,
  actor text
);
create index status_changes_member on status_changes (member_id, changed_at);

create table award_snapshots (
  id integer generated always as identity primary key,
  year integer not null,
  revision integer not null,
  status text not null check (status in ('draft', 'published', 'superseded')),
  rules_version text not null,
  input_hash text not null,
  cycle_start date not null,
  cycle_end date not null,
  settings jsonb not null,
  results jsonb not null,
  computed_at timestamptz not null default now(),
  computed_by text not null,
  published_at timestamptz,
  published_by text,
  reason text,
  unique (year, revision)
);
create unique index award_snapshots_one_published on award_snapshots (year) where status = 'published';

create table audit_log (
  id integer generated always as identity primary key,
  at timestamptz not null default now(),
  actor text not null,
  action text not null,
  subject_type text not null,
  subject_id text,
  reason text,
  details jsonb not null default '{}'::jsonb
);
create index audit_log_at on audit_log (at desc);

-- Identities of people who asked to be removed, kept only as a hash so no personal data
-- remains, and checked before any sync or import re-creates them.
create table erasures (
  identity_hash text primary key,
  erased_at timestamptz not null default now()
);
