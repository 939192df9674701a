// The console's view of the running program: the processes on this database (role, host,
// last heartbeat), the job queues (waiting, running, failed, the oldest waiting job) and the
// notification outbox, with the notifications that gave up and a way to send one again.
import { sql } from 'kysely';
import { queueSchema } from '../../jobs/queue.js';
import { listInstances } from '../../jobs/instances.js';
import { failedNotifications, outboxBacklog, retryFailed } from '../../notify/outbox.js';
import { recordAudit } from '../../store/audit.js';
import type { WebContext } from '../context.js';
import { html } from '../html.js';
import { page, redirect, type Route } from '../routing.js';
import { csrfToken } from '../session.js';
import { csrfField, emptyState } from '../views/components.js';
import { adminNav } from './nav.js';

export interface QueueHealth {
  queue: string;
  waiting: number;
  running: number;
  failed: number;
  oldestWaitingSeconds: number | null;
}

/** Per queue: jobs waiting (created or retry), running, failed in the last day; oldest wait. */
export async function queueHealth(context: Pick<WebContext, 'store' | 'db'>, schemaName?: string): Promise<QueueHealth[] | null> {
  const schema = queueSchema(context.store, schemaName);
  const exists = await sql<{ found: string | null }>`select to_regclass(${`${schema}.job`})::text as found`.execute(context.db);
  if (!exists.rows[0]?.found) return null;
  const rows = await sql<{ name: string; waiting: number; running: number; failed: number; oldest: number | null }>`
    select name,
      count(*) filter (where state in ('created', 'retry'))::int as waiting,
      count(*) filter (where state = 'active')::int as running,
      count(*) filter (where state = 'failed' and completed_on > now() - interval '1 day')::int as failed,
      extract(epoch from now() - min(created_on) filter (where state in ('created', 'retry') and start_after <= now()))::float8 as oldest
    from ${sql.table(`${schema}.job`)} group by name order by name`.execute(context.db);
  return rows.rows.map((row) => ({ queue: row.name, waiting: row.waiting, running: row.running, failed: row.failed, oldestWaitingSeconds: row.oldest === null ? null : Math.round(row.oldest) }));
}

const when = (value: Date | string | null) => (value ? new Date(value).toISOString().replace('T', ' ').slice(0, 19) : '');

export function processRoutes(context: WebContext): Route[] {
  return [
    {
      method: 'GET',
      url: '/manage/processes',
      access: 'manager',
      kind: 'page',
      summary: 'running processes, job queues and the notification outbox',
      handler: async (request, reply) => {
        const [instances, queues, backlog, failed] = await Promise.all([listInstances(context.db), queueHealth(context), outboxBacklog(context.wdb), failedNotifications(context.wdb)]);
        const now = context.now().getTime();
        const token = csrfToken(context, request, reply);
        return page(context, request, reply, {
          title: 'Processes and jobs',
          main: html`${adminNav('/manage/processes')}<h1>Processes and jobs</h1>
            <h2>Processes</h2>
            ${instances.length === 0
              ? emptyState('No process has registered', 'Each serve and worker process registers here with a heartbeat when it starts.')
              : html`<div class="table-wrap" tabindex="0" role="region" aria-label="Processes"><table>
                <thead><tr><th scope="col">Process</th><th scope="col">Role</th><th scope="col">Started (UTC)</th><th scope="col" class="num">Last heartbeat</th></tr></thead>
                <tbody>${instances.map((i) => html`<tr><td>${i.id}</td><td>${i.role}</td><td>${when(i.started_at)}</td><td class="num">${Math.max(0, Math.round((now - new Date(i.heartbeat_at).getTime()) / 1000))} s ago</td></tr>`)}</tbody></table></div>`}
            <h2>Job queues</h2>
            ${queues === null
              ? emptyState('The job queue is not set up yet', 'It is created when the first serve or worker process starts.')
              : html`<div class="table-wrap" tabindex="0" role="region" aria-label="Job queues"><table>
                <thead><tr><th scope="col">Queue</th><th scope="col" class="num">Waiting</th><th scope="col" class="num">Running</th><th scope="col" class="num">Failed (24 h)</th><th scope="col" class="num">Oldest waiting</th></tr></thead>
                <tbody>${queues.map((q) => html`<tr><td>${q.queue}</td><td class="num">${q.waiting}</td><td class="num">${q.running}</td><td class="num">${q.failed}</td><td class="num">${q.oldestWaitingSeconds === null ? '' : `${q.oldestWaitingSeconds} s`}</td></tr>`)}</tbody></table></div>`}
            <h2>Notification outbox</h2>
            <dl class="stats">
              <div><dt>Waiting to be sent</dt><dd>${backlog.pending}</dd></div>
              <div><dt>Being sent</dt><dd>${backlog.sending}</dd></div>
              <div><dt>Gave up</dt><dd>${backlog.failed}</dd></div>
            </dl>
            ${failed.length === 0
              ? html`<p class="meta">No notification has given up.</p>`
              : html`<div class="table-wrap" tabindex="0" role="region" aria-label="Notifications that gave up"><table>
                <thead><tr><th scope="col">Notification</th><th scope="col">To</th><th scope="col" class="num">Attempts</th><th scope="col">Last error</th><th scope="col">Created (UTC)</th><th scope="col"><span class="visually-hidden">Action</span></th></tr></thead>
                <tbody>${failed.map((n) => html`<tr><td>${n.key}</td><td>${n.recipient}</td><td class="num">${n.attempts}</td><td>${(n.error ?? '').slice(0, 300)}</td><td>${when(n.created_at)}</td>
                  <td><form method="post" action="/manage/processes/notifications/${n.id}/retry" class="inline-form">${csrfField(token)}<button type="submit">Send again</button></form></td></tr>`)}</tbody></table></div>`}`,
        });
      },
    },
    {
      method: 'POST',
      url: '/manage/processes/notifications/:id/retry',
      access: 'manager',
      kind: 'page',
      summary: 'send a notification that gave up again',
      handler: async (request, reply) => {
        const id = Number((request.params as { id: string }).id);
        if (!Number.isSafeInteger(id) || id <= 0) return redirect(context, reply, '/manage/processes', { kind: 'error', text: 'No such notification.' });
        const queued = await retryFailed(context.wdb, id, context.now());
        if (!queued) return redirect(context, reply, '/manage/processes', { kind: 'error', text: 'That notification did not give up, or does not exist.' });
        await recordAudit(context.db, { actor: `web:${request.viewer!.member.handle}`, action: 'notification.retry', subjectType: 'notification', subjectId: id });
        return redirect(context, reply, '/manage/processes', { kind: 'notice', text: 'The notification is queued again; the outbox sends it within a minute.' });
      },
    },
  ];
}
