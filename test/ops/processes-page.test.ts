// The console's Processes page: the registered processes with their heartbeats, the job
// queues, the outbox backlog and the notifications that gave up, which a manager can send
// again (audited); not for ambassadors.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerInstance } from '../../src/jobs/instances.js';
import { enqueue, leaseKey, settle } from '../../src/notify/outbox.js';
import { webDb } from '../../src/web/queries/tables.js';
import { get, NOW, post, webTest, type WebTest } from '../web/support.js';

describe('the Processes page', () => {
  let t: WebTest;
  beforeEach(async () => {
    t = await webTest();
  });
  afterEach(() => t.close());

  it('shows processes, queues and notifications that gave up, and sends one again', async () => {
    await registerInstance(t.store.db, 'host-a:4242:abcd', 'worker', '0.1.0');
    const db = webDb(t.store.db);
    await enqueue(db, { key: 'lapse-warning:1:2026-07-01', kind: 'lapse-warning', channel: 'email', memberId: null, recipient: 'x@example.org', payload: {} }, NOW);
    const row = (await leaseKey(db, 'lapse-warning:1:2026-07-01', NOW))!;
    await settle(db, row, 'SMTP 550 <mailbox unavailable>', NOW, false);

    const manager = await t.as(await t.addPerson('mona', 'manager'));
    const pageResponse = await get(t.app, manager, '/manage/processes');
    expect(pageResponse.statusCode).toBe(200);
    expect(pageResponse.body).toContain('host-a:4242:abcd');
    expect(pageResponse.body).toContain('lapse-warning:1:2026-07-01');
    expect(pageResponse.body).toContain('SMTP 550 &lt;mailbox unavailable&gt;');
    expect(pageResponse.body).toContain('The job queue is not set up yet');

    const retried = await post(t.app, manager, `/manage/processes/notifications/${row.id}/retry`);
    expect(retried.statusCode).toBe(303);
    expect(await db.selectFrom('notifications').select(['status', 'attempts']).execute()).toEqual([{ status: 'pending', attempts: 0 }]);
    const audit = await t.store.db.selectFrom('audit_log').select(['action', 'actor']).where('action', '=', 'notification.retry').execute();
    expect(audit).toEqual([{ action: 'notification.retry', actor: 'web:mona' }]);

    const ambassador = await t.as(await t.addPerson('amy'));
    expect((await get(t.app, ambassador, '/manage/processes')).statusCode).toBe(403);
    expect((await post(t.app, ambassador, `/manage/processes/notifications/${row.id}/retry`)).statusCode).toBe(403);
  });
});
