// One's own data: a download of all of it, and deleting the account.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { removeMember } from '../../store/members.js';
import type { WebContext } from '../context.js';
import { html } from '../html.js';
import { personalData } from '../queries/accounts.js';
import { formBody, page, redirect, text, type Route } from '../routing.js';
import { csrfField, field, problemsList } from '../views/components.js';
import { endSession, csrfToken } from '../session.js';
import { me } from './own.js';

export function accountDataRoutes(context: WebContext): Route[] {
  return [
    {
      method: 'GET',
      url: '/me/data.json',
      access: 'member',
      kind: 'page',
      summary: 'download all my data',
      handler: async (request, reply) => {
        const data = await personalData(context.wdb, me(request).id);
        reply
          .type('application/json; charset=utf-8')
          .header('content-disposition', `attachment; filename="${me(request).handle}-data.json"`)
          .header('cache-control', 'no-store');
        return JSON.stringify({ exportedAt: context.now().toISOString(), program: context.config.program.name, ...data }, null, 2);
      },
    },
    {
      method: 'GET',
      url: '/me/delete',
      access: 'member',
      kind: 'page',
      summary: 'delete my account (confirm)',
      handler: async (request, reply) => deletePage(context, request, reply),
    },
    {
      method: 'POST',
      url: '/me/delete',
      access: 'member',
      kind: 'page',
      summary: 'delete my account',
      handler: async (request, reply) => {
        const member = me(request);
        if (text(formBody(request), 'confirm').toLowerCase() !== member.handle.toLowerCase()) {
          return deletePage(context, request, reply, [`confirm: type your handle ${member.handle} to confirm`], 400);
        }
        await endSession(context, request, reply);
        await removeMember(context.db, member.handle, `web:self`);
        context.cache.clear();
        return redirect(context, reply, '/', { kind: 'notice', text: 'Your account and all your data are deleted.' });
      },
    },
  ];
}

function deletePage(context: WebContext, request: FastifyRequest, reply: FastifyReply, problems: string[] = [], status = 200) {
  const member = me(request);
  return page(context, request, reply, {
    title: 'Delete my account',
    main: html`<div class="narrow"><h1>Delete my account</h1>${problemsList(problems)}
      <div class="card danger-zone"><p>This deletes your profile, your identities and every contribution recorded for you. It cannot be undone.
        Your identities are remembered only as one-way hashes, so no sync brings your data back. Consider <a href="/me/data.json">downloading your data</a> first.</p>
      <form method="post" action="/me/delete" class="form">${csrfField(csrfToken(context, request, reply))}
        ${field({ name: 'confirm', label: `Type your handle (${member.handle}) to confirm`, required: true, autocomplete: 'off' })}
        <button type="submit" class="danger">Delete my account and data</button></form></div></div>`,
  }, status);
}
