// Notifications: each sent at most once and recorded; webhooks signed with HMAC-SHA256 to a
// loopback receiver; failures recorded and retried; lapse warnings and lapses at a date.
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/domain/config.js';
import { buildConfig } from '../../src/domain/config.js';
import { checkLapses } from '../../src/notify/lapses.js';
import { createNotifier, signWebhook } from '../../src/notify/notifier.js';
import { notifyContributionCounted, notifyWelcome } from '../../src/notify/events.js';
import type { OutgoingEmail } from '../../src/notify/mailer.js';
import { notificationSettingsSchema } from '../../src/notify/settings.js';
import { upsertContributions } from '../../src/store/contributions.js';
import { addMember } from '../../src/store/members.js';
import { webDb } from '../../src/web/queries/tables.js';
import { webSettingsSchema } from '../../src/web/settings.js';
import { freshStore, type TestStore } from '../support/engines.js';

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

async function receiver(status: () => number) {
  const received: Received[] = [];
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

describe('notifications', () => {
  let store: TestStore;
  let mails: OutgoingEmail[];
  let failMail = false;
  beforeEach(async () => {
    store = await freshStore('pglite');
    mails = [];
    failMail = false;
  });
  afterEach(() => store.dispose());

  function notifier(webhooks: { name: string; url: string; secret: string }[] = [], at = new Date('2026-06-15T10:00:00Z')) {
    const config = defaultConfig();
    return createNotifier({
      db: webDb(store.db),
      config,
      settings: notificationSettingsSchema.parse({ webhooks }),
      mailer: {
        send: async (message) => {
          if (failMail) throw new Error('SMTP 451 try later');
          mails.push(message);
        },
      },
      fetch,
      now: () => at,
      baseUrl: 'http://ambassadors.test',
    });
  }

  it('sends an email once per key, records it, and retries a failure', async () => {
    const alice = await addMember(store.db, { handle: 'alice', name: 'Alice', email: 'alice@example.org', joinedAt: '2026-01-01' }, 'test');
    const n = notifier();
    failMail = true;
    expect(await notifyWelcome(n, defaultConfig(), alice)).toBe('failed');
    failMail = false;
    expect(await notifyWelcome(n, defaultConfig(), alice)).toBe('sent');
    expect(await notifyWelcome(n, defaultConfig(), alice)).toBe('already-sent');
    expect(mails).toHaveLength(1);
    const rows = await webDb(store.db).selectFrom('notifications').selectAll().execute();
    expect(rows).toEqual([expect.objectContaining({ key: `welcome:${alice.id}`, status: 'sent', attempts: 2, channel: 'email' })]);
  });

  it('signs webhooks with HMAC-SHA256 over the timestamp and body, once per event', async () => {
    let status = 200;
    const hook = await receiver(() => status);
    try {
      const alice = await addMember(store.db, { handle: 'alice', name: 'Alice', joinedAt: '2026-01-01' }, 'test');
      await upsertContributions(store.db, defaultConfig(), [{ memberId: alice.id, source: 'x', externalId: '1', kind: 'talk', title: 'Talk', url: null, occurredAt: '2026-05-01T00:00:00Z', reviewState: 'counted' }]);
      const row = await store.db.selectFrom('contributions').selectAll().executeTakeFirstOrThrow();
      const n = notifier([{ name: 'crm', url: hook.url, secret: 'whsec-0123456789abcdef' }]);
      status = 500;
      await notifyContributionCounted(n, alice, row);
      status = 200;
      await notifyContributionCounted(n, alice, row);
      await notifyContributionCounted(n, alice, row);
      expect(hook.received).toHaveLength(2);
      const delivered = hook.received[1]!;
      const timestamp = String(delivered.headers['x-ambassador-timestamp']);
      const expected = `sha256=${createHmac('sha256', 'whsec-0123456789abcdef').update(`${timestamp}.${delivered.body}`).digest('hex')}`;
      expect(delivered.headers['x-ambassador-signature']).toBe(expected);
      expect(signWebhook('whsec-0123456789abcdef', timestamp, delivered.body)).toBe(expected);
      expect(delivered.headers['x-ambassador-event']).toBe('contribution.counted');
      const body = JSON.parse(delivered.body) as { event: string; data: { handle: string; points: number } };
      expect(body.event).toBe('contribution.counted');
      expect(body.data).toEqual(expect.objectContaining({ handle: 'alice', points: 30 }));
      expect(delivered.body).not.toContain('whsec');
    } finally {
      await hook.close();
    }
  });

  it('warns before a lapse and tells after it, each once per window', async () => {
    const config = defaultConfig();
    const lapsing = await addMember(store.db, { handle: 'lapsing', name: 'Lapsing', email: 'l@example.org', joinedAt: '2026-01-01' }, 'test');
    await addMember(store.db, { handle: 'lapsed', name: 'Lapsed', email: 'd@example.org', joinedAt: '2025-12-01' }, 'test');
    await addMember(store.db, { handle: 'fresh', name: 'Fresh', email: 'f@example.org', joinedAt: '2026-06-01' }, 'test');
    const at = '2026-06-15';
    const n = notifier([], new Date(`${at}T06:00:00Z`));
    const first = await checkLapses(webDb(store.db), config, n, at);
    expect(first).toEqual({ warned: ['lapsing'], lapsed: ['lapsed'] });
    const again = await checkLapses(webDb(store.db), config, n, at);
    expect(again).toEqual({ warned: [], lapsed: [] });
    expect(mails.map((m) => [m.to, m.subject])).toEqual([
      ['d@example.org', 'Your ambassador status has lapsed'],
      ['l@example.org', 'Your ambassador status lapses in 16 days'],
    ]);
    // A new contribution opens a new window: the next warning is a new notification.
    await upsertContributions(store.db, config, [{ memberId: lapsing.id, source: 'x', externalId: 'n', kind: 'talk', title: 'T', url: null, occurredAt: '2026-06-10T00:00:00Z', reviewState: 'counted' }]);
    const later = await checkLapses(webDb(store.db), config, notifier([], new Date('2026-11-20T06:00:00Z')), '2026-11-20');
    expect(later.warned).toContain('lapsing');
  });
});

describe('settings schemas', () => {
  it('give defaults and reject weak secrets', () => {
    expect(webSettingsSchema.parse({})).toEqual(expect.objectContaining({ sessionDays: 30, signInLinkMinutes: 30, signInRateLimit: { max: 5, windowMinutes: 15 }, ingestTokens: [] }));
    expect(webSettingsSchema.safeParse({ sessionSecret: 'short' }).success).toBe(false);
    expect(notificationSettingsSchema.parse({}).webhooks).toEqual([]);
    expect(notificationSettingsSchema.safeParse({ webhooks: [{ name: 'x', url: 'ftp://x', secret: '0123456789abcdef' }] }).success).toBe(false);
    expect(notificationSettingsSchema.safeParse({ email: { smtpUrl: 'http://x' } }).success).toBe(false);
    expect(buildConfig({ web: { anything: 1 } }).ok).toBe(true);
  });
});
