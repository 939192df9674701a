// Done when (issue 11): the database connections of a running server are killed
// (pg_terminate_backend, as a PostgreSQL restart, failover or idle_session_timeout would) and
// the server lives on: the next request succeeds, /readyz says ready again.
import { afterEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import { isConnectionError } from '../../src/store/db.js';
import { describeError } from '../../src/web/errors.js';
import { checkReadiness } from '../../src/web/readiness.js';
import { ENGINES, freshStore } from '../support/engines.js';
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
      `select pg_terminate_backend(pid) as ok from pg_stat_activity where datname = current_database() and application_name like 'ambassador%' and pid <> pg_backend_pid()`,
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
    // The page-cache listener (its own connection) came back too: it LISTENs again.
    const listening = async () => {
      const probe = new pg.Client({ connectionString: database!.url });
      await probe.connect();
      const rows = await probe.query(`select 1 from pg_stat_activity where datname = current_database() and application_name = 'ambassador-listen'`);
      await probe.end();
      return rows.rowCount === 1;
    };
    for (let i = 0; i < 100 && !(await listening()); i += 1) await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await listening()).toBe(true);
    expect(server.child.exitCode).toBeNull();
  }, 120_000);
});

describe('errors of a lost database', () => {
  it('answer 503 (try again), not 500', () => {
    const terminated = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const cut = new Error('Connection terminated unexpectedly');
    for (const error of [terminated, refused, cut]) {
      expect(isConnectionError(error)).toBe(true);
      expect(describeError(error)).toMatchObject({ status: 503, body: { error: { code: 'unavailable' } } });
    }
    const syntax = Object.assign(new Error('syntax error'), { code: '42601' });
    expect(isConnectionError(syntax)).toBe(false);
    expect(describeError(syntax).status).toBe(500);
  });

  it.each(ENGINES)('make /readyz say unavailable on %s', async (engine) => {
    const store = await freshStore(engine);
    expect(await checkReadiness(store.db)).toMatchObject({ ready: true });
    await store.dispose();
    expect(await checkReadiness(store.db)).toMatchObject({ ready: false, database: 'unavailable' });
  });
});
