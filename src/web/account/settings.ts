// An ambassador's own settings: links on the profile (https only, shown with rel="me"),
// privacy (hide country or company, stay out of the directory while keeping the status), and
// which optional emails they want; plus the one-click unsubscribe of RFC 8058, which works
// from a signed link without signing in (a mail client POSTs "List-Unsubscribe=One-Click").
// Also changing one's own email: the link goes to the new address (the same email_changes
// token and /email-change/confirm route as a manager's change), a notice to the old one.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { isEmailAddress, MAX_LENGTH } from '../../domain/untrusted-text.js';
import { recordAudit } from '../../store/audit.js';
import { UserError } from '../../store/errors.js';
import { startEmailChange } from '../../store/member-console.js';
import { hitRateLimit } from '../../store/rate-limits.js';
import type { ProfileLink } from '../../store/schema.js';
import { EMAIL_TOPIC_LABELS, EMAIL_TOPICS, setTopic, verifyUnsubscribe, type EmailTopic } from '../../notify/preferences.js';
import type { WebContext } from '../context.js';
import { HttpProblem } from '../errors.js';
import { escapeHtml, html, type Html } from '../html.js';
import { formBody, page, queryOf, redirect, text, type FormBody, type Route } from '../routing.js';
import { csrfToken } from '../session.js';
import { csrfField, problemsList } from '../views/components.js';
import { errorsFromProblems, errorSummary, formField, readForm, type FieldErrors } from '../views/forms.js';
import { memberSettings } from '../public/privacy.js';
import { actorOf, me } from './own.js';

export const MAX_LINKS = 6;

type FieldProblems = Record<string, string>;

/** Requests to change one's own email, per member: each sends two emails. */
export const EMAIL_CHANGE_LIMIT = { max: 5, windowMs: 3_600_000 };
const EMAIL_CHANGE_HOURS = 48;
const EMAIL_FIELDS = ['email'] as const;
const EMAIL_LABELS: Record<string, string> = { email: 'New email address' };

export const emailChangeSchema = z.object({
  email: z
    .string()
    .min(1, 'Enter the new email address.')
    .max(MAX_LENGTH.email, `An email address has at most ${MAX_LENGTH.email} characters.`)
    .refine((v) => isEmailAddress(v), 'Enter an email address like name@example.org.'),
});

interface EmailForm {
  values: Record<string, string>;
  errors: FieldErrors;
}

function emailChangeForm(context: WebContext, request: FastifyRequest, reply: FastifyReply, current: string | null, form: EmailForm): Html {
  return html`<form method="post" action="/me/email" class="card form" novalidate>${csrfField(csrfToken(context, request, reply))}
      <h2 id="change-email">Change my email</h2>${errorSummary(form.errors, EMAIL_LABELS)}
      <p class="hint">Sign-in links and messages go to ${current ? html`<strong>${current}</strong>` : 'no address yet'}. A confirmation link goes to the new address; the address changes when you open it (within ${String(EMAIL_CHANGE_HOURS)} hours), and the current address is told about the request.</p>
      ${formField({ name: 'email', label: EMAIL_LABELS.email!, type: 'email', required: true, maxlength: MAX_LENGTH.email, autocomplete: 'email' }, form)}
      <button type="submit">Send the confirmation link</button>
    </form>`;
}

/** The links of the form, validated: each an https URL of at most 300 characters, with a label. */
export function parseLinks(body: FormBody): { links: ProfileLink[]; problems: FieldProblems } {
  const links: ProfileLink[] = [];
  const problems: FieldProblems = {};
  for (let i = 0; i < MAX_LINKS; i += 1) {
    const url = text(body, `linkUrl${i}`).slice(0, 1000);
    const label = text(body, `linkLabel${i}`).slice(0, 1000);
    if (!url && !label) continue;
    let parsed: URL | null = null;
    try {
      parsed = url.length <= 300 ? new URL(url) : null;
    } catch {
      parsed = null;
    }
    if (!parsed || parsed.protocol !== 'https:' || !parsed.hostname.includes('.') || parsed.username || parsed.password) {
      problems[`linkUrl${i}`] = `Link ${i + 1}: expected an https:// address of at most 300 characters, e.g. https://example.com/you`;
      continue;
    }
    if (label.length > 60) {
      problems[`linkLabel${i}`] = `Link ${i + 1}: the label can have at most 60 characters`;
      continue;
    }
    links.push({ label: label || parsed.hostname.replace(/^www\./, ''), url: parsed.toString() });
  }
  return { links, problems };
}

