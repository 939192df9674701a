// GitHub sign-in and linking through OAuth, when web.github is configured.
import type { FastifyRequest } from 'fastify';
import { findIdentity, linkIdentity, verifyIdentity } from '../../store/identities.js';
import { UserError } from '../../store/errors.js';
import type { WebContext } from '../context.js';
import { localPath, queryOf, redirect, type Route } from '../routing.js';
import { randomToken, setCookie, sign, startSession, unsign } from '../session.js';
import { HttpProblem } from '../errors.js';
import { ensureAccount } from './sign-in-links.js';
import { signInPage } from './sign-in.js';
import { withoutTrailingSlashes } from '../../domain/untrusted-text.js';

const OAUTH_COOKIE = 'amb_oauth';

export function githubOAuthRoutes(context: WebContext): Route[] {
  const github = context.web.github;
  if (!github) return [];
  return [
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
            return signInPage(context, request, reply, '', ['GitHub sign-in did not complete. Try again.'], 400);
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
  ];
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
  const userResponse = await context.fetch(`${withoutTrailingSlashes(github.apiUrl)}/user`, {
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
