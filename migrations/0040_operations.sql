-- Operations: the upstream API quotas last seen by any instance (for /metrics, so every
-- instance reports the same), and the alerts raised, one row per incident key so that an
-- alert goes out once per incident whichever instance notices it.

create table upstream_quotas (
  host text primary key check (length(host) between 1 and 255),
  remaining integer not null,
  quota_limit integer,
  resets_at timestamptz,
  observed_at timestamptz not null default now()
);

create table operation_alerts (
  -- e.g. "source-failing:github" or "queue-stuck"
  key text primary key check (length(key) between 1 and 200),
  kind text not null,
  details jsonb not null default '{}'::jsonb,
  opened_at timestamptz not null default now(),
  -- null while the incident lasts; set when the condition clears (a later one opens anew)
  resolved_at timestamptz
);
