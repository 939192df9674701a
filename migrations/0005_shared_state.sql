-- State that every server instance must share: secrets generated once (session signing, the
-- erasure list's HMAC key, credential issuer keys) and fixed-window rate-limit counters.

create table server_secrets (
  name text primary key check (name ~ '^[a-z][a-z0-9_.-]{0,62}$'),
  value text not null,
  created_at timestamptz not null default now()
);

create table rate_limit_hits (
  key text not null,
  window_start timestamptz not null,
  hits integer not null,
  primary key (key, window_start)
);
create index rate_limit_hits_window on rate_limit_hits (window_start);
