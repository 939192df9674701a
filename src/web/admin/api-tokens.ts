// API tokens for ingest (admins only): issued here, shown once, stored as a hash, revocable.
// Tokens in web.ingestTokens of the config work too; they are not listed here.
import { recordAudit } from '../../store/audit.js';
import type { WebContext } from '../context.js';
import { html } from '../html.js';
import { formBody, list, page, paramsOf, redirect, text, type Route } from '../routing.js';
import { isUniqueViolation } from '../../store/errors.js';
import { SOURCE_NAME } from '../settings.js';
import { csrfField, emptyState, field, problemsList, time } from '../views/components.js';
import { csrfToken, randomToken, sha256 } from '../session.js';

export function apiTokenRoutes(context: WebContext): Route[] {
  const listPage = async (request: Parameters<Route['handler']>[0], reply: Parameters<Route['handler']>[1], issued?: { name: string; token: string }, problems: string[] = []) => {
    const tokens = await context.wdb.selectFrom('api_tokens').select(['id', 'name', 'source', 'kinds', 'created_by', 'created_at', 'last_used_at', 'revoked_at']).orderBy('id', 'desc').execute();
    const csrf = csrfToken(context, request, reply);
    return page(context, request, reply, {
      title: 'API tokens',
      main: html`<h1>API tokens</h1><p class="lead">External systems report contributions through <code>POST /api/v1/ingest</code> with one of these tokens.</p>
        ${issued ? html`<div class="flash notice" role="status"><p>Token for ${issued.name}. Copy it now: it is not shown again.</p><p class="code-box"><code id="new-token">${issued.token}</code> <button type="button" class="small secondary" data-copy="#new-token">Copy</button></p></div>` : ''}
        ${problemsList(problems)}
        ${tokens.length === 0 ? emptyState('No tokens issued here', 'Issue one below.') : html`<div class="table-wrap" tabindex="0" role="region" aria-label="API tokens"><table><thead><tr><th scope="col">Name</th><th scope="col">Source</th><th scope="col">May report</th><th scope="col">Issued</th><th scope="col">Last used</th><th scope="col">State</th></tr></thead>
          <tbody>${tokens.map((t) => html`<tr><td>${t.name}</td><td><code>${t.source}</code></td><td>${t.kinds.length ? t.kinds.map((k) => context.config.kinds[k]?.label ?? k).join(', ') : html`<span class="meta">nothing (issued before tokens had kinds: issue a new one)</span>`}</td><td>${time(t.created_at)} by ${t.created_by}</td><td>${t.last_used_at ? time(t.last_used_at) : 'never'}</td>
            <td>${t.revoked_at ? html`revoked ${time(t.revoked_at)}` : html`<form method="post" action="/manage/api-tokens/${t.id}/revoke" class="inline">${csrfField(csrf)}<button type="submit" class="small danger">Revoke</button></form>`}</td></tr>`)}</tbody></table></div>`}
        <section class="card narrow-card"><h2>Issue a token</h2><form method="post" action="/manage/api-tokens" class="form">${csrfField(csrf)}
          ${field({ name: 'name', label: 'Who uses it', required: true, maxlength: 100, placeholder: 'Events platform' })}
          ${field({ name: 'source', label: 'Source name', required: true, hint: 'Lowercase, e.g. events-platform. Contributions are keyed by this source and the external id; one token per source.' })}
          <fieldset class="consents"><legend>Kinds it may report</legend>${Object.entries(context.config.kinds).map(
            ([kind, definition]) => html`<div class="check"><input type="checkbox" id="f-kind-${kind}" name="kinds" value="${kind}"><label for="f-kind-${kind}">${definition.label}</label></div>`,
          )}</fieldset>
          <button type="submit">Issue token</button></form></section>`,
    });
  };
  return [
    { method: 'GET', url: '/manage/api-tokens', access: 'admin', kind: 'page', summary: 'API tokens', handler: async (request, reply) => listPage(request, reply) },
    {
      method: 'POST',
      url: '/manage/api-tokens',
      access: 'admin',
      kind: 'page',
      summary: 'issue an API token',
      handler: async (request, reply) => {
        const body = formBody(request);
        const name = text(body, 'name');
        const source = text(body, 'source');
        const kinds = [...new Set(list(body, 'kinds'))];
        const taken = context.web.ingestTokens.some((t) => t.source === source)
          || (await context.wdb.selectFrom('api_tokens').select('id').where('source', '=', source).where('revoked_at', 'is', null).executeTakeFirst()) !== undefined;
        const problems = [
          ...(name.length < 1 || name.length > 100 ? ['name: expected 1-100 characters'] : []),
          ...(source.length > 40 || !SOURCE_NAME.test(source) ? ['source: expected lowercase letters, digits and -, e.g. events-platform'] : []),
          ...(['submission', 'demo', 'gharchive'].includes(source) || Object.keys(context.config.sources).includes(source) ? [`source: "${source}" is used by the program itself`] : []),
          ...(taken ? [`source: another token reports as "${source}"; revoke it first, or choose another source name`] : []),
          ...(kinds.length === 0 ? ['kinds: choose at least one kind this token may report'] : []),
          ...kinds.filter((k) => !context.config.kinds[k]).map((k) => `kinds: unknown kind "${k.slice(0, 60)}"`),
        ];
        if (problems.length) return listPage(request, reply, undefined, problems);
        const token = `amb_${randomToken(24)}`;
        const actor = `web:${request.viewer!.member.handle}`;
        const inserted = await context.wdb
          .insertInto('api_tokens')
          .values({ name, source, kinds, token_hash: sha256(token), created_by: actor })
          .returning('id')
          .executeTakeFirst()
          .catch((error: unknown) => {
            if (isUniqueViolation(error, 'api_tokens_active_source')) return undefined;
            throw error;
          });
        if (!inserted) return listPage(request, reply, undefined, [`source: another token reports as "${source}"; revoke it first, or choose another source name`]);
        await recordAudit(context.db, { actor, action: 'api-token.issue', subjectType: 'api-token', subjectId: name, details: { source, kinds } });
        return listPage(request, reply, { name, token });
      },
    },
    {
      method: 'POST',
      url: '/manage/api-tokens/:id/revoke',
      access: 'admin',
      kind: 'page',
      summary: 'revoke an API token',
      handler: async (request, reply) => {
        const id = Number(paramsOf(request).id);
        const actor = `web:${request.viewer!.member.handle}`;
        const row = Number.isSafeInteger(id) && id > 0 && id <= 2_147_483_647
          ? await context.wdb.updateTable('api_tokens').set({ revoked_at: context.now() }).where('id', '=', id).where('revoked_at', 'is', null).returning('name').executeTakeFirst()
          : undefined;
        if (row) await recordAudit(context.db, { actor, action: 'api-token.revoke', subjectType: 'api-token', subjectId: row.name });
        return redirect(context, reply, '/manage/api-tokens', row ? { kind: 'notice', text: `Revoked the token for ${row.name}.` } : { kind: 'error', text: 'No such active token.' });
      },
    },
  ];
}