function checkbox(name: string, label: string, checked: boolean, hint?: string): Html {
  return html`<div class="check"><input type="checkbox" id="f-${name}" name="${name}" value="yes"${checked ? html` checked` : ''}${hint ? html` aria-describedby="f-${name}-hint"` : ''}>
    <label for="f-${name}">${label}</label>${hint ? html`<p class="hint" id="f-${name}-hint">${hint}</p>` : ''}</div>`;
}

async function settingsPage(context: WebContext, request: FastifyRequest, reply: FastifyReply, values?: FormBody, problems: FieldProblems = {}, status = 200, emailForm: EmailForm = { values: { email: '' }, errors: {} }) {
  const member = me(request);
  const saved = await memberSettings(context.db, member.id);
  const linkValue = (i: number, part: 'Url' | 'Label') => (values ? text(values, `link${part}${i}`) : (part === 'Url' ? saved.links[i]?.url : saved.links[i]?.label) ?? '');
  const on = (name: string, fallback: boolean) => (values ? text(values, name) === 'yes' : fallback);
  const topicColumn: Record<EmailTopic, boolean> = { awards: saved.email_awards, status: saved.email_status, reviews: saved.email_reviews, program: saved.email_program };
  const rows = Array.from({ length: MAX_LINKS }, (_, i) => {
    const urlProblem = problems[`linkUrl${i}`];
    const labelProblem = problems[`linkLabel${i}`];
    return html`<div class="link-row${urlProblem || labelProblem ? ' has-error' : ''}">
      ${urlProblem ? html`<p class="error" id="f-linkUrl${i}-error">${urlProblem}</p>` : ''}${labelProblem ? html`<p class="error" id="f-linkLabel${i}-error">${labelProblem}</p>` : ''}
      <div class="field"><label for="f-linkLabel${i}">Label of link ${i + 1}</label><input id="f-linkLabel${i}" name="linkLabel${i}" maxlength="60" value="${linkValue(i, 'Label')}" placeholder="Website"${labelProblem ? html` aria-invalid="true" aria-describedby="f-linkLabel${i}-error"` : ''}></div>
      <div class="field"><label for="f-linkUrl${i}">Address of link ${i + 1}</label><input id="f-linkUrl${i}" name="linkUrl${i}" type="url" maxlength="300" value="${linkValue(i, 'Url')}" placeholder="https://"${urlProblem ? html` aria-invalid="true" aria-describedby="f-linkUrl${i}-error"` : ''}></div>
    </div>`;
  });
  return page(context, request, reply, {
    title: Object.keys(emailForm.errors).length ? 'Settings (please correct the form)' : 'Settings',
    main: html`<div class="narrow"><h1>Settings</h1>${problemsList(Object.values(problems))}
      <form method="post" action="/me/settings" class="card form">${csrfField(csrfToken(context, request, reply))}
        <fieldset><legend>Links on your profile</legend>
          <p class="hint">Your website, LinkedIn, Mastodon or other profiles: https addresses, shown with <code>rel="me"</code> so sites that check it can confirm they are yours.</p>
          ${rows}
        </fieldset>
        <fieldset><legend>Privacy</legend>
          ${checkbox('hideCountry', 'Hide my country from the public', on('hideCountry', saved.hide_country))}
          ${checkbox('hideCompany', 'Hide my company from the public', on('hideCompany', saved.hide_company))}
          ${checkbox('hideFromDirectory', 'Leave me out of the directory', on('hideFromDirectory', saved.hide_from_directory), 'Your profile, status and badge stay reachable at their address, and you keep your place on the leaderboards.')}
        </fieldset>
        <fieldset><legend>Emails</legend>
          <p class="hint">Sign-in links and what you need to use the program are always sent.</p>
          ${EMAIL_TOPICS.map((topic) => checkbox(`email_${topic}`, EMAIL_TOPIC_LABELS[topic].label, on(`email_${topic}`, topicColumn[topic]), EMAIL_TOPIC_LABELS[topic].hint))}
        </fieldset>
        <button type="submit">Save settings</button>
      </form>
      ${emailChangeForm(context, request, reply, member.email, emailForm)}</div>`,
  }, status);
}

