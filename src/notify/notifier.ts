// Sends notifications at most once. Each has a key (welcome:42, review:917:counted, …); the
// key is claimed in the notifications table before sending, so two processes or a retried
// request never send the same one twice. Failures are recorded and retried on the next
// trigger. Sign-in links are sent but never recorded: the link is a secret.
import { createHmac } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { ProgramConfig } from '../domain/config-schema.js';
import type { WebDatabase } from '../web/queries/tables.js';
import type { Mailer } from './mailer.js';
import type { Message } from './messages.js';
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

export interface Notifier {
  baseUrl: string;
  emailConfigured: boolean;
  /** Sent now, never recorded (sign-in links). */
  sendTransient(to: string, message: Message): Promise<void>;
  email(notification: EmailNotification): Promise<SendOutcome>;
  webhook(event: WebhookEvent, id: string, data: Record<string, unknown>): Promise<SendOutcome[]>;
}

export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export function createNotifier(options: NotifierOptions): Notifier {
  const { db, settings, mailer } = options;

  /** Claims the key; true when this call should send (new, or a failure to retry). */
  async function claim(key: string, row: { kind: string; channel: 'email' | 'webhook'; memberId: number | null; recipient: string; payload: Record<string, unknown> }): Promise<'new' | 'retry' | 'done'> {
    const inserted = await db
      .insertInto('notifications')
      .values({
        key,
        kind: row.kind,
        channel: row.channel,
        member_id: row.memberId,
        recipient: row.recipient,
        status: 'failed',
        error: 'sending',
        payload: JSON.stringify(row.payload),
      })
      .onConflict((oc) => oc.column('key').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted) return 'new';
    const retried = await db
      .updateTable('notifications')
      .set({ attempts: sql`attempts + 1`, error: 'sending' })
      .where('key', '=', key)
      .where('status', '=', 'failed')
      .where('error', '!=', 'sending')
      .returning('id')
      .executeTakeFirst();
    return retried ? 'retry' : 'done';
  }

  async function settle(key: string, error: string | null): Promise<void> {
    await db
      .updateTable('notifications')
      .set(error ? { status: 'failed', error: error.slice(0, 500) } : { status: 'sent', error: null, sent_at: options.now() })
      .where('key', '=', key)
      .execute();
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
      const state = await claim(notification.key, {
        kind: notification.kind,
        channel: 'email',
        memberId: notification.memberId,
        recipient: notification.to,
        payload: { subject: notification.message.subject },
      });
      if (state === 'done') return 'already-sent';
      try {
        await mailer.send({ to: notification.to, ...notification.message });
        await settle(notification.key, null);
        return 'sent';
      } catch (error) {
        await settle(notification.key, (error as Error).message);
        return 'failed';
      }
    },
    async webhook(event, id, data) {
      const outcomes: SendOutcome[] = [];
      for (const hook of settings.webhooks.filter((h) => h.events.includes(event))) {
        const key = `webhook:${hook.name}:${event}:${id}`;
        const state = await claim(key, { kind: event, channel: 'webhook', memberId: null, recipient: hook.name, payload: { event, id } });
        if (state === 'done') {
          outcomes.push('already-sent');
          continue;
        }
        const body = JSON.stringify({ id: key, event, occurredAt: options.now().toISOString(), data });
        const timestamp = String(Math.floor(options.now().getTime() / 1000));
        try {
          const response = await options.fetch(hook.url, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'user-agent': 'magento-ambassador-webhooks',
              'x-ambassador-event': event,
              'x-ambassador-delivery': key,
              'x-ambassador-timestamp': timestamp,
              'x-ambassador-signature': signWebhook(hook.secret, timestamp, body),
            },
            body,
            signal: AbortSignal.timeout(settings.webhookTimeoutMs),
            redirect: 'manual',
          });
          await response.arrayBuffer().catch(() => undefined);
          if (response.status < 200 || response.status >= 300) throw new Error(`HTTP ${response.status}`);
          await settle(key, null);
          outcomes.push('sent');
        } catch (error) {
          await settle(key, (error as Error).message);
          outcomes.push('failed');
        }
      }
      return outcomes;
    },
  };
}
