-- The trust boundary: claims that protect the real owner, GitHub tied to its immutable user
-- id, single-use OAuth state with PKCE, trusted calendars, scoped ingest tokens and an erasure
-- list keyed by a server secret.

-- An unverified link never blocks anybody: only a verified identity is unique. A member still
-- links the same identity once.
drop index identities_platform_external_ci;
create unique index identities_verified_once on identities (platform, lower(external_id)) where verified_at is not null;
create unique index identities_member_once on identities (member_id, platform, lower(external_id));
create index identities_platform_external on identities (platform, lower(external_id));

-- The upstream's immutable id of the account (GitHub's numeric user id), learnt from an OAuth
-- round trip; a rename of the login updates external_id, never the binding.
alter table identities add column upstream_id text;
create unique index identities_upstream on identities (platform, upstream_id) where upstream_id is not null;

-- A manager's judgement that what this identity publishes (a calendar) is a real community
-- programme: its events count without review.
alter table identities add column trusted_at timestamptz;
alter table identities add column trusted_by text;

-- OAuth round trips in flight: the state is single-use (deleted when it is used) and carries
-- the PKCE verifier, so any instance can finish what another started.
create table oauth_states (
  state_hash text primary key,
  code_verifier text not null,
  next_path text not null,
  member_id integer references members (id) on delete cascade,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index oauth_states_expires on oauth_states (expires_at);

-- Ingest tokens report only the kinds they were issued for; tokens issued before this have
-- none until an admin issues a new one. Two active tokens never share a source name: the
-- older of any pair is revoked here.
alter table api_tokens add column kinds text[] not null default '{}';
update api_tokens set revoked_at = now()
  where revoked_at is null
    and id not in (select max(id) from api_tokens where revoked_at is null group by source);
create unique index api_tokens_active_source on api_tokens (source) where revoked_at is null;

-- Erasure keys: 'hmac' rows are HMAC-SHA256 under the server secret erasure.hmac of the old
-- SHA-256; 'sha256' rows (written before this) are rewritten to it by the program on first use.
alter table erasures add column scheme text not null default 'sha256' check (scheme in ('sha256', 'hmac'));
