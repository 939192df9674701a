// Joining the program: the sign-up form with its consents; a welcome email and a sign-in link follow.
// Every field is checked in one pass before anything is counted against the sign-in limit.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { matchCountry } from '../../domain/countries.js';
import { isEmailAddress, MAX_LENGTH } from '../../domain/untrusted-text.js';
import { notifyWelcome } from '../../notify/events.js';
import { UserError } from '../../store/errors.js';
import type { WebContext } from '../context.js';
import { html } from '../html.js';
import { signUp } from '../queries/accounts.js';
import { hitRateLimit } from '../../store/rate-limits.js';
import { formBody, page, redirect, type Route } from '../routing.js';
import { countryDatalist, csrfField } from '../views/components.js';
import { errorsFromProblems, errorSummary, formCheckbox, formField, readForm, type FieldErrors } from '../views/forms.js';
import { csrfToken } from '../session.js';
import { HttpProblem } from '../errors.js';
import { sendSignInLink } from './sign-in-links.js';

const HANDLE = /^[A-Za-z0-9][A-Za-z0-9_-]{1,38}$/;
const FIELDS = ['name', 'handle', 'email', 'country', 'consentTracking', 'consentPublic'] as const;
const LABELS: Record<string, string> = {
  name: 'Full name',
  handle: 'Handle',
  email: 'Email',
  country: 'Country',
  consentTracking: 'Consent to tracking',
  consentPublic: 'Consent to a public profile',
};

export const joinSchema = z.object({
  name: z.string().min(1, 'Enter your full name.').max(200, 'Your full name can be at most 200 characters.'),
  handle: z
    .string()
    .min(1, 'Choose a handle.')
    .refine((v) => v.length <= MAX_LENGTH.handle && HANDLE.test(v), 'A handle is 2-39 letters, digits, - or _, starting with a letter or digit.'),
  email: z.string().min(1, 'Enter your email address.').refine(isEmailAddress, 'Enter an email address like name@example.org.'),
  country: z.string().refine((v) => !v || (v.length <= 100 && matchCountry(v) !== null), 'Pick your country from the list, or leave it empty.'),
  consentTracking: z.string().refine((v) => v === 'yes', 'Tick this box to agree to the tracking of your public contributions.'),
  consentPublic: z.string().refine((v) => v === 'yes', 'Tick this box to agree to a public profile.'),
});

export function joinRoutes(context: WebContext): Route[] {
  const limits = context.web.signInRateLimit;
  const limit = { max: limits.max, windowMs: limits.windowMinutes * 60_000 };

  function joinPage(request: FastifyRequest, reply: FastifyReply, values: Record<string, string>, errors: FieldErrors = {}, status = 200) {
    const form = { values, errors };
    return page(context, request, reply, {
      title: Object.keys(errors).length ? 'Join the program (please correct the form)' : 'Join the program',
      main: html`<div class="narrow">
        <h1>Join the ${context.config.program.name}</h1>
        <p class="lead">Register once; your public contributions are then found and counted automatically.</p>
        ${errorSummary(errors, LABELS)}
        <form method="post" action="/join" class="card form" novalidate>
          ${csrfField(csrfToken(context, request, reply))}
          ${formField({ name: 'name', label: LABELS.name!, required: true, autocomplete: 'name', maxlength: 200 }, form)}
          ${formField({ name: 'handle', label: LABELS.handle!, required: true, autocomplete: 'username', maxlength: 39, hint: 'Your address on this site: 2-39 letters, digits, - or _. Often your GitHub login.' }, form)}
          ${formField({ name: 'email', label: LABELS.email!, type: 'email', required: true, autocomplete: 'email', hint: 'We send your sign-in links here. It is never shown publicly.' }, form)}
          ${formField({ name: 'country', label: LABELS.country!, autocomplete: 'country-name', maxlength: 100, list: 'country-names', hint: 'Type and pick your country from the list.' }, form)}
          ${countryDatalist()}
          <fieldset class="consents"><legend>Consent</legend>
            ${formCheckbox({ name: 'consentTracking', label: 'I agree that my public contributions on the identities I link are tracked and scored.' }, form)}
            ${formCheckbox({ name: 'consentPublic', label: 'I agree to a public profile with my name, country, contributions and status.' }, form)}
          </fieldset>
          <button type="submit">Create my account</button>
        </form>
        <p>Already registered? <a href="/sign-in">Sign in</a>.</p>
      </div>`,
    }, status);
  }

  return [
    {
      method: 'GET',
      url: '/join',
      access: 'anyone',
      kind: 'page',
      summary: 'sign-up form',
      handler: async (request, reply) => (request.viewer ? redirect(context, reply, '/me') : joinPage(request, reply, {})),
    },
    {
      method: 'POST',
      url: '/join',
      access: 'anyone',
      kind: 'page',
      summary: 'sign up',
      handler: async (request, reply) => {
        const form = readForm(joinSchema, formBody(request), FIELDS);
        const values = form.values;
        // A form with mistakes is answered before the limit is counted: fixing it costs nothing.
        if (!form.ok) return joinPage(request, reply, values, form.errors, 400);
        if (!(await hitRateLimit(context.db, `join:ip:${request.ip}`, limit, context.now())).allowed) throw new HttpProblem(429, 'rate_limited', 'too many attempts; try again in a few minutes');
        try {
          const member = await signUp(
            context.wdb,
            {
              handle: values.handle,
              name: values.name,
              email: values.email,
              country: values.country || null,
              consentTracking: values.consentTracking === 'yes',
              consentPublic: values.consentPublic === 'yes',
            },
            context.today(),
            context.now(),
          );
          context.cache.clear();
          await sendSignInLink(context, member, '/me').catch((error: Error) => request.log.warn({ err: error.message }, 'sign-in link not sent'));
          await notifyWelcome(context.notifier, context.config, member);
          return page(context, request, reply, {
            title: 'Check your email',
            main: html`<div class="narrow card"><h1>Check your email</h1><p>Welcome, ${member.name}! We sent a sign-in link to <strong>${values.email}</strong>.
              It works once, for ${context.web.signInLinkMinutes} minutes.</p></div>`,
          });
        } catch (error) {
          if (error instanceof UserError) {
            const errors = errorsFromProblems(error.message.split('; '), { handle: 'handle', name: 'name', email: 'email', country: 'country', consent: 'consentTracking' });
            if (/handle .* is taken/.test(error.message)) errors.handle = `The handle “${values.handle}” is taken; choose another.`;
            if (error.message.includes('email address belongs to another member')) errors.email = 'This email address already has an account; sign in instead.';
            if (errors.handle || errors.email) delete errors._form;
            return joinPage(request, reply, values, errors, error.code === 'conflict' ? 409 : 400);
          }
          throw error;
        }
      },
    },
  ];
}
