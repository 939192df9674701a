// Editing one's own profile.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { UserError } from '../../store/errors.js';
import type { Member } from '../../store/schema.js';
import type { WebContext } from '../context.js';
import { html } from '../html.js';
import { updateProfile } from '../queries/accounts.js';
import { z } from 'zod';
import { formBody, page, redirect, type Route } from '../routing.js';
import { countryDatalist, csrfField } from '../views/components.js';
import { errorsFromProblems, errorSummary, formField, readForm, type FieldErrors } from '../views/forms.js';
import { countryName, matchCountry } from '../../domain/countries.js';
import { csrfToken } from '../session.js';
import { actorOf, me } from './own.js';

const FIELDS = ['name', 'country', 'company', 'bio', 'avatarUrl'] as const;
const LABELS: Record<string, string> = { name: 'Full name', country: 'Country', company: 'Company', bio: 'About you', avatarUrl: 'Avatar image URL' };

function isHttpsUrl(value: string): boolean {
  try {
    return value.length <= 2000 && new URL(value).protocol === 'https:';
  } catch {
    return false;
  }
}

export const profileSchema = z.object({
  name: z.string().min(1, 'Enter your full name.').max(200, 'Your full name can be at most 200 characters.'),
  country: z.string().refine((v) => !v || (v.length <= 100 && matchCountry(v) !== null), 'Pick your country from the list, or leave it empty.'),
  company: z.string().max(200, 'The company can be at most 200 characters.'),
  bio: z.string().max(4000, 'About you can be at most 4000 characters.'),
  avatarUrl: z.string().refine((v) => !v || isHttpsUrl(v), 'Enter the avatar image as an https:// address, or leave it empty.'),
});

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
        const form = readForm(profileSchema, formBody(request), FIELDS);
        if (!form.ok) return profilePage(context, request, reply, me(request), form.values, form.errors, 400);
        const values = form.values;
        const update = { name: values.name, country: values.country || null, company: values.company || null, bio: values.bio || null, avatarUrl: values.avatarUrl || null };
        try {
          await updateProfile(context.wdb, me(request).id, update, actorOf(request));
        } catch (error) {
          if (error instanceof UserError) {
            return profilePage(context, request, reply, me(request), values, errorsFromProblems(error.message.split('; '), { name: 'name', country: 'country', company: 'company', bio: 'bio', avatar: 'avatarUrl' }), 400);
          }
          throw error;
        }
        context.cache.clear();
        return redirect(context, reply, '/me/profile', { kind: 'notice', text: 'Profile saved.' });
      },
    },
  ];
}

function profilePage(context: WebContext, request: FastifyRequest, reply: FastifyReply, member: Member, typed?: Record<string, string>, errors: FieldErrors = {}, status = 200) {
  const values = typed ?? {
    name: member.name,
    country: member.country ? countryName(member.country) : (member.country_unmatched ?? ''),
    company: member.company ?? '',
    bio: member.bio ?? '',
    avatarUrl: member.avatar_url ?? '',
  };
  const form = { values, errors };
  return page(context, request, reply, {
    title: Object.keys(errors).length ? 'Edit profile (please correct the form)' : 'Edit profile',
    main: html`<div class="narrow"><h1>Edit profile</h1>${errorSummary(errors, LABELS)}
      <form method="post" action="/me/profile" class="card form" novalidate>
        ${csrfField(csrfToken(context, request, reply))}
        ${formField({ name: 'name', label: LABELS.name!, required: true, maxlength: 200, autocomplete: 'name' }, form)}
        ${formField({ name: 'country', label: LABELS.country!, maxlength: 100, autocomplete: 'country-name', list: 'country-names', hint: 'Type and pick your country from the list.' }, form)}
        ${countryDatalist()}
        ${formField({ name: 'company', label: LABELS.company!, maxlength: 200, autocomplete: 'organization' }, form)}
        ${formField({ name: 'bio', label: LABELS.bio!, type: 'textarea', maxlength: 4000 }, form)}
        ${formField({ name: 'avatarUrl', label: LABELS.avatarUrl!, type: 'url', hint: 'An https address of a square image, e.g. https://github.com/yourlogin.png' }, form)}
        <p class="meta">Your handle @${member.handle} stays as it is; a program manager can change it for you (the old address then redirects). Change your email address, links, privacy and emails in your <a href="/me/settings">settings</a> (a new email is confirmed from that address).</p>
        <button type="submit">Save profile</button>
      </form></div>`,
  }, status);
}
