// Sends notifications through the outbox (outbox.ts), each at most once per event. Each has a
// key (welcome:42, review:917:counted, webhook:crm:contribution.counted:917); the row is
// written first, then leased and sent at once; a failure is retried by the outbox delivery
// job (src/jobs/recurring.ts) with exponential backoff, or at once when the same event happens
// again, until it is sent or gives up (status failed, shown in the console). Webhooks follow
// the Standard Webhooks conventions (webhook-id, webhook-timestamp, webhook-signature).
// Sign-in links are sent but never recorded: the link is a secret.
import { createHmac } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { ProgramConfig } from '../domain/config-schema.js';
import type { WebDatabase } from '../web/queries/tables.js';
import type { Mailer, OutgoingEmail } from './mailer.js';
import type { Message } from './messages.js';
import { enqueue, leaseDue, leaseKey, settle, type OutboxRow } from './outbox.js';
import type { NotificationSettings, WebhookEvent } from './settings.js';

export interface NotifierOptions {
  db: Kysely<WebDatabase>;
  config: ProgramConfig;
  settings: NotificationSettings;
  mailer: Mailer | null;
  fetch: typeof fetch;
  now: () => Date;
  baseUrl: string;
}

export interface EmailNotification {
  key: string;
  kind: string;
  memberId: number;
  to: string | null;
  message: Message;
}

export type SendOutcome = 'sent' | 'skipped' | 'failed' | 'already-sent';

export interface DeliveryRun {
  sent: number;
  retrying: number;
  failed: number;
}

export interface Notifier {
  baseUrl: string;
  emailConfigured: boolean;
  /** Sent now, never recorded (sign-in links). */
  sendTransient(to: string, message: Message): Promise<void>;
  email(notification: EmailNotification): Promise<SendOutcome>;
  webhook(event: WebhookEvent, id: string, data: Record<string, unknown>): Promise<SendOutcome[]>;
  /** Sends what is due in the outbox: retries whose time came and rows whose lease ran out. */
  deliverDue(limit?: number): Promise<DeliveryRun>;
}

/** The program's own signature header (x-ambassador-signature), kept for existing receivers. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * The Standard Webhooks signature: `v1,` and the base64 HMAC-SHA256 of `id.timestamp.body`.
 * A `whsec_` secret is base64 after its prefix, as the specification's libraries read it;
 * any other secret is used as its UTF-8 bytes.
 */
export function standardWebhookSignature(secret: string, id: string, timestamp: string, body: string): string {
  const key = secret.startsWith('whsec_') ? Buffer.from(secret.slice('whsec_'.length), 'base64') : Buffer.from(secret, 'utf8');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

interface EmailPayload {
  message?: OutgoingEmail;
  subject?: string;
}

interface WebhookPayload {
  event?: string;
  body?: string;
}

class PermanentFailure extends Error {}

export function createNotifier(options: NotifierOptions): Notifier {
  const { db, settings, mailer } = options;

  async function deliverEmail(row: OutboxRow): Promise<void> {
    if (!mailer) throw new PermanentFailure('email is not configured');
    const payload = row.payload as EmailPayload;
    if (!payload.message) throw new PermanentFailure('the message was not kept (queued before the outbox)');
    await mailer.send(payload.message);
  }

  async function deliverWebhook(row: OutboxRow): Promise<void> {
    const hook = settings.webhooks.find((h) => h.name === row.recipient);
    if (!hook) throw new PermanentFailure(`webhook ${row.recipient} is no longer configured`);
    const payload = row.payload as WebhookPayload;
    if (typeof payload.body !== 'string' || typeof payload.event !== 'string') throw new PermanentFailure('the event body was not kept (queued before the outbox)');
    const timestamp = String(Math.floor(options.now().getTime() / 1000));
    const response = await options.fetch(hook.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'magento-ambassador-webhooks',
        // Standard Webhooks: the id is the same on every attempt, so a receiver can dedupe.
        'webhook-id': row.key,
        'webhook-timestamp': timestamp,
        'webhook-signature': standardWebhookSignature(hook.secret, row.key, timestamp, payload.body),
        'x-ambassador-event': payload.event,
        'x-ambassador-delivery': row.key,
        'x-ambassador-timestamp': timestamp,
        'x-ambassador-signature': signWebhook(hook.secret, timestamp, payload.body),
      },
      body: payload.body,
      signal: AbortSignal.timeout(settings.webhookTimeoutMs),
      redirect: 'manual',
    });
    await response.arrayBuffer().catch(() => undefined);
    // 410 Gone: the receiver says it will never take this again.
    if (response.status === 410) throw new PermanentFailure('HTTP 410');
    if (response.status < 200 || response.status >= 300) throw new Error(`HTTP ${response.status}`);
  }

  async function attempt(row: OutboxRow): Promise<'sent' | 'retry' | 'failed'> {
    try {
      await (row.channel === 'email' ? deliverEmail(row) : deliverWebhook(row));
      return await settle(db, row, null, options.now());
    } catch (error) {
      return settle(db, row, (error as Error).message || String(error), options.now(), !(error instanceof PermanentFailure));
    }
  }

  /** Writes the row if new and sends it now unless it was sent or another sender holds it. */
  async function sendOnce(row: Parameters<typeof enqueue>[1]): Promise<SendOutcome> {
    await enqueue(db, row, options.now());
    const leased = await leaseKey(db, row.key, options.now(), row.payload);
    if (!leased) return 'already-sent';
    return (await attempt(leased)) === 'sent' ? 'sent' : 'failed';
  }

  return {
    baseUrl: options.baseUrl,
    emailConfigured: mailer !== null,
    async sendTransient(to, message) {
      if (!mailer) throw new Error('email is not configured');
      await mailer.send({ to, ...message });
    },
    async email(notification) {
      if (!notification.to || !mailer) return 'skipped';
      const message: OutgoingEmail = { to: notification.to, ...notification.message };
      return sendOnce({
        key: notification.key,
        kind: notification.kind,
        channel: 'email',
        memberId: notification.memberId,
        recipient: notification.to,
        payload: { subject: notification.message.subject, message },
      });
    },
    async webhook(event, id, data) {
      const outcomes: SendOutcome[] = [];
      for (const hook of settings.webhooks.filter((h) => h.events.includes(event))) {
        const key = `webhook:${hook.name}:${event}:${id}`;
        const body = JSON.stringify({ id: key, event, occurredAt: options.now().toISOString(), data });
        // The body is written once: a retry sends the same bytes (only the timestamp changes).
        await enqueue(db, { key, kind: event, channel: 'webhook', memberId: null, recipient: hook.name, payload: { event, id, body } }, options.now());
        const leased = await leaseKey(db, key, options.now());
        if (!leased) {
          outcomes.push('already-sent');
          continue;
        }
        outcomes.push((await attempt(leased)) === 'sent' ? 'sent' : 'failed');
      }
      return outcomes;
    },
    async deliverDue(limit = 50) {
      const run: DeliveryRun = { sent: 0, retrying: 0, failed: 0 };
      for (const row of await leaseDue(db, options.now(), limit)) {
        const outcome = await attempt(row);
        if (outcome === 'sent') run.sent += 1;
        else if (outcome === 'retry') run.retrying += 1;
        else run.failed += 1;
      }
      return run;
    },
  };
}
