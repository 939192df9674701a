// Editing one's own profile.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { UserError } from '../../store/errors.js';
import type { Member } from '../../store/schema.js';
import type { WebContext } from '../context.js';
import { html } from '../html.js';
import { updateProfile } from '../queries/accounts.js';
import { formBody, page, redirect, text, type Route } from '../routing.js';
import { countryDatalist, csrfField, field, problemsList } from '../views/components.js';
import { countryName } from '../../domain/countries.js';
import { csrfToken } from '../session.js';
import { actorOf, me } from './own.js';

export function profileFormRoutes(context: WebContext): Route[] {
  return [
    {
      method: 'GET',
      url: '/me/profile',
      access: 'member',
      kind: 'page',
      summary: 'edit my profile',
      handler: async (request, reply) => profilePage(context, request, reply, me(request)),
    },
    {
      method: 'POST',
      url: '/me/profile',
      access: 'member',
      kind: 'page',
      summary: 'save my profile',
      handler: async (request, reply) => {
        const body = formBody(request);
        const update = {
          name: text(body, 'name'),
          country: text(body, 'country') || null,
          company: text(body, 'company') || null,
          bio: text(body, 'bio') || null,
          avatarUrl: text(body, 'avatarUrl') || null,
        };
        try {
          await updateProfile(context.wdb, me(request).id, update, actorOf(request));
        } catch (error) {
          if (error instanceof UserError) {
            const draft = { ...me(request), name: update.name, country: update.country, company: update.company, bio: update.bio, avatar_url: update.avatarUrl };
            return profilePage(context, request, reply, draft, error.message.split('; '), 400);
          }
          throw error;
        }
        context.cache.clear();
        return redirect(context, reply, '/me/profile', { kind: 'notice', text: 'Profile saved.' });
      },
    },
  ];
}

function profilePage(context: WebContext, request: FastifyRequest, reply: FastifyReply, member: Member, problems: string[] = [], status = 200) {
  return page(context, request, reply, {
    title: 'Edit profile',
    main: html`<div class="narrow"><h1>Edit profile</h1>${problemsList(problems)}
      <form method="post" action="/me/profile" class="card form">
        ${csrfField(csrfToken(context, request, reply))}
        ${field({ name: 'name', label: 'Full name', value: member.name, required: true, maxlength: 200, autocomplete: 'name' })}
        ${field({ name: 'country', label: 'Country', value: member.country ? countryName(member.country) : (member.country_unmatched ?? ''), maxlength: 100, autocomplete: 'country-name', list: 'country-names', hint: 'Type and pick your country from the list.' })}
        ${countryDatalist()}
        ${field({ name: 'company', label: 'Company', value: member.company, maxlength: 200, autocomplete: 'organization' })}
        ${field({ name: 'bio', label: 'About you', type: 'textarea', value: member.bio, maxlength: 4000 })}
        ${field({ name: 'avatarUrl', label: 'Avatar image URL', type: 'url', value: member.avatar_url, hint: 'An https address of a square image, e.g. https://github.com/yourlogin.png' })}
        <p class="meta">Your handle @${member.handle} and email stay as they are; ask a program manager to change them. Links, privacy and emails: <a href="/me/settings">settings</a>.</p>
        <button type="submit">Save profile</button>
      </form></div>`,
  }, status);
}
