// Signing in and out: a one-time link by email (rate limited, and silent about which
// addresses exist). GitHub sign-in is in github-oauth.ts.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isEmailAddress, MAX_LENGTH } from '../../domain/untrusted-text.js';
import type { WebContext } from '../context.js';
import { html } from '../html.js';
import { consumeLoginToken, findMemberByEmail, peekLoginToken } from '../queries/accounts.js';
import { hitRateLimit } from '../../store/rate-limits.js';
import { formBody, safeNext, page, queryOf, redirect, text, type Route } from '../routing.js';
import { csrfField, field, problemsList } from '../views/components.js';
import { csrfToken, endSession, startSession } from '../session.js';
import { ensureAccount, sendSignInLink } from './sign-in-links.js';

export function signInRoutes(context: WebContext): Route[] {
  const limits = context.web.signInRateLimit;
  const limit = { max: limits.max, windowMs: limits.windowMinutes * 60_000 };
  // Counted in the database, so every instance agrees on the count.
  const allowed = async (key: string) => (await hitRateLimit(context.db, `sign-in:${key}`, limit, context.now())).allowed;
  return [
    {
      method: 'GET',
      url: '/sign-in',
      access: 'anyone',
      kind: 'page',
      summary: 'sign-in form',
      handler: async (request, reply) => signInPage(context, request, reply),
    },
    {
      method: 'POST',
      url: '/sign-in',
      access: 'anyone',
      kind: 'page',
      summary: 'request a sign-in link',
      handler: async (request, reply) => {
        const body = formBody(request);
        const email = text(body, 'email').toLowerCase();
        if (!isEmailAddress(email)) return signInPage(context, request, reply, email.slice(0, MAX_LENGTH.email), ['email: expected an email address'], 400);
        if (!(await allowed(`ip:${request.ip}`)) || !(await allowed(`email:${email}`))) {
          return signInPage(context, request, reply, email, ['Too many sign-in requests. Wait a few minutes and try again.'], 429);
        }
        const member = await findMemberByEmail(context.wdb, email);
        if (member && member.state === 'registered') {
          await sendSignInLink(context, member, safeNext(context.baseUrl, text(body, 'next'), '/me')).catch((error: Error) => request.log.warn({ err: error.message }, 'sign-in link not sent'));
        }
        // The same answer whether or not the address is registered.
        return page(context, request, reply, {
          title: 'Check your email',
          main: html`<div class="narrow card"><h1>Check your email</h1><p>If <strong>${email}</strong> belongs to an ambassador, a sign-in link is on its way.
            It works once, for ${context.web.signInLinkMinutes} minutes.</p></div>`,
        });
      },
    },
    {
      method: 'GET',
      url: '/sign-in/link',
      access: 'anyone',
      kind: 'page',
      summary: 'confirm a sign-in link',
      handler: async (request, reply) => {
        const query = queryOf(request);
        const token = query.token ?? '';
        const member = token ? await peekLoginToken(context.wdb, token, context.now()) : undefined;
        if (!member) {
          return signInPage(context, request, reply, '', ['This sign-in link is not valid any more: it was used or it expired. Ask for a new one.'], 400);
        }
        // A button rather than signing in on GET: mail scanners that open links do not use them up.
        return page(context, request, reply, {
          title: 'Sign in',
          main: html`<div class="narrow card"><h1>Welcome back, ${member.name}</h1>
            <form method="post" action="/sign-in/link">${csrfField(csrfToken(context, request, reply))}
              <input type="hidden" name="token" value="${token}"><input type="hidden" name="next" value="${safeNext(context.baseUrl, query.next, '/me')}">
              <button type="submit">Continue as @${member.handle}</button></form></div>`,
        });
      },
    },
    {
      method: 'POST',
      url: '/sign-in/link',
      access: 'anyone',
      kind: 'page',
      summary: 'sign in with a link',
      handler: async (request, reply) => {
        const body = formBody(request);
        const memberId = await consumeLoginToken(context.wdb, text(body, 'token'), context.now());
        if (memberId === null) return signInPage(context, request, reply, '', ['This sign-in link is not valid any more. Ask for a new one.'], 400);
        await ensureAccount(context, memberId);
        await startSession(context, reply, memberId);
        return redirect(context, reply, safeNext(context.baseUrl, text(body, 'next'), '/me'), { kind: 'notice', text: 'You are signed in.' });
      },
    },
    {
      method: 'POST',
      url: '/sign-out',
      access: 'member',
      kind: 'page',
      summary: 'sign out',
      handler: async (request, reply) => {
        await endSession(context, request, reply);
        return redirect(context, reply, '/', { kind: 'notice', text: 'You are signed out.' });
      },
    },
  ];
}

export function signInPage(context: WebContext, request: FastifyRequest, reply: FastifyReply, email = '', problems: string[] = [], status = 200) {
  const next = safeNext(context.baseUrl, queryOf(request).next, '/me');
  return page(context, request, reply, {
    title: 'Sign in',
    main: html`<div class="narrow">
      <h1>Sign in</h1>
      ${problemsList(problems)}
      ${context.notifier.emailConfigured
        ? html`<form method="post" action="/sign-in" class="card form">
            ${csrfField(csrfToken(context, request, reply))}
            <input type="hidden" name="next" value="${next}">
            ${field({ name: 'email', label: 'Email', type: 'email', value: email, required: true, autocomplete: 'email', hint: 'We email you a link that signs you in. No password to remember.' })}
            <button type="submit">Email me a sign-in link</button>
          </form>`
        : html`<p class="flash error">Sign-in by email is not available: this server has no SMTP settings.</p>`}
      ${context.web.github ? html`<p class="or">or</p><p><a class="button secondary block" href="/auth/github?next=${encodeURIComponent(next)}">Sign in with GitHub</a></p>` : ''}
      <p>New here? <a href="/join">Join the program</a>.</p>
    </div>`,
  }, status);
}
