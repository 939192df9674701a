// Done when (issue 11): the database connections of a running server are killed
// (pg_terminate_backend, as a PostgreSQL restart, failover or idle_session_timeout would) and
// the server lives on: the next request succeeds, /readyz says ready again.
import { afterEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import { ENGINES } from '../support/engines.js';
import { createDatabase, startProcess, type RunningProcess, type TestDatabase } from './processes.js';

const postgres = ENGINES.includes('postgres');

describe.skipIf(!postgres)('a server whose database connections are killed', () => {
  let database: TestDatabase | undefined;
  let server: RunningProcess | undefined;
  afterEach(async () => {
    await server?.stop();
    await database?.drop();
  });

  it('survives, and the next request succeeds', async () => {
    database = await createDatabase();
    server = await startProcess(['serve', '--port', '0', '--host', '127.0.0.1', '--no-sync'], { DATABASE_URL: database.url });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ready: true, database: 'ok', migrations: { pending: [], unknown: [] } });
    // Several requests at once so the pool holds several idle connections.
    await Promise.all(Array.from({ length: 4 }, () => fetch(`${server!.url}/ambassadors?before=${Math.random()}`).then((r) => r.arrayBuffer())));

    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    const killed = await admin.query(
      `select pg_terminate_backend(pid) as ok from pg_stat_activity where datname = current_database() and application_name = 'ambassador' and pid <> pg_backend_pid()`,
    );
    await admin.end();
    expect(killed.rowCount).toBeGreaterThan(0);

    // A query string no earlier request used: the page cache cannot answer for the database.
    const after = await fetch(`${server.url}/ambassadors?after=1`).catch((error: Error) => {
      throw new Error(`${error.message}; server output:\n${server!.output().slice(-3000)}`);
    });
    expect(after.status, server.output().slice(-3000)).toBe(200);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    expect(server.child.exitCode).toBeNull();
    expect(server.output()).toMatch(/database connection lost/);
  }, 120_000);
});
