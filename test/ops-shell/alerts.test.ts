// Alerts on both engines: a source failing N runs in a row and a stuck job queue each open
// one incident, which emails the admins and posts an `operations.alert` webhook once —
// whichever instance checks, however often, even two at once — and closes when the condition
// clears; a later failure is a new incident and alerts again.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/domain/config.js';
import type { OutgoingEmail } from '../../src/notify/mailer.js';
import { createNotifier } from '../../src/notify/notifier.js';
import { parseNotificationSettings } from '../../src/notify/settings.js';
import { openQueue, queueSchema } from '../../src/jobs/queue.js';
import { checkAlerts, type AlertDeps } from '../../src/ops/alerts.js';
import { parseOperationsSettings } from '../../src/ops/settings.js';
import { addMember } from '../../src/store/members.js';
import type { WebDatabase } from '../../src/web/queries/tables.js';
import type { Kysely } from 'kysely';
import { ENGINES, freshStore, type TestStore } from '../support/engines.js';

const NOW = new Date('2026-12-01T12:00:00Z');
const minutes = (n: number) => new Date(NOW.getTime() + n * 60_000);

interface Received {
  event: string | undefined;
  body: { event: string; data: Record<string, unknown> };
}

async function receiver(): Promise<{ url: string; received: Received[]; close: () => Promise<void> }> {
  const received: Received[] = [];
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      received.push({ event: request.headers['x-ambassador-event'] as string | undefined, body: JSON.parse(body) as Received['body'] });
      response.statusCode = 204;
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe.each(ENGINES)('alerts on %s', (engine) => {
  let store: TestStore | undefined;
  let hook: Awaited<ReturnType<typeof receiver>> | undefined;
  afterEach(async () => {
    if (store?.schema) await sql`drop schema if exists ${sql.id(queueSchema(store))} cascade`.execute(store.db);
    await store?.dispose();
    await hook?.close();
    store = undefined;
    hook = undefined;
  });

  it('alerts once per incident, from any instance, and again for a new incident', async () => {
    store = await freshStore(engine);
    hook = await receiver();
    const { db } = store;
    await addMember(db, { handle: 'root', name: 'Root Admin', email: 'root@example.org', joinedAt: '2025-01-01', role: 'admin' }, 'test');
    await addMember(db, { handle: 'mia', name: 'Mia Manager', email: 'mia@example.org', joinedAt: '2025-01-01', role: 'manager' }, 'test');
    const mails: OutgoingEmail[] = [];
    const settings = parseNotificationSettings({ webhooks: [{ name: 'ops', url: hook.url, secret: 'a-webhook-secret-0123', events: ['operations.alert'] }] });
    // Each "instance" has its own notifier on the one database.
    const instance = (): AlertDeps => ({
      notifier: createNotifier({ db: db as unknown as Kysely<WebDatabase>, config: defaultConfig(), settings, mailer: { send: async (m) => void mails.push(m) }, fetch, now: () => NOW, baseUrl: 'http://ambassadors.test' }),
      settings: parseOperationsSettings({ alerts: { sourceFailures: 3 } }).alerts,
      programName: 'Ambassadors',
    });
    const failRuns = async (count: number) => {
      for (let i = 0; i < count; i += 1) await sql`insert into sync_runs (source, status, finished_at, error) values ('github', 'failed', now(), 'github: HTTP 502 from https://api.github.com/users')`.execute(db);
    };

    await failRuns(2);
    expect(await checkAlerts(db, instance(), NOW)).toMatchObject({ opened: [], open: [], emails: 0 });
    await failRuns(1);
    // Two instances check at the same moment: one incident, one email, one webhook.
    const [first, second] = await Promise.all([checkAlerts(db, instance(), NOW), checkAlerts(db, instance(), NOW)]);
    expect([...first.opened, ...second.opened]).toEqual(['source-failing:github']);
    expect(mails.map((m) => m.to)).toEqual(['root@example.org']);
    expect(mails[0]!.subject).toBe('[Ambassadors] alert: github keeps failing');
    expect(mails[0]!.text).toContain('failed 3 runs in a row');
    expect(hook.received).toHaveLength(1);
    expect(hook.received[0]).toMatchObject({ event: 'operations.alert', body: { event: 'operations.alert', data: { alert: 'source-failing:github', source: 'github', failures: 3 } } });

    // Still failing, checked again later and elsewhere: nothing new goes out.
    await failRuns(1);
    expect(await checkAlerts(db, instance(), minutes(10))).toMatchObject({ opened: [], open: ['source-failing:github'], emails: 0, webhooks: 0 });
    expect(mails).toHaveLength(1);

    // A success clears it; three new failures are a new incident.
    await sql`insert into sync_runs (source, status, finished_at) values ('github', 'ok', now())`.execute(db);
    expect(await checkAlerts(db, instance(), minutes(20))).toMatchObject({ resolved: ['source-failing:github'], open: [] });
    await failRuns(3);
    expect(await checkAlerts(db, instance(), minutes(30))).toMatchObject({ opened: ['source-failing:github'], emails: 1, webhooks: 1 });
    expect(mails).toHaveLength(2);
    expect(hook.received).toHaveLength(2);
  });

  it('alerts when the oldest due job has waited too long', async () => {
    store = await freshStore(engine);
    const { db } = store;
    await addMember(db, { handle: 'root', name: 'Root Admin', email: 'root@example.org', joinedAt: '2025-01-01', role: 'admin' }, 'test');
    const mails: OutgoingEmail[] = [];
    const deps: AlertDeps = {
      notifier: createNotifier({ db: db as unknown as Kysely<WebDatabase>, config: defaultConfig(), settings: parseNotificationSettings({}), mailer: { send: async (m) => void mails.push(m) }, fetch, now: () => NOW, baseUrl: 'http://ambassadors.test' }),
      settings: parseOperationsSettings({ alerts: { queueStuckMinutes: 30 } }).alerts,
      programName: 'Ambassadors',
    };
    deps.queueSchema = queueSchema(store);
    // No queue yet: nothing to say.
    expect(await checkAlerts(db, deps, NOW)).toMatchObject({ open: [] });
    // The real job queue, with a job due 20 minutes ago that no worker takes.
    const queue = await openQueue(store, { supervise: false });
    let jobId: string | null;
    try {
      await queue.createQueue('sync_feeds');
      jobId = await queue.send('sync_feeds', {}, { startAfter: minutes(-20) });
    } finally {
      queue.detach();
      await queue.stop({ graceful: false, wait: true, close: false }).catch(() => undefined);
    }
    expect(jobId).not.toBeNull();
    expect(await checkAlerts(db, deps, NOW)).toMatchObject({ open: [] });
    expect(await checkAlerts(db, deps, minutes(15))).toMatchObject({ opened: ['queue-stuck'], emails: 1 });
    expect(mails[0]!.subject).toBe('[Ambassadors] alert: the job queue is stuck');
    expect(mails[0]!.text).toContain('sync_feeds: 1 waiting');
    // A worker takes it: the incident closes.
    await sql`update ${sql.table(`${queueSchema(store)}.job`)} set state = 'active' where id = ${jobId}`.execute(db);
    expect(await checkAlerts(db, deps, minutes(16))).toMatchObject({ resolved: ['queue-stuck'] });
  });
});
