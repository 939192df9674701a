// The job queue's list holds retention (daily) and the alert check (every five minutes), and
// each runs with the worker's context.
import { sql, type Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/domain/config.js';
import { RECURRING_JOBS, type JobContext } from '../../src/jobs/recurring.js';
import type { OutgoingEmail } from '../../src/notify/mailer.js';
import { createNotifier } from '../../src/notify/notifier.js';
import { parseNotificationSettings } from '../../src/notify/settings.js';
import { addMember } from '../../src/store/members.js';
import type { WebDatabase } from '../../src/web/queries/tables.js';
import { freshStore, type TestStore } from '../support/engines.js';

const NOW = new Date('2026-12-01T12:00:00Z');
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('operations in the recurring jobs', () => {
  let store: TestStore | undefined;
  afterEach(async () => {
    await store?.dispose();
    store = undefined;
  });

  it('plans retention daily and alerts every five minutes, and runs them', async () => {
    const config = defaultConfig();
    const retention = RECURRING_JOBS.find((job) => job.queue === 'retention')!;
    const alerts = RECURRING_JOBS.find((job) => job.queue === 'alerts')!;
    expect(retention.plan(config, {})).toEqual([{ key: 'retention', spec: expect.objectContaining({ kind: 'cron', pattern: '17 3 * * *' }) }]);
    expect(alerts.plan(config, {})).toEqual([{ key: 'alerts', spec: expect.objectContaining({ kind: 'cron', pattern: '*/5 * * * *' }) }]);

    store = await freshStore('pglite');
    const { db } = store;
    await addMember(db, { handle: 'root', name: 'Root Admin', email: 'root@example.org', joinedAt: '2025-01-01', role: 'admin' }, 'test');
    for (let i = 0; i < 3; i += 1) await sql`insert into sync_runs (source, status, finished_at, error) values ('feeds', 'failed', now(), 'feeds: HTTP 500')`.execute(db);
    const mails: OutgoingEmail[] = [];
    const notifier = createNotifier({ db: db as unknown as Kysely<WebDatabase>, config, settings: parseNotificationSettings({}), mailer: { send: async (m) => void mails.push(m) }, fetch, now: () => NOW, baseUrl: 'http://ambassadors.test' });
    const context: JobContext = { store, config, notifier, now: () => NOW, log: quiet, runSource: async () => [] };
    const data = { key: 'alerts', trigger: 'manual' as const };
    expect(await alerts.run(context, data)).toMatchObject({ opened: ['source-failing:feeds'] });
    expect(await alerts.run(context, data)).toMatchObject({ opened: [], open: ['source-failing:feeds'] });
    await notifier.deliverDue(10);
    expect(mails.map((m) => m.to)).toEqual(['root@example.org']);
    expect(await retention.run(context, { key: 'retention', trigger: 'manual' })).toMatchObject({ dryRun: false, auditLog: null });
  });
});
