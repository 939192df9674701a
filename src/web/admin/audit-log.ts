// The console's audit log: every manager action, newest first, filterable by actor, action,
// subject and date, in pages of 100 with the true count, and exportable as CSV.
import { isIsoDate } from '../../domain/dates.js';
import { searchAudit, type AuditFilters } from '../../store/audit-search.js';
import { toCsv } from '../../transfer/export-data.js';
import type { WebContext } from '../context.js';
import { html } from '../html.js';
import { page, positiveInt, queryOf, type Route } from '../routing.js';
import { emptyState } from '../views/components.js';
import { adminNav } from './nav.js';

const AUDIT_PAGE = 100;
const KEYS = ['actor', 'action', 'subject', 'from', 'to'] as const;

function filtersOf(query: Record<string, string>): AuditFilters {
  const date = (value: string | undefined) => (value && isIsoDate(value) ? value : undefined);
  return {
    actor: query.actor?.slice(0, 200) || undefined,
    action: query.action?.slice(0, 100) || undefined,
    subject: query.subject?.slice(0, 200) || undefined,
    from: date(query.from),
    to: date(query.to),
  };
}

function queryString(filters: AuditFilters, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const key of KEYS) if (filters[key]) params.set(key, filters[key]!);
  for (const [key, value] of Object.entries(extra)) params.set(key, value);
  const qs = params.toString();
  return qs ? `?${qs}` : '';
}

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
        const filters = filtersOf(query);
        const before = query.before ? positiveInt(query.before, 0) || undefined : undefined;
        const { entries, total } = await searchAudit(context.db, filters, { limit: AUDIT_PAGE, beforeId: before });
        const last = entries[entries.length - 1];
        const input = (key: (typeof KEYS)[number], label: string, type = 'text', placeholder = '') =>
          html`<div class="field"><label for="audit-${key}">${label}</label><input id="audit-${key}" name="${key}" type="${type}" value="${query[key] ?? ''}"${placeholder ? html` placeholder="${placeholder}"` : ''} maxlength="200"></div>`;
        return page(context, request, reply, {
          title: 'Audit log',
          main: html`${adminNav('/manage/audit')}<h1>Audit log <span class="subtle">(${total.toLocaleString('en-US')})</span></h1>
            <form method="get" action="/manage/audit" class="filters card" role="search" aria-label="Filter the audit log">
              ${input('actor', 'Who', 'text', 'e.g. web:maria')}${input('action', 'Action', 'text', 'e.g. review.reject or review.')}${input('subject', 'Subject', 'text', 'e.g. member alice')}
              ${input('from', 'From', 'date')}${input('to', 'To', 'date')}
              <div class="filter-actions"><button type="submit">Filter</button> <a href="/manage/audit">Clear</a></div>
            </form>
            <p><a href="/manage/audit.csv${queryString(filters)}" download>Download these entries (CSV)</a></p>
            ${entries.length === 0 ? emptyState('No entries', 'Manager actions are recorded here.') : html`<div class="table-wrap" tabindex="0" role="region" aria-label="Audit log"><table>
              <thead><tr><th scope="col">When (UTC)</th><th scope="col">Who</th><th scope="col">Action</th><th scope="col">Subject</th><th scope="col">Reason</th><th scope="col">Details</th></tr></thead>
              <tbody>${entries.map((e) => html`<tr><td>${e.at.toISOString().replace('T', ' ').slice(0, 19)}</td><td>${e.actor}</td><td>${e.action}</td>
                <td>${e.subject_type} ${e.subject_id ?? ''}</td><td>${e.reason ?? ''}</td><td class="meta">${Object.keys(e.details).length ? JSON.stringify(e.details) : ''}</td></tr>`)}</tbody></table></div>
              ${entries.length === AUDIT_PAGE && last ? html`<p><a href="/manage/audit${queryString(filters, { before: String(last.id) })}">Older entries →</a></p>` : ''}`}`,
        });
      },
    },
    {
      method: 'GET',
      url: '/manage/audit.csv',
      access: 'manager',
      kind: 'page',
      summary: 'the audit log as CSV, with the same filters',
      handler: async (request, reply) => {
        const { entries } = await searchAudit(context.db, filtersOf(queryOf(request)), { limit: 100_000 });
        reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="audit-${context.today()}.csv"`).header('cache-control', 'no-store');
        return toCsv(entries.map((e) => ({ at: e.at.toISOString(), actor: e.actor, action: e.action, subjectType: e.subject_type, subjectId: e.subject_id, reason: e.reason, details: JSON.stringify(e.details) })));
      },
    },
  ];
}
