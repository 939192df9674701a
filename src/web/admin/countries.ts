// Countries a manager should look at: what members typed before countries became ISO codes
// and that matched no country (migration 0060 kept it in country_unmatched), with a picker to
// set the right one. Each change is audited and goes through the role ladder.
import { countryChoices, countryName, matchCountry } from '../../domain/countries.js';
import { mayActOn } from '../../domain/permissions.js';
import { recordAudit } from '../../store/audit.js';
import type { WebContext } from '../context.js';
import { forbidden, HttpProblem, notFound } from '../errors.js';
import { html } from '../html.js';
import { formBody, page, redirect, text, type Route } from '../routing.js';
import { csrfToken } from '../session.js';
import { csrfField, emptyState } from '../views/components.js';
import { adminNav } from './nav.js';

export function countryReviewRoutes(context: WebContext): Route[] {
  return [
    {
      method: 'GET',
      url: '/manage/countries',
      access: 'manager',
      kind: 'page',
      summary: 'countries that could not be matched to an ISO code',
      handler: async (request, reply) => {
        const rows = await context.db.selectFrom('members').select(['id', 'handle', 'name', 'country_unmatched']).where('country_unmatched', 'is not', null).orderBy('handle').limit(500).execute();
        const token = csrfToken(context, request, reply);
        const choices = countryChoices();
        return page(context, request, reply, {
          title: 'Countries to check',
          main: html`${adminNav('/manage/countries')}<h1>Countries to check</h1>
            <p>Countries are ISO 3166 codes now. What these members had typed matched no country; pick the right one (a suggestion is preselected when the text is close to a name).</p>
            ${rows.length === 0 ? emptyState('Nothing to check', 'Every member’s country is a known country or empty.') : html`<ul class="plain">${rows.map((row) => {
              const suggestion = matchCountry(row.country_unmatched);
              return html`<li class="card"><form method="post" action="/manage/countries" class="inline-form">${csrfField(token)}<input type="hidden" name="handle" value="${row.handle}">
                <p><strong>${row.name}</strong> <span class="meta">@${row.handle}</span> typed <q>${row.country_unmatched}</q></p>
                <label for="c-${row.id}">Country</label><select id="c-${row.id}" name="country"><option value="">No country</option>${choices.map((c) => html`<option value="${c.code}"${c.code === suggestion ? html` selected` : ''}>${c.name}</option>`)}</select>
                <button type="submit" class="small">Set</button></form></li>`;
            })}</ul>`}`,
        });
      },
    },
    {
      method: 'POST',
      url: '/manage/countries',
      access: 'manager',
      kind: 'page',
      summary: "set a member's country from the unmatched list",
      handler: async (request, reply) => {
        const body = formBody(request);
        const member = await context.db.selectFrom('members').selectAll().where('handle', '=', text(body, 'handle')).executeTakeFirst();
        if (!member) throw notFound('no such member');
        const viewer = request.viewer!.member;
        const permission = mayActOn({ memberId: viewer.id, role: viewer.role }, 'manage', { memberId: member.id, role: member.role });
        if (!permission.allowed) throw forbidden(permission.reason);
        const code = text(body, 'country');
        if (code && !matchCountry(code)) throw new HttpProblem(400, 'invalid', 'country: expected a country from the list');
        await context.db.transaction().execute(async (trx) => {
          await trx.updateTable('members').set({ country: code ? matchCountry(code) : null, country_unmatched: null, updated_at: new Date() }).where('id', '=', member.id).execute();
          await recordAudit(trx, { actor: `web:${viewer.handle}`, action: 'member.country', subjectType: 'member', subjectId: member.handle, details: { from: member.country_unmatched, to: code || null } });
        });
        context.cache.clear();
        return redirect(context, reply, '/manage/countries', { kind: 'notice', text: `@${member.handle}: ${code ? countryName(code) : 'no country'}.` });
      },
    },
  ];
}
