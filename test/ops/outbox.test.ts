// The notification outbox: a crash between the lease and the send is re-sent once the lease
// has run out (and only then), failures back off exponentially and give up visibly, webhooks
// carry the Standard Webhooks headers with a signature a receiver can check, once per event,
// and the one-click unsubscribe headers of an email survive the retry.
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/domain/config.js';
import type { OutgoingEmail } from '../../src/notify/mailer.js';
import { createNotifier, standardWebhookSignature } from '../../src/notify/notifier.js';
import { enqueue, failedNotifications, LEASE_MS, leaseKey, MAX_ATTEMPTS, outboxBacklog, retryDelayMs } from '../../src/notify/outbox.js';
import { notificationSettingsSchema } from '../../src/notify/settings.js';
import { addMember } from '../../src/store/members.js';
import { webDb } from '../../src/web/queries/tables.js';
import { ENGINES, freshStore, type TestStore } from '../support/engines.js';

async function receiver(status: () => number) {
  const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      response.writeHead(status()).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received, close: () => new Promise((r) => server.close(r)) };
}

describe.each(ENGINES)('notification outbox on %s', (engine) => {
  let store: TestStore;
  let clock: Date;
  let mails: OutgoingEmail[];
  let mailFails: boolean;
  beforeEach(async () => {
    store = await freshStore(engine);
    clock = new Date('2026-06-15T10:00:00Z');
    mails = [];
    mailFails = false;
  });
  afterEach(() => store.dispose());

  function notifier(webhooks: { name: string; url: string; secret: string }[] = []) {
    return createNotifier({
      db: webDb(store.db),
      config: defaultConfig(),
      settings: notificationSettingsSchema.parse({ webhooks: webhooks.map((h) => ({ ...h, events: ['contribution.counted'] })) }),
      mailer: {
        send: async (message) => {
          if (mailFails) throw new Error('SMTP 451 try later');
          mails.push(message);
        },
      },
      fetch,
      now: () => clock,
      baseUrl: 'http://ambassadors.test',
    });
  }

  it('re-sends a notification whose sender died after the lease, once the lease ran out', async () => {
    const alice = await addMember(store.db, { handle: 'alice', name: 'Alice', email: 'alice@example.org', joinedAt: '2026-01-01' }, 'test');
    const db = webDb(store.db);
    const message: OutgoingEmail = { to: 'alice@example.org', subject: 'Hi', text: 'hi', html: '<p>hi</p>', headers: { 'List-Unsubscribe': '<http://ambassadors.test/u>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } };
    await enqueue(db, { key: 'k:1', kind: 'lapse-warning', channel: 'email', memberId: alice.id, recipient: 'alice@example.org', payload: { message } }, clock);
    // A sender leases it and dies before sending.
    expect(await leaseKey(db, 'k:1', clock)).toBeDefined();
    const n = notifier();
    expect(await n.deliverDue()).toEqual({ sent: 0, retrying: 0, failed: 0 });
    clock = new Date(clock.getTime() + LEASE_MS + 1000);
    expect(await n.deliverDue()).toEqual({ sent: 1, retrying: 0, failed: 0 });
    expect(await n.deliverDue()).toEqual({ sent: 0, retrying: 0, failed: 0 });
    expect(mails).toEqual([message]);
    expect(await db.selectFrom('notifications').select(['status', 'attempts']).execute()).toEqual([{ status: 'sent', attempts: 2 }]);
  });

  it('backs off exponentially and gives up visibly after the last attempt', async () => {
    const alice = await addMember(store.db, { handle: 'alice', name: 'Alice', email: 'alice@example.org', joinedAt: '2026-01-01' }, 'test');
    const n = notifier();
    mailFails = true;
    expect(await n.email({ key: 'welcome:x', kind: 'welcome', memberId: alice.id, to: 'alice@example.org', message: { subject: 'Welcome', text: 't', html: 'h' } })).toBe('failed');
    const next = await webDb(store.db).selectFrom('notifications').select(['status', 'next_attempt_at']).executeTakeFirstOrThrow();
    expect(next.status).toBe('pending');
    expect(new Date(next.next_attempt_at!).getTime() - clock.getTime()).toBe(retryDelayMs(1));
    expect(await n.deliverDue()).toEqual({ sent: 0, retrying: 0, failed: 0 });
    for (let attempt = 2; attempt <= MAX_ATTEMPTS; attempt += 1) {
      clock = new Date(clock.getTime() + retryDelayMs(attempt - 1));
      expect(await n.deliverDue()).toEqual(attempt < MAX_ATTEMPTS ? { sent: 0, retrying: 1, failed: 0 } : { sent: 0, retrying: 0, failed: 1 });
    }
    expect(retryDelayMs(2)).toBe(2 * retryDelayMs(1));
    expect(await failedNotifications(webDb(store.db))).toEqual([expect.objectContaining({ key: 'welcome:x', attempts: MAX_ATTEMPTS, error: 'SMTP 451 try later' })]);
    expect(await outboxBacklog(webDb(store.db))).toMatchObject({ pending: 0, sending: 0, failed: 1 });
    clock = new Date(clock.getTime() + 86_400_000);
    mailFails = false;
    expect(await n.deliverDue()).toEqual({ sent: 0, retrying: 0, failed: 0 });
  });

  it('signs webhooks the Standard Webhooks way and delivers each event once, retried until it succeeds', async () => {
    let status = 500;
    const hook = await receiver(() => status);
    try {
      const secret = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
      const n = notifier([{ name: 'crm', url: hook.url, secret }]);
      expect(await n.webhook('contribution.counted', '917', { handle: 'alice' })).toEqual(['failed']);
      clock = new Date(clock.getTime() + retryDelayMs(1));
      status = 200;
      expect(await n.deliverDue()).toEqual({ sent: 1, retrying: 0, failed: 0 });
      expect(await n.webhook('contribution.counted', '917', { handle: 'alice' })).toEqual(['already-sent']);
      expect(await n.deliverDue()).toEqual({ sent: 0, retrying: 0, failed: 0 });
      expect(hook.received).toHaveLength(2);
      const [first, second] = hook.received;
      expect(second!.body).toBe(first!.body);
      expect(second!.headers['webhook-id']).toBe(first!.headers['webhook-id']);
      const id = String(second!.headers['webhook-id']);
      const timestamp = String(second!.headers['webhook-timestamp']);
      expect(Number(timestamp)).toBe(Math.floor(clock.getTime() / 1000));
      // Checked as a receiver would, from the specification (base64 key after whsec_).
      const expected = createHmac('sha256', Buffer.from('0123456789abcdef0123456789abcdef')).update(`${id}.${timestamp}.${second!.body}`).digest('base64');
      expect(second!.headers['webhook-signature']).toBe(`v1,${expected}`);
      expect(standardWebhookSignature(secret, id, timestamp, second!.body)).toBe(`v1,${expected}`);
      expect(second!.body).not.toContain('whsec');
    } finally {
      await hook.close();
    }
  });
});
