// The console's audit log: every manager action, newest first, filterable by action.
import { listAudit } from '../../store/audit.js';
import type { WebContext } from '../context.js';
import { html } from '../html.js';
import { page, positiveInt, queryOf, type Route } from '../routing.js';
import { emptyState } from '../views/components.js';
import { adminNav } from './nav.js';

const AUDIT_PAGE = 100;

export function auditLogRoutes(context: WebContext): Route[] {
  return [
    {
      method: 'GET',
      url: '/manage/audit',
      access: 'manager',
      kind: 'page',
      summary: 'audit log',
      handler: async (request, reply) => {
        const query = queryOf(request);
        const before = query.before ? positiveInt(query.before, 0) || undefined : undefined;
        const entries = await listAudit(context.db, { limit: AUDIT_PAGE, beforeId: before, action: query.action || undefined });
        const last = entries[entries.length - 1];
        return page(context, request, reply, {
          title: 'Audit log',
          main: html`${adminNav('/manage/audit')}<h1>Audit log</h1>
            <form method="get" action="/manage/audit" class="inline-form"><label for="f-action">Action</label><input id="f-action" name="action" value="${query.action ?? ''}" placeholder="e.g. review.reject"><button type="submit" class="small">Filter</button></form>
            ${entries.length === 0 ? emptyState('No entries', 'Manager actions are recorded here.') : html`<div class="table-wrap" tabindex="0" role="region" aria-label="Audit log"><table>
              <thead><tr><th scope="col">When (UTC)</th><th scope="col">Who</th><th scope="col">Action</th><th scope="col">Subject</th><th scope="col">Reason</th><th scope="col">Details</th></tr></thead>
              <tbody>${entries.map((e) => html`<tr><td>${e.at.toISOString().replace('T', ' ').slice(0, 19)}</td><td>${e.actor}</td><td>${e.action}</td>
                <td>${e.subject_type} ${e.subject_id ?? ''}</td><td>${e.reason ?? ''}</td><td class="meta">${Object.keys(e.details).length ? JSON.stringify(e.details) : ''}</td></tr>`)}</tbody></table></div>
              ${entries.length === AUDIT_PAGE && last ? html`<p><a href="/manage/audit?before=${last.id}${query.action ? `&action=${encodeURIComponent(query.action)}` : ''}">Older entries →</a></p>` : ''}`}`,
        });
      },
    },
  ];
}
