// Joining and signing in: sign-up with consents, a one-time link by email (rate limited, and
// silent about which addresses exist), GitHub OAuth when configured, and signing out.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { messages } from '../../notify/messages.js';
import { notifyWelcome } from '../../notify/events.js';
import { findIdentity, linkIdentity, verifyIdentity } from '../../store/identities.js';
import { UserError } from '../../store/errors.js';
import type { WebContext } from '../context.js';
import { html } from '../html.js';
import { consumeLoginToken, createLoginToken, findMemberByEmail, peekLoginToken, signUp } from '../queries/accounts.js';
import { RateLimiter } from '../rate-limit.js';
import { formBody, localPath, page, queryOf, redirect, text, type Route } from '../routing.js';
import { csrfField, field, problemsList } from '../views/components.js';
import { csrfToken, endSession, randomToken, setCookie, sign, startSession, unsign } from '../session.js';
import { HttpProblem } from '../errors.js';

const OAUTH_COOKIE = 'amb_oauth';

export function signInRoutes(context: WebContext): Route[] {
  const limits = context.web.signInRateLimit;
  const limiter = new RateLimiter(limits.max, limits.windowMinutes * 60_000, context.now);
  const github = context.web.github;

  async function sendLink(member: { id: number; name: string; email: string | null }, next: string): Promise<void> {
    if (!member.email) return;
    const token = await createLoginToken(context.wdb, member.id, context.now(), context.web.signInLinkMinutes);
    const url = `${context.baseUrl}/sign-in/link?token=${encodeURIComponent(token)}${next !== '/me' ? `&next=${encodeURIComponent(next)}` : ''}`;
    await context.notifier.sendTransient(member.email, messages.signInLink(context.config.program.name, member.name, url, context.web.signInLinkMinutes));
  }

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

  function signInPage(request: FastifyRequest, reply: FastifyReply, email = '', problems: string[] = [], status = 200) {
    const next = localPath(queryOf(request).next, '/me');
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
        ${github ? html`<p class="or">or</p><p><a class="button secondary block" href="/auth/github?next=${encodeURIComponent(next)}">Sign in with GitHub</a></p>` : ''}
        <p>New here? <a href="/join">Join the program</a>.</p>
      </div>`,
    }, status);
  }

  const routes: Route[] = [
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
        if (!limiter.hit(`ip:${request.ip}`)) throw new HttpProblem(429, 'rate_limited', 'too many attempts; try again in a few minutes');
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
          await sendLink(member, '/me').catch((error: Error) => request.log.warn({ err: error.message }, 'sign-in link not sent'));
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
    {
      method: 'GET',
      url: '/sign-in',
      access: 'anyone',
      kind: 'page',
      summary: 'sign-in form',
      handler: async (request, reply) => signInPage(request, reply),
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
        if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) return signInPage(request, reply, email, ['email: expected an email address'], 400);
        if (!limiter.hit(`ip:${request.ip}`) || !limiter.hit(`email:${email}`)) {
          return signInPage(request, reply, email, ['Too many sign-in requests. Wait a few minutes and try again.'], 429);
        }
        const member = await findMemberByEmail(context.wdb, email);
        if (member && member.state === 'registered') {
          await sendLink(member, localPath(text(body, 'next'), '/me')).catch((error: Error) => request.log.warn({ err: error.message }, 'sign-in link not sent'));
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
          return signInPage(request, reply, '', ['This sign-in link is not valid any more: it was used or it expired. Ask for a new one.'], 400);
        }
        // A button rather than signing in on GET: mail scanners that open links do not use them up.
        return page(context, request, reply, {
          title: 'Sign in',
          main: html`<div class="narrow card"><h1>Welcome back, ${member.name}</h1>
            <form method="post" action="/sign-in/link">${csrfField(csrfToken(context, request, reply))}
              <input type="hidden" name="token" value="${token}"><input type="hidden" name="next" value="${localPath(query.next, '/me')}">
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
        if (memberId === null) return signInPage(request, reply, '', ['This sign-in link is not valid any more. Ask for a new one.'], 400);
        await ensureAccount(context, memberId);
        await startSession(context, reply, memberId);
        return redirect(context, reply, localPath(text(body, 'next'), '/me'), { kind: 'notice', text: 'You are signed in.' });
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

  if (github) {
    routes.push(
      {
        method: 'GET',
        url: '/auth/github',
        access: 'anyone',
        kind: 'page',
        summary: 'start GitHub sign-in',
        handler: async (request, reply) => {
          const state = randomToken(18);
          const next = localPath(queryOf(request).next, '/me');
          setCookie(reply, context, OAUTH_COOKIE, sign(context.secret, `${state}|${next}`), { maxAgeSeconds: 600 });
          const url = new URL(github.authorizeUrl);
          url.searchParams.set('client_id', github.clientId);
          url.searchParams.set('redirect_uri', `${context.baseUrl}/auth/github/callback`);
          url.searchParams.set('scope', 'read:user');
          url.searchParams.set('state', state);
          return reply.code(302).header('location', url.toString()).send();
        },
      },
      {
        method: 'GET',
        url: '/auth/github/callback',
        access: 'anyone',
        kind: 'page',
        summary: 'finish GitHub sign-in',
        handler: async (request, reply) => {
          const query = queryOf(request);
          const saved = unsign(context.secret, request.cookies[OAUTH_COOKIE]);
          setCookie(reply, context, OAUTH_COOKIE, '', { maxAgeSeconds: 0 });
          const [state, next] = (saved ?? '').split('|');
          if (!saved || !query.state || query.state !== state || !query.code) {
            return signInPage(request, reply, '', ['GitHub sign-in did not complete. Try again.'], 400);
          }
          const user = await githubUser(context, query.code);
          const outcome = await signInWithGithub(context, request, user);
          if (outcome.kind === 'unknown') {
            return redirect(context, reply, '/join', {
              kind: 'error',
              text: `No ambassador is linked to the GitHub account ${user.login} yet. Join first, then link GitHub from your dashboard.`,
            });
          }
          if (outcome.kind === 'linked') return redirect(context, reply, '/me/identities', { kind: 'notice', text: `GitHub account ${user.login} linked and verified.` });
          await startSession(context, reply, outcome.memberId);
          return redirect(context, reply, localPath(next, '/me'), { kind: 'notice', text: 'You are signed in with GitHub.' });
        },
      },
    );
  }
  return routes;
}

async function ensureAccount(context: WebContext, memberId: number): Promise<void> {
  // Members registered by a manager or an import have no account yet; signing in is consent
  // to the terms they were registered under.
  const now = context.now();
  await context.wdb
    .insertInto('accounts')
    .values({ member_id: memberId, consent_tracking_at: now, consent_public_at: now })
    .onConflict((oc) => oc.column('member_id').doNothing())
    .execute();
}

interface GithubUser {
  id: string;
  login: string;
}

async function githubUser(context: WebContext, code: string): Promise<GithubUser> {
  const github = context.web.github!;
  const tokenResponse = await context.fetch(github.tokenUrl, {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/json' },
    body: JSON.stringify({ client_id: github.clientId, client_secret: github.clientSecret, code, redirect_uri: `${context.baseUrl}/auth/github/callback` }),
    signal: AbortSignal.timeout(10_000),
  });
  const token = (await tokenResponse.json().catch(() => ({}))) as { access_token?: string };
  if (!tokenResponse.ok || !token.access_token) throw new HttpProblem(502, 'upstream', 'GitHub did not accept the sign-in; try again');
  const userResponse = await context.fetch(`${github.apiUrl.replace(/\/+$/, '')}/user`, {
    headers: { accept: 'application/vnd.github+json', authorization: `Bearer ${token.access_token}`, 'user-agent': 'magento-ambassador' },
    signal: AbortSignal.timeout(10_000),
  });
  const user = (await userResponse.json().catch(() => ({}))) as { id?: number | string; login?: string };
  if (!userResponse.ok || user.id === undefined || typeof user.login !== 'string') throw new HttpProblem(502, 'upstream', 'GitHub did not return the account');
  return { id: String(user.id), login: user.login };
}

type GithubOutcome = { kind: 'signed-in'; memberId: number } | { kind: 'linked' } | { kind: 'unknown' };

async function signInWithGithub(context: WebContext, request: FastifyRequest, user: GithubUser): Promise<GithubOutcome> {
  const { db, wdb } = context;
  const identity = { platform: 'github' as const, externalId: user.login };
  if (request.viewer) {
    // Signed in already: this links GitHub to the account, verified by the OAuth round trip.
    const memberId = request.viewer.member.id;
    const actor = `web:${request.viewer.member.handle}`;
    const existing = await findIdentity(db, identity);
    if (existing && existing.member_id !== memberId) throw new UserError(`github:${user.login} is linked to another member`, 'conflict');
    if (!existing) await linkIdentity(db, memberId, identity, { verified: true, method: 'github-oauth' }, actor);
    else if (!existing.verified_at) await verifyIdentity(db, memberId, identity, 'github-oauth', actor);
    await ensureAccount(context, memberId);
    await wdb.updateTable('accounts').set({ github_user_id: user.id }).where('member_id', '=', memberId).execute();
    return { kind: 'linked' };
  }
  const byAccount = await wdb.selectFrom('accounts').select('member_id').where('github_user_id', '=', user.id).executeTakeFirst();
  if (byAccount) return { kind: 'signed-in', memberId: byAccount.member_id };
  const linked = await findIdentity(db, identity);
  if (linked && linked.verified_at) {
    await ensureAccount(context, linked.member_id);
    await wdb.updateTable('accounts').set({ github_user_id: user.id }).where('member_id', '=', linked.member_id).execute();
    return { kind: 'signed-in', memberId: linked.member_id };
  }
  return { kind: 'unknown' };
}
