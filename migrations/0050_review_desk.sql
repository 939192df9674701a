-- The review desk and the member console (issue 12): the thread of every submission's review,
-- assignment to a manager, change requests, private manager notes, old handles that redirect
-- and email changes waiting for the new address to confirm.

-- A rejection that asks for changes: the person edits and resubmits.
alter table contributions add column changes_requested boolean not null default false;
-- The manager a pending item is assigned to.
alter table contributions add column assigned_to integer references members (id) on delete set null;
create index contributions_assigned on contributions (assigned_to) where review_state = 'pending';
create index contributions_pending_occurred on contributions (occurred_at, id) where review_state = 'pending';

-- The thread of a review: submitted, edited, assigned, approved, rejected, changes requested,
-- resubmitted, revoked, withdrawn. Goes with the contribution; the actor is a member id only
-- (no name kept here), so an erased manager leaves no trace.
create table review_events (
  id bigint generated always as identity primary key,
  contribution_id integer not null references contributions (id) on delete cascade,
  actor_id integer references members (id) on delete set null,
  action text not null check (action in ('submitted', 'edited', 'assigned', 'approved', 'rejected', 'changes_requested', 'resubmitted', 'revoked', 'withdrawn')),
  note text check (note is null or length(note) <= 2000),
  at timestamptz not null default now()
);
create index review_events_contribution on review_events (contribution_id, id);

-- Private notes managers keep about a member; never shown to the member or the public.
create table member_notes (
  id bigint generated always as identity primary key,
  member_id integer not null references members (id) on delete cascade,
  author_id integer references members (id) on delete set null,
  body text not null check (length(body) between 1 and 4000),
  created_at timestamptz not null default now()
);
create index member_notes_member on member_notes (member_id, id);

-- A member's former handles: /ambassadors/OLD redirects to the current one.
create table handle_aliases (
  old_handle text primary key check (old_handle = lower(old_handle) and length(old_handle) <= 39),
  member_id integer not null references members (id) on delete cascade,
  created_at timestamptz not null default now()
);
create index handle_aliases_member on handle_aliases (member_id);

-- An email change a manager started, waiting for the new address to confirm by its link.
create table email_changes (
  token_hash text primary key,
  member_id integer not null references members (id) on delete cascade,
  new_email text not null check (length(new_email) <= 254),
  requested_by integer references members (id) on delete set null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz
);
create index email_changes_member on email_changes (member_id);
