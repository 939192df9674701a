// Retention on both engines: what has served its purpose goes, what is still needed stays —
// live sessions, unsent or failed notifications, the latest run of every source, validators
// of linked identities, and the audit log unless a period is set. A dry run counts the same
// rows and deletes none.
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { buildConfig } from '../../src/domain/config.js';
import { OPERATIONS_SCHEDULES, retentionJob } from '../../src/ops/jobs.js';
import { runRetention } from '../../src/ops/retention.js';
import { scheduleProblem } from '../../src/sync/schedule-spec.js';
import { parseOperationsSettings } from '../../src/ops/settings.js';
import { linkIdentity } from '../../src/store/identities.js';
import { addMember } from '../../src/store/members.js';
import { ENGINES, freshStore, type TestStore } from '../support/engines.js';

const NOW = new Date('2026-12-01T12:00:00Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000);

async function seed(store: TestStore) {
  const { db } = store;
  const ada = await addMember(db, { handle: 'ada', name: 'Ada', email: 'ada@example.org', joinedAt: '2025-01-01' }, 'test');
  await linkIdentity(db, ada.id, { platform: 'feed', externalId: 'https://ada.example/feed.xml' }, { verified: true }, 'test');
  await sql`insert into sessions (id_hash, member_id, expires_at) values ('expired', ${ada.id}, ${daysAgo(1)}), ('live', ${ada.id}, ${daysAgo(-10)})`.execute(db);
  await sql`insert into login_tokens (token_hash, member_id, expires_at) values ('old', ${ada.id}, ${daysAgo(1)}), ('fresh', ${ada.id}, ${daysAgo(-1)})`.execute(db);
  await sql`
    insert into notifications (key, kind, channel, member_id, recipient, status, created_at, sent_at) values
      ('sent-old', 'welcome', 'email', ${ada.id}, 'ada@example.org', 'sent', ${daysAgo(500)}, ${daysAgo(500)}),
      ('sent-recent', 'welcome', 'email', ${ada.id}, 'ada@example.org', 'sent', ${daysAgo(10)}, ${daysAgo(10)}),
      ('failed-old', 'welcome', 'email', ${ada.id}, 'ada@example.org', 'failed', ${daysAgo(500)}, null)
  `.execute(db);
  await sql`
    insert into sync_runs (source, started_at, finished_at, status) values
      ('feeds', ${daysAgo(200)}, ${daysAgo(200)}, 'ok'),
      ('feeds', ${daysAgo(150)}, ${daysAgo(150)}, 'failed'),
      ('feeds', ${daysAgo(1)}, ${daysAgo(1)}, 'ok'),
      ('github', ${daysAgo(300)}, ${daysAgo(300)}, 'ok'),
      ('github', ${daysAgo(120)}, ${daysAgo(120)}, 'ok')
  `.execute(db);
  await sql`
    insert into http_validators (url, etag, updated_at) values
      ('https://ada.example/feed.xml', '"a"', ${daysAgo(90)}),
      ('https://gone.example/feed.xml', '"b"', ${daysAgo(90)}),
      ('https://gone.example/recent.xml', '"c"', ${daysAgo(2)})
  `.execute(db);
  await sql`insert into audit_log (at, actor, action, subject_type) values (${daysAgo(800)}, 'test', 'old.thing', 'member')`.execute(db);
}

const count = async (store: TestStore, table: string) =>
  Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(store.db)).rows[0]!.n);

describe.each(ENGINES)('retention on %s', (engine) => {
  let store: TestStore | undefined;
  afterEach(async () => {
    await store?.dispose();
    store = undefined;
  });

  it('deletes what has served its purpose and keeps what is still needed; a dry run deletes nothing', async () => {
    store = await freshStore(engine);
    await seed(store);
    const settings = parseOperationsSettings({}).retention;
    const before = { audit: await count(store, 'audit_log') };

    const dry = await runRetention(store.db, settings, NOW, { dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, sessions: 1, loginTokens: 1, notifications: 1, syncRuns: 3, validators: 1, auditLog: null });
    expect(await count(store, 'sessions')).toBe(2);
    expect(await count(store, 'sync_runs')).toBe(5);

    const done = await runRetention(store.db, settings, NOW);
    expect({ ...done, dryRun: true }).toEqual(dry);
    expect((await sql<{ id_hash: string }>`select id_hash from sessions`.execute(store.db)).rows.map((r) => r.id_hash)).toEqual(['live']);
    expect((await sql<{ key: string }>`select key from notifications order by key`.execute(store.db)).rows.map((r) => r.key)).toEqual(['failed-old', 'sent-recent']);
    const runs = (await sql<{ source: string; status: string }>`select source, status from sync_runs order by id`.execute(store.db)).rows;
    // github's latest run is 120 days old, over the 90 days: kept, being the latest.
    expect(runs).toEqual([
      { source: 'feeds', status: 'ok' },
      { source: 'github', status: 'ok' },
    ]);
    expect((await sql<{ url: string }>`select url from http_validators order by url`.execute(store.db)).rows.map((r) => r.url)).toEqual([
      'https://ada.example/feed.xml',
      'https://gone.example/recent.xml',
    ]);
    expect(await count(store, 'audit_log')).toBe(before.audit);

    // Run again: nothing left to do.
    expect(await runRetention(store.db, settings, NOW)).toMatchObject({ sessions: 0, notifications: 0, syncRuns: 0, validators: 0 });
  });

  it('trims the audit log only when a period is set', async () => {
    store = await freshStore(engine);
    await seed(store);
    const before = await count(store, 'audit_log');
    const outcome = await runRetention(store.db, parseOperationsSettings({ retention: { auditLogDays: 365 } }).retention, NOW);
    expect(outcome.auditLog).toBe(1);
    expect(await count(store, 'audit_log')).toBe(before - 1);
  });

  it('the recurring job reads operations.retention from the config', async () => {
    store = await freshStore(engine);
    await seed(store);
    const built = buildConfig({ operations: { retention: { auditLogDays: 365 } } });
    if (!built.ok) throw new Error(built.problems.join('; '));
    expect(await retentionJob(store.db, built.config, NOW)).toMatchObject({ auditLog: 1, syncRuns: 3 });
    for (const pattern of Object.values(OPERATIONS_SCHEDULES)) expect(scheduleProblem(pattern)).toBeNull();
  });
});