export function settingsRoutes(context: WebContext): Route[] {
  return [
    { method: 'GET', url: '/me/settings', access: 'member', kind: 'page', summary: 'my links, privacy and email settings', handler: (request, reply) => settingsPage(context, request, reply) },
    {
      method: 'POST',
      url: '/me/settings',
      access: 'member',
      kind: 'page',
      summary: 'save my settings',
      handler: async (request, reply) => {
        const body = formBody(request);
        const { links, problems } = parseLinks(body);
        if (Object.keys(problems).length) return settingsPage(context, request, reply, body, problems, 400);
        const member = me(request);
        const values = {
          links: JSON.stringify(links),
          hide_country: text(body, 'hideCountry') === 'yes',
          hide_company: text(body, 'hideCompany') === 'yes',
          hide_from_directory: text(body, 'hideFromDirectory') === 'yes',
          email_awards: text(body, 'email_awards') === 'yes',
          email_status: text(body, 'email_status') === 'yes',
          email_reviews: text(body, 'email_reviews') === 'yes',
          email_program: text(body, 'email_program') === 'yes',
          updated_at: new Date(),
        };
        await context.db.transaction().execute(async (trx) => {
          await trx.insertInto('member_settings').values({ member_id: member.id, ...values }).onConflict((oc) => oc.column('member_id').doUpdateSet(values)).execute();
          await recordAudit(trx, { actor: actorOf(request), action: 'member.settings', subjectType: 'member', subjectId: member.handle });
        });
        context.cache.clear();
        return redirect(context, reply, '/me/settings', { kind: 'notice', text: 'Settings saved.' });
      },
    },
    {
      method: 'POST',
      url: '/me/email',
      access: 'member',
      kind: 'page',
      summary: 'change my email (a link to the new address confirms it)',
      handler: async (request, reply) => {
        const member = me(request);
        const form = readForm(emailChangeSchema, formBody(request), EMAIL_FIELDS);
        const again = (errors: FieldErrors, status: number) => settingsPage(context, request, reply, undefined, {}, status, { values: form.values, errors });
        if (!form.ok) return again(form.errors, 400);
        const email = form.values.email;
        if (member.email && member.email.toLowerCase() === email.toLowerCase()) return again({ email: 'That is your current address already.' }, 400);
        const verdict = await hitRateLimit(context.db, `member:${member.id}:email-change`, EMAIL_CHANGE_LIMIT, context.now());
        if (!verdict.allowed) return again({ email: 'Too many email change requests for now. Try again in an hour.' }, 429);
        let token: string;
        try {
          token = await startEmailChange(context.db, member.id, email, member.id, actorOf(request), context.now(), EMAIL_CHANGE_HOURS);
        } catch (error) {
          // "taken" says nothing about whose address it is.
          if (error instanceof UserError) return again(errorsFromProblems([error.message.replace('belongs to another member', 'is used by another account; pick another')], { email: 'email' }), 400);
          throw error;
        }
        const program = context.config.program.name;
        const link = `${context.baseUrl}/email-change/confirm?token=${token}`;
        const words = `You asked to change the email address of your ${program} account (@${member.handle}) to this one. Open this link within ${EMAIL_CHANGE_HOURS} hours to confirm it; until then the old address stays.`;
        try {
          await context.notifier.sendTransient(email, {
            subject: `Confirm your new email address for the ${program}`,
            text: `Hello ${member.name},\n\n${words}\n\n${link}\n\nIf you did not ask for this, ignore this email.\n`,
            html: `<!doctype html><html><body><p>Hello ${escapeHtml(member.name)},</p><p>${escapeHtml(words)}</p><p><a href="${link}">Confirm the new address</a></p><p>If you did not ask for this, ignore this email.</p></body></html>`,
          });
        } catch (error) {
          // Nothing changes without the link; the address stays and the form says so.
          request.log.warn({ err: (error as Error).message }, 'email change link not sent');
          return again({ email: 'The confirmation email could not be sent just now, so your address stays as it is. Try again later.' }, 503);
        }
        if (member.email) {
          const notice = `Someone signed in as @${member.handle} asked to change the email address of your ${program} account. This address stays until the new one is confirmed from a link sent to it. If that was not you, sign in, check your settings and tell a program manager.`;
          await context.notifier
            .sendTransient(member.email, {
              subject: `An email change was requested for your ${program} account`,
              text: `Hello ${member.name},\n\n${notice}\n\n${context.baseUrl}/me/settings\n`,
              html: `<!doctype html><html><body><p>Hello ${escapeHtml(member.name)},</p><p>${escapeHtml(notice)}</p><p><a href="${context.baseUrl}/me/settings">Your settings</a></p></body></html>`,
            })
            .catch((error: Error) => request.log.warn({ err: error.message }, 'email change notice to the old address not sent'));
        }
        return redirect(context, reply, '/me/settings', { kind: 'notice', text: `A confirmation link went to ${email}; your address changes when you open it.` });
      },
    },
    {
      method: 'GET',
      url: '/unsubscribe',
      access: 'anyone',
      kind: 'page',
      summary: 'confirm unsubscribing from a kind of email (signed link)',
      handler: async (request, reply) => {
        const query = queryOf(request);
        const target = await verifyUnsubscribe(context.db, query);
        if (!target) throw new HttpProblem(400, 'invalid', 'This unsubscribe link is not valid. Sign in and change your emails in your settings instead.');
        const label = EMAIL_TOPIC_LABELS[target.topic].label.toLowerCase();
        return page(context, request, reply, {
          title: 'Unsubscribe',
          main: html`<div class="narrow card"><h1>Unsubscribe</h1><p>Stop sending you ${label}?</p>
            <form method="post" action="/unsubscribe?m=${String(target.memberId)}&t=${target.topic}&s=${query.s ?? ''}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe from ${label}</button></form>
            <p class="meta">You can turn them on again in your <a href="/me/settings">settings</a>.</p></div>`,
        });
      },
    },
    {
      method: 'POST',
      url: '/unsubscribe',
      access: 'anyone',
      kind: 'page',
      csrf: false,
      summary: 'one-click unsubscribe (RFC 8058; the signed link stands for the CSRF token)',
      handler: async (request, reply) => {
        const target = await verifyUnsubscribe(context.db, queryOf(request));
        if (!target) throw new HttpProblem(400, 'invalid', 'This unsubscribe link is not valid. Sign in and change your emails in your settings instead.');
        await setTopic(context.db, target.memberId, target.topic, false);
        await recordAudit(context.db, { actor: 'unsubscribe-link', action: 'member.unsubscribe', subjectType: 'member', subjectId: target.memberId, details: { topic: target.topic } });
        const label = EMAIL_TOPIC_LABELS[target.topic].label.toLowerCase();
        return page(context, request, reply, {
          title: 'Unsubscribed',
          main: html`<div class="narrow card"><h1>Unsubscribed</h1><p>You will get no more ${label}.</p><p class="meta">Change your mind in your <a href="/me/settings">settings</a>.</p></div>`,
        });
      },
    },
  ];
}
