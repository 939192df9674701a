// The console's CSV exports of members and contributions.
import { exportContributions, exportMembers, toCsv } from '../../transfer/export-data.js';
import { consoleMembers } from '../../store/member-console.js';
import type { WebContext } from '../context.js';
import { html } from '../html.js';
import { page, queryOf, redirect, type Route } from '../routing.js';
import { adminNav } from './nav.js';

export function exportRoutes(context: WebContext): Route[] {
  return [
    {
      method: 'GET',
      url: '/manage/exports',
      access: 'manager',
      kind: 'page',
      summary: 'CSV exports',
      handler: async (request, reply) =>
        page(context, request, reply, {
          title: 'Exports',
          main: html`${adminNav('/manage/exports')}<h1>Exports</h1>
            <ul class="plain">
              <li><a href="/manage/exports/members.csv" download>Members (CSV)</a> <span class="meta">handle, name, joined, country, company, role, state, status, active until, points this year, last contribution</span></li>
              ${request.viewer?.member.role === 'admin' ? html`<li><a href="/manage/exports/members.csv?email=yes" download>Members with email addresses (CSV, admins only)</a></li>` : ''}
              <li><a href="/manage/exports/contributions.csv" download>Contributions (CSV)</a> <span class="meta">with points, explanations and review states</span></li>
            </ul><p class="meta">Cells that a spreadsheet would read as formulas are neutralised.</p>`,
        }),
    },
    {
      method: 'GET',
      url: '/manage/exports/:file',
      access: 'manager',
      kind: 'page',
      summary: 'download a CSV export',
      handler: async (request, reply) => {
        const file = (request.params as { file: string }).file;
        const includeEmail = queryOf(request).email === 'yes' && request.viewer?.member.role === 'admin';
        let rows: Record<string, unknown>[];
        if (file === 'members.csv') {
          // The console's columns beside the import shape: status, active-until, points, last contribution.
          const extra = new Map((await consoleMembers(context.db, context.config, context.today())).map((m) => [m.handle, m]));
          rows = (await exportMembers(context.db, { includeEmail })).map((row) => {
            const m = extra.get(row.handle);
            return { ...row, status: m?.status ?? (m?.isBot ? 'bot' : ''), activeUntil: m?.activeUntil ?? '', [`points${context.today().slice(0, 4)}`]: m?.pointsThisYear ?? 0, lastContribution: m?.lastContribution ?? '' };
          });
        }
        else if (file === 'contributions.csv') rows = await exportContributions(context.db);
        else return redirect(context, reply, '/manage/exports', { kind: 'error', text: 'No such export.' });
        reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${file.replace('.csv', '')}-${context.today()}.csv"`)
          .header('cache-control', 'no-store');
        return toCsv(rows);
      },
    },
  ];
}
