// The `operations` section of ambassador.config.yaml: what the operator's tools do — the
// token that guards /metrics, how long records are kept (retention) and when to alert.
import { z } from 'zod';

const days = (fallback: number) => z.number({ error: 'expected a number of days' }).int().min(1).max(36_500).default(fallback);

export const retentionSettingsSchema = z
  .strictObject({
    /** Sent notifications older than this are deleted (their key no longer stops a repeat). */
    notificationsDays: days(400),
    /** Sync run records older than this are deleted; the latest run of each source is kept. */
    syncRunsDays: days(90),
    /** Conditional-request validators not refreshed for this long and naming no linked identity are deleted. */
    validatorsDays: days(30),
    /** Audit log entries older than this are deleted; unset keeps the audit log forever. */
    auditLogDays: z.number({ error: 'expected a number of days' }).int().min(30).max(36_500).optional(),
  })
  .prefault({});

export const alertSettingsSchema = z
  .strictObject({
    /** Alert when a source's last N runs all failed. */
    sourceFailures: z.number().int().min(1).max(100).default(3),
    /** Alert when the oldest job waiting in the queue is older than this. */
    queueStuckMinutes: z.number().int().min(1).max(10_080).default(30),
  })
  .prefault({});

export const operationsSettingsSchema = z
  .strictObject({
    /** When set, /metrics answers only `Authorization: Bearer <token>`. */
    metricsToken: z.string({ error: 'expected a token' }).min(16, { error: 'expected a token of at least 16 characters' }).optional(),
    retention: retentionSettingsSchema,
    alerts: alertSettingsSchema,
  })
  .prefault({});

export type OperationsSettings = z.infer<typeof operationsSettingsSchema>;
export type RetentionSettings = z.infer<typeof retentionSettingsSchema>;
export type AlertSettings = z.infer<typeof alertSettingsSchema>;

export function parseOperationsSettings(raw: unknown): OperationsSettings {
  return operationsSettingsSchema.parse(raw ?? {});
}
