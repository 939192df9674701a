// The operations work the job queue runs on a schedule, as plain functions of the database,
// the config and the clock (the queue, in src/jobs/, registers them): retention once a day and
// the alert check every few minutes. Each is safe to run on any instance, any number of times.
import type { Kysely } from 'kysely';
import type { ProgramConfig } from '../domain/config-schema.js';
import type { Notifier } from '../notify/notifier.js';
import type { Database } from '../store/schema.js';
import { checkAlerts, type AlertDeps, type AlertOutcome } from './alerts.js';
import { runRetention, type RetentionOutcome } from './retention.js';
import { parseOperationsSettings } from './settings.js';

/** Cron patterns (UTC) for the recurring jobs: retention at a quiet hour, alerts every five minutes. */
export const OPERATIONS_SCHEDULES = {
  retention: '17 3 * * *',
  alerts: '*/5 * * * *',
} as const;

export function retentionJob(db: Kysely<Database>, config: ProgramConfig, now: Date): Promise<RetentionOutcome> {
  return runRetention(db, parseOperationsSettings(config.operations).retention, now);
}

export function alertsJob(
  db: Kysely<Database>,
  config: ProgramConfig,
  notifier: Notifier,
  now: Date,
  options: { log?: AlertDeps['log']; queueSchema?: string } = {},
): Promise<AlertOutcome> {
  return checkAlerts(db, { notifier, settings: parseOperationsSettings(config.operations).alerts, programName: config.program.name, ...options }, now);
}
