// Joining the program: the sign-up form with its consents; a welcome email and a sign-in link follow.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { notifyWelcome } from '../../notify/events.js';
import { UserError } from '../../store/errors.js';
import type { WebContext } from '../context.js';
import { html } from '../html.js';
import { signUp } from '../queries/accounts.js';
import { hitRateLimit } from '../../store/rate-limits.js';
import { formBody, page, redirect, text, type Route } from '../routing.js';
import { csrfField, field, problemsList } from '../views/components.js';
import { csrfToken } from '../session.js';
import { HttpProblem } from '../errors.js';
import { sendSignInLink } from './sign-in-links.js';

export function joinRoutes(context: WebContext): Route[] {
  const limits = context.web.signInRateLimit;
  const limit = { max: limits.max, windowMs: limits.windowMinutes * 60_000 };

  function joinPage(request: FastifyRequest, reply: FastifyReply, values: Record<string, string>, problems: string[] = [], status = 200) {
    return page(context, request, reply, {
      title: 'Join the program',
      main: html`<div class="narrow">
        <h1>Join the ${context.config.program.name}</h1>
        <p class="lead">Register once; your public contributions are then found and counted automatically.</p>
        ${problemsList(problems)}
        <form method="post" action="/join" class="card form" novalidate>
          ${csrfField(csrfToken(context, request, reply))}
          ${field({ name: 'name', label: 'Full name', value: values.name, required: true, autocomplete: 'name', maxlength: 200 })}
          ${field({ name: 'handle', label: 'Handle', value: values.handle, required: true, autocomplete: 'username', maxlength: 39, hint: 'Your address on this site: 2-39 letters, digits, - or _. Often your GitHub login.' })}
          ${field({ name: 'email', label: 'Email', type: 'email', value: values.email, required: true, autocomplete: 'email', hint: 'We send your sign-in links here. It is never shown publicly.' })}
          ${field({ name: 'country', label: 'Country', value: values.country, autocomplete: 'country-name', maxlength: 100 })}
          <fieldset class="consents"><legend>Consent</legend>
            <div class="check"><input type="checkbox" id="f-consent-tracking" name="consentTracking" value="yes"${values.consentTracking ? html` checked` : ''} required>
              <label for="f-consent-tracking">I agree that my public contributions on the identities I link are tracked and scored.</label></div>
            <div class="check"><input type="checkbox" id="f-consent-public" name="consentPublic" value="yes"${values.consentPublic ? html` checked` : ''} required>
              <label for="f-consent-public">I agree to a public profile with my name, country, contributions and status.</label></div>
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
        const body = formBody(request);
        const values = {
          name: text(body, 'name'),
          handle: text(body, 'handle'),
          email: text(body, 'email'),
          country: text(body, 'country'),
          consentTracking: text(body, 'consentTracking'),
          consentPublic: text(body, 'consentPublic'),
        };
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
          if (error instanceof UserError) return joinPage(request, reply, values, error.message.split('; '), error.code === 'conflict' ? 409 : 400);
          throw error;
        }
      },
    },
  ];
}
