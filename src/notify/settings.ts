// The `notifications` section of ambassador.config.yaml: email through SMTP and outbound
// webhooks, each signed with HMAC-SHA256 of the body under its own secret.
import { z } from 'zod';

export const WEBHOOK_EVENTS = ['contribution.counted', 'awards.published', 'submission.created', 'operations.alert'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export const webhookSchema = z.strictObject({
  name: z.string().min(1).max(100),
  url: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }),
  secret: z.string({ error: 'expected a signing secret' }).min(16, { error: 'expected a signing secret of at least 16 characters' }),
  events: z.array(z.enum(WEBHOOK_EVENTS)).min(1).default([...WEBHOOK_EVENTS]),
});

export const notificationSettingsSchema = z.strictObject({
  email: z
    .strictObject({
      /** smtp://user:pass@host:587 or smtps://…; without it no email is sent (and the sign-in page says so). */
      smtpUrl: z.string().regex(/^smtps?:\/\//, { error: 'expected an smtp:// or smtps:// URL' }).optional(),
      from: z.string().min(3).default('Magento Ambassador Program <ambassadors@localhost>'),
    })
    .default({ from: 'Magento Ambassador Program <ambassadors@localhost>' }),
  webhooks: z.array(webhookSchema).default([]),
  webhookTimeoutMs: z.number().int().min(100).max(60_000).default(5_000),
  /** Hour of the day (UTC) at which serve checks lapses. */
  lapseCheckHourUtc: z.number().int().min(0).max(23).default(6),
});

export type NotificationSettings = z.infer<typeof notificationSettingsSchema>;
export type WebhookSettings = z.infer<typeof webhookSchema>;

export function parseNotificationSettings(raw: unknown): NotificationSettings {
  return notificationSettingsSchema.parse(raw ?? {});
}
