-- The processes running against this database (serve, serve --no-worker, worker), each with a
-- heartbeat, and the jobs each one is running. A process whose heartbeat stops (kill -9, a
-- lost machine) is reaped by a live worker: its jobs are failed in the queue, so they are
-- retried elsewhere, and the sync runs it left `running` are marked failed.

create table process_instances (
  id text primary key,
  role text not null check (role in ('web', 'worker', 'web+worker')),
  hostname text not null,
  pid integer not null,
  version text not null,
  started_at timestamptz not null default now(),
  heartbeat_at timestamptz not null default now()
);
create index process_instances_heartbeat on process_instances (heartbeat_at);

create table job_claims (
  job_id text primary key,
  queue text not null,
  instance_id text not null,
  -- The sync source a sync job runs, so its run record can be closed when the process dies.
  source text,
  started_at timestamptz not null default now()
);
create index job_claims_instance on job_claims (instance_id);
