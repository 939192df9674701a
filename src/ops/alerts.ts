// Alerts for the operator: a source whose last N whole runs failed, or a job queue whose
// oldest due job has waited longer than allowed. Each incident is a row of operation_alerts
// keyed by what is wrong ("source-failing:github", "queue-stuck"): the instance whose check
// opens it (an atomic upsert) starts the incident, the notifier's keys make each admin's email
// and each `operations.alert` webhook go out once per incident (retried if they failed), and
// the row is resolved when the condition clears, so a later failure is a new incident.
// `checkAlerts` is what the recurring job calls.
import { sql, type Kysely } from 'kysely';
import type { Notifier } from '../notify/notifier.js';
import type { Message } from '../notify/messages.js';
import type { Database } from '../store/schema.js';
import { escapeHtml } from '../web/html.js';
import { jobQueueState, sourceStreaks } from './observations.js';
import type { AlertSettings } from './settings.js';

export interface AlertDeps {
  notifier: Notifier;
  settings: AlertSettings;
  programName: string;
  /** The schema of the job queue's tables (src/jobs/queue.ts `queueSchema`). */
  queueSchema?: string;
  log?: { warn(details: object, message: string): void; info(details: object, message: string): void };
}

export interface Incident {
  key: string;
  kind: 'source-failing' | 'queue-stuck';
  summary: string;
  details: Record<string, unknown>;
}

export interface AlertOutcome {
  /** Incidents this check opened. */
  opened: string[];
  /** Incidents still open (including those just opened). */
  open: string[];
  /** Incidents whose condition cleared in this check. */
  resolved: string[];
  emails: number;
  webhooks: number;
}

/** What is wrong right now, read from the database. */
export async function currentIncidents(db: Kysely<Database>, settings: AlertSettings, now: Date, queueSchema?: string): Promise<Incident[]> {
  const incidents: Incident[] = [];
  for (const streak of await sourceStreaks(db)) {
    if (streak.failures < settings.sourceFailures) continue;
    incidents.push({
      key: `source-failing:${streak.source}`,
      kind: 'source-failing',
      summary: `${streak.source} has failed ${streak.failures} runs in a row${streak.lastSuccessAt ? ` (last success ${streak.lastSuccessAt.toISOString()})` : ''}: ${(streak.lastError ?? 'no error recorded').slice(0, 300)}`,
      details: { source: streak.source, failures: streak.failures, lastError: streak.lastError, lastSuccessAt: streak.lastSuccessAt?.toISOString() ?? null },
    });
  }
  const queue = await jobQueueState(db, now, queueSchema);
  const oldest = queue.waiting.reduce((max, row) => Math.max(max, row.oldestSeconds), 0);
  if (oldest >= settings.queueStuckMinutes * 60) {
    const stuck = queue.waiting.filter((row) => row.oldestSeconds >= settings.queueStuckMinutes * 60);
    incidents.push({
      key: 'queue-stuck',
      kind: 'queue-stuck',
      summary: `the job queue is stuck: a job has waited ${Math.round(oldest / 60)} minutes (${stuck.map((row) => `${row.queue}: ${row.jobs} waiting`).join(', ')}); is a worker running?`,
      details: { oldestSeconds: Math.round(oldest), queues: stuck },
    });
  }
  return incidents;
}

function alertMessage(programName: string, incident: Incident): Message {
  const subject = `[${programName}] alert: ${incident.kind === 'queue-stuck' ? 'the job queue is stuck' : `${String(incident.details.source)} keeps failing`}`;
  const paragraphs = [incident.summary, 'You get this once per incident; the alert closes by itself when the condition clears.'];
  return {
    subject,
    text: `${paragraphs.join('\n\n')}\n`,
    html: `<!doctype html><html><body>${paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('')}</body></html>`,
  };
}

export async function checkAlerts(db: Kysely<Database>, deps: AlertDeps, now: Date): Promise<AlertOutcome> {
  const incidents = await currentIncidents(db, deps.settings, now, deps.queueSchema);
  const opened: string[] = [];
  for (const incident of incidents) {
    // Opens the incident, or reopens a resolved one; an open one is left as it is (no row back).
    const row = await sql<{ key: string }>`
      insert into operation_alerts (key, kind, details, opened_at, resolved_at)
      values (${incident.key}, ${incident.kind}, ${JSON.stringify(incident.details)}::jsonb, ${now}, null)
      on conflict (key) do update set kind = excluded.kind, details = excluded.details, opened_at = excluded.opened_at, resolved_at = null
      where operation_alerts.resolved_at is not null
      returning key
    `.execute(db);
    if (row.rows.length > 0) {
      opened.push(incident.key);
      deps.log?.warn({ alert: incident.key, details: incident.details }, `alert: ${incident.summary}`);
    }
  }
  const current = new Set(incidents.map((incident) => incident.key));
  const open = await sql<{ key: string; opened_at: Date | string }>`select key, opened_at from operation_alerts where resolved_at is null order by key`.execute(db);
  const resolved: string[] = [];
  for (const row of open.rows) {
    if (current.has(row.key)) continue;
    await sql`update operation_alerts set resolved_at = ${now} where key = ${row.key} and resolved_at is null`.execute(db);
    resolved.push(row.key);
    deps.log?.info({ alert: row.key }, 'alert resolved');
  }

  // Deliveries: keyed by the incident (its key and opening time), so each goes out once and a
  // failed one is tried again on the next check while the incident lasts.
  const admins = await db.selectFrom('members').select(['id', 'email']).where('role', '=', 'admin').where('state', '=', 'registered').where('email', 'is not', null).execute();
  let emails = 0;
  let webhooks = 0;
  for (const row of open.rows) {
    const incident = incidents.find((candidate) => candidate.key === row.key);
    if (!incident) continue;
    const incidentId = `${incident.key}@${new Date(row.opened_at).toISOString()}`;
    const message = alertMessage(deps.programName, incident);
    for (const admin of admins) {
      const outcome = await deps.notifier.email({ key: `alert:${incidentId}:${admin.id}`, kind: 'operations.alert', memberId: admin.id, to: admin.email, message });
      if (outcome === 'sent') emails += 1;
    }
    const outcomes = await deps.notifier.webhook('operations.alert', incidentId, { alert: incident.key, kind: incident.kind, summary: incident.summary, openedAt: new Date(row.opened_at).toISOString(), ...incident.details });
    webhooks += outcomes.filter((outcome) => outcome === 'sent').length;
  }
  return { opened, open: open.rows.map((row) => row.key).filter((key) => current.has(key)), resolved, emails, webhooks };
}
