-- Per-identity sync state (Miniflux's feeds table is the model): each linked identity has its
-- own cursor, when it was last checked, when it is next due, how many checks in a row failed
-- and the last error, so that one failing identity backs off alone and an unchanged re-sync
-- rewrites no shared document. Removed with the identity (and so with the person).
create table identity_sync_state (
  identity_id integer not null references identities (id) on delete cascade,
  source text not null,
  cursor jsonb,
  last_checked_at timestamptz,
  next_check_at timestamptz,
  consecutive_failures integer not null default 0,
  last_error text,
  updated_at timestamptz not null default now(),
  primary key (identity_id, source)
);
create index identity_sync_state_source on identity_sync_state (source, next_check_at);

-- A run is ok, partial (some identities or parts failed: counted below) or failed, and keeps
-- the warnings its source reported.
alter table sync_runs drop constraint if exists sync_runs_status_check;
alter table sync_runs add constraint sync_runs_status_check check (status in ('running', 'ok', 'partial', 'failed'));
alter table sync_runs add column identities_ok integer not null default 0;
alter table sync_runs add column identities_failed integer not null default 0;
alter table sync_runs add column identities_skipped integer not null default 0;
alter table sync_runs add column warnings jsonb not null default '[]';
