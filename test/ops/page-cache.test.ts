// The page cache of every instance follows writes made anywhere: a write through one instance
// (or a command) to a table the public pages read notifies every listening process, whose
// cached pages go. The cache here lives an hour, so only the notification can refresh it.
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { openStore, type Store } from '../../src/store/db.js';
import { addMember } from '../../src/store/members.js';
import { buildApp } from '../../src/web/app.js';
import { testConfig } from '../web/support.js';
import { ENGINES, freshStore, POSTGRES_URL, type TestStore } from '../support/engines.js';

async function until(condition: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.each(ENGINES)('page cache across instances on %s', (engine) => {
  let store: TestStore;
  let other: Store | undefined;
  const apps: FastifyInstance[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
    await other?.close();
    other = undefined;
    await store.dispose();
  });

  it('serves a page changed through another instance fresh', async () => {
    store = await freshStore(engine);
    // On PostgreSQL the second instance has its own connections; PGlite has one database per process.
    other = engine === 'postgres' ? await openStore({ databaseUrl: POSTGRES_URL, schema: store.schema, maxConnections: 2 }) : undefined;
    const config = testConfig();
    const a = await buildApp({ store, config, pageCacheSeconds: 3600, verifyIdentity: null, mailer: null });
    const b = await buildApp({ store: other ?? store, config, pageCacheSeconds: 3600, verifyIdentity: null, mailer: null });
    apps.push(a, b);
    const before = await b.inject({ url: '/leaderboard' });
    expect(before.statusCode).toBe(200);
    const again = await b.inject({ url: '/leaderboard' });
    expect(again.headers['x-cache']).toBe('hit');
    expect(again.body).toBe(before.body);

    // Written through instance A's connection, as the join form or a sync would.
    await addMember(store.db, { handle: 'newcomer', name: 'Nova Newcomer', email: 'nova@example.org', joinedAt: '2026-01-10' }, 'test');
    await until(async () => (await b.inject({ url: '/leaderboard' })).headers['x-cache'] !== 'hit');
    const home = await b.inject({ url: '/' });
    expect(home.headers['x-cache']).not.toBe('hit');
  }, 120_000);
});
