-- The sync engine: where each source stopped, a record of every run, and the validators of
-- conditional requests per URL.

create table sync_cursors (
  source text primary key,
  cursor jsonb,
  updated_at timestamptz not null default now()
);

create table sync_runs (
  id integer generated always as identity primary key,
  source text not null,
  scope text,
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  status text not null default 'running' check (status in ('running', 'ok', 'failed')),
  items_new integer not null default 0,
  items_updated integer not null default 0,
  items_unchanged integer not null default 0,
  requests integer not null default 0,
  not_modified integer not null default 0,
  rate_limited_waits integer not null default 0,
  identities_flagged integer not null default 0,
  error text
);
create index sync_runs_source on sync_runs (source, id desc);

create table http_validators (
  url text primary key,
  etag text,
  last_modified text,
  body text,
  updated_at timestamptz not null default now()
);
