// Which optional emails a person wants, and the one-click way out of each (RFC 8058): every
// optional message carries List-Unsubscribe with a signed link and List-Unsubscribe-Post, so
// a mail client's "unsubscribe" button turns that kind off without signing in. Messages a
// person needs to use the program (sign-in links, verification, welcome) are not optional.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database, MemberSettings } from '../store/schema.js';
import { getOrCreateSecret } from '../store/secrets.js';
import type { Notifier } from './notifier.js';

export const EMAIL_TOPICS = ['awards', 'status', 'reviews', 'program'] as const;
export type EmailTopic = (typeof EMAIL_TOPICS)[number];

export const EMAIL_TOPIC_LABELS: Record<EmailTopic, { label: string; hint: string }> = {
  awards: { label: 'Award announcements', hint: 'When you are among the winners of the Ambassador Awards.' },
  status: { label: 'Status reminders', hint: 'Before your active status lapses, and when it has.' },
  reviews: { label: 'Review decisions', hint: 'When a manager decides on something you submitted.' },
  program: { label: 'Messages from the program managers', hint: 'News and requests sent to groups of ambassadors.' },
};

/** The topic of each optional notification kind; kinds not listed are always sent. */
const TOPIC_OF_KIND: Record<string, EmailTopic> = {
  award: 'awards',
  'lapse-warning': 'status',
  lapsed: 'status',
  'review-decision': 'reviews',
  'review-revoked': 'reviews',
  'changes-requested': 'reviews',
  message: 'program',
  'segment-message': 'program',
};

export function topicOfKind(kind: string): EmailTopic | null {
  return TOPIC_OF_KIND[kind] ?? null;
}

const COLUMN: Record<EmailTopic, 'email_awards' | 'email_status' | 'email_reviews' | 'email_program'> = {
  awards: 'email_awards',
  status: 'email_status',
  reviews: 'email_reviews',
  program: 'email_program',
};

export function wantsTopic(settings: Pick<MemberSettings, (typeof COLUMN)[EmailTopic]> | undefined, topic: EmailTopic): boolean {
  return settings ? settings[COLUMN[topic]] : true;
}

export async function setTopic(db: Kysely<Database>, memberId: number, topic: EmailTopic, wanted: boolean): Promise<void> {
  const column = COLUMN[topic];
  await db
    .insertInto('member_settings')
    .values({ member_id: memberId, [column]: wanted })
    .onConflict((oc) => oc.column('member_id').doUpdateSet({ [column]: wanted, updated_at: new Date() }))
    .execute();
}

const SECRET_NAME = 'unsubscribe-links';

function signature(secret: string, memberId: number, topic: EmailTopic): string {
  return createHmac('sha256', secret).update(`unsubscribe:${memberId}:${topic}`).digest('base64url').slice(0, 32);
}

export async function unsubscribeUrl(db: Kysely<Database>, baseUrl: string, memberId: number, topic: EmailTopic): Promise<string> {
  const secret = await getOrCreateSecret(db, SECRET_NAME);
  return `${baseUrl}/unsubscribe?m=${memberId}&t=${topic}&s=${signature(secret, memberId, topic)}`;
}

/** The member and topic a signed link stands for, or null when it was not made by us. */
export async function verifyUnsubscribe(db: Kysely<Database>, query: { m?: string; t?: string; s?: string }): Promise<{ memberId: number; topic: EmailTopic } | null> {
  const memberId = Number(query.m);
  const topic = query.t as EmailTopic;
  if (!Number.isInteger(memberId) || memberId < 1 || !EMAIL_TOPICS.includes(topic) || typeof query.s !== 'string') return null;
  const secret = await getOrCreateSecret(db, SECRET_NAME);
  const expected = Buffer.from(signature(secret, memberId, topic));
  const given = Buffer.from(query.s.slice(0, 64));
  return given.length === expected.length && timingSafeEqual(given, expected) ? { memberId, topic } : null;
}

/**
 * The notifier, minding preferences: an optional message is skipped for a person who turned
 * its topic off, and carries the one-click unsubscribe headers otherwise.
 */
export function withPreferences(notifier: Notifier, db: Kysely<Database>): Notifier {
  return {
    ...notifier,
    async email(notification) {
      const topic = topicOfKind(notification.kind);
      if (!topic) return notifier.email(notification);
      const settings = await db.selectFrom('member_settings').selectAll().where('member_id', '=', notification.memberId).executeTakeFirst();
      if (!wantsTopic(settings, topic)) return 'skipped';
      const url = await unsubscribeUrl(db, notifier.baseUrl, notification.memberId, topic);
      const message = {
        ...notification.message,
        text: `${notification.message.text}\nNo more ${EMAIL_TOPIC_LABELS[topic].label.toLowerCase()}: ${url}\n`,
        headers: { ...notification.message.headers, 'List-Unsubscribe': `<${url}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
      };
      return notifier.email({ ...notification, message });
    },
  };
}
