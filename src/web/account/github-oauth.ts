// GitHub sign-in and linking through OAuth, when web.github is configured. An account is tied
// to GitHub's immutable numeric user id from the round trip, never to the login (which GitHub
// lets people rename and recycle): a rename updates the login on the identity, and a login
// someone else held before opens nothing. The state is single-use and kept in the database
// (any instance finishes what another started), bound to the browser by a cookie, and the code
// exchange is protected by PKCE (S256).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import { formatIdentity } from '../../domain/identities.js';
import { withoutTrailingSlashes } from '../../domain/untrusted-text.js';
import { notifyDroppedClaims } from '../../notify/events.js';
import { UserError, isUniqueViolation } from '../../store/errors.js';
import { hitRateLimit } from '../../store/rate-limits.js';
import { findMemberIdentity, linkIdentity, verifyIdentity, type DroppedClaim } from '../../store/identities.js';
import type { WebContext } from '../context.js';
import { HttpProblem } from '../errors.js';
import { queryOf, redirect, safeNext, type Route } from '../routing.js';
import { randomToken, setCookie, sha256, startSession } from '../session.js';
import { ensureAccount } from './sign-in-links.js';
import { signInPage } from './sign-in.js';

const OAUTH_COOKIE = 'amb_oauth';
const STATE_MINUTES = 10;

/** The PKCE challenge of a verifier: base64url(SHA-256(verifier)) (RFC 7636, S256). */
export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

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
        const limits = context.web.signInRateLimit;
        const limit = { max: limits.max * 4, windowMs: limits.windowMinutes * 60_000 };
        if (!(await hitRateLimit(context.db, `oauth:ip:${request.ip}`, limit, context.now())).allowed) {
          throw new HttpProblem(429, 'rate_limited', 'Too many sign-in attempts. Wait a few minutes and try again.');
        }
        const state = randomToken(24);
        const verifier = randomToken(32);
        const now = context.now();
        await context.db
          .insertInto('oauth_states')
          .values({
            state_hash: sha256(state),
            code_verifier: verifier,
            next_path: safeNext(context.baseUrl, queryOf(request).next, '/me'),
            member_id: request.viewer?.member.id ?? null,
            expires_at: new Date(now.getTime() + STATE_MINUTES * 60_000),
          })
          .execute();
        setCookie(reply, context, OAUTH_COOKIE, state, { maxAgeSeconds: STATE_MINUTES * 60 });
        const url = new URL(github.authorizeUrl);
        url.searchParams.set('client_id', github.clientId);
        url.searchParams.set('redirect_uri', `${context.baseUrl}/auth/github/callback`);
        url.searchParams.set('scope', 'read:user');
        url.searchParams.set('state', state);
        url.searchParams.set('code_challenge', pkceChallenge(verifier));
        url.searchParams.set('code_challenge_method', 'S256');
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
        const cookie = request.cookies[OAUTH_COOKIE] ?? '';
        setCookie(reply, context, OAUTH_COOKIE, '', { maxAgeSeconds: 0 });
        const failed = () => signInPage(context, request, reply, '', ['GitHub sign-in did not complete. Try again.'], 400);
        const state = query.state ?? '';
        if (!state || !query.code || state.length > 100 || query.code.length > 500 || !sameText(cookie, state)) return failed();
        // Used once: the row goes whether or not what follows succeeds.
        const flow = await context.db.deleteFrom('oauth_states').where('state_hash', '=', sha256(state)).returningAll().executeTakeFirst();
        if (!flow || flow.expires_at.getTime() <= context.now().getTime()) return failed();
        if ((flow.member_id ?? null) !== (request.viewer?.member.id ?? null)) return failed();
        const user = await githubUser(context, query.code, flow.code_verifier);
        if (request.viewer) {
          const linked = await linkGithub(context, request, user);
          await notifyDroppedClaims(context.notifier, context.db, context.config, linked.dropped);
          context.cache.clear();
          return redirect(context, reply, '/me/identities', { kind: 'notice', text: `GitHub account ${user.login} linked and verified.` });
        }
        const memberId = await signInWithGithub(context, user);
        if (memberId === null) {
          return redirect(context, reply, '/join', {
            kind: 'error',
            text: `No ambassador signs in with the GitHub account ${user.login} yet. Join (or sign in by email), then link GitHub from your identities page.`,
          });
        }
        await startSession(context, reply, memberId);
        return redirect(context, reply, safeNext(context.baseUrl, flow.next_path, '/me'), { kind: 'notice', text: 'You are signed in with GitHub.' });
      },
    },
  ];
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface GithubUser {
  /** GitHub's numeric user id: never reused, unchanged by a rename. */
  id: string;
  login: string;
}

async function githubUser(context: WebContext, code: string, verifier: string): Promise<GithubUser> {
  const github = context.web.github!;
  const tokenResponse = await context.fetch(github.tokenUrl, {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/json' },
    body: JSON.stringify({ client_id: github.clientId, client_secret: github.clientSecret, code, redirect_uri: `${context.baseUrl}/auth/github/callback`, code_verifier: verifier }),
    signal: AbortSignal.timeout(10_000),
  });
  const token = (await tokenResponse.json().catch(() => ({}))) as { access_token?: string };
  if (!tokenResponse.ok || !token.access_token) throw new HttpProblem(502, 'upstream', 'GitHub did not accept the sign-in; try again');
  const userResponse = await context.fetch(`${withoutTrailingSlashes(github.apiUrl)}/user`, {
    headers: { accept: 'application/vnd.github+json', authorization: `Bearer ${token.access_token}`, 'user-agent': 'magento-ambassador' },
    signal: AbortSignal.timeout(10_000),
  });
  const user = (await userResponse.json().catch(() => ({}))) as { id?: unknown; login?: unknown };
  const id = typeof user.id === 'number' && Number.isSafeInteger(user.id) && user.id > 0 ? String(user.id) : null;
  if (!userResponse.ok || id === null || typeof user.login !== 'string' || user.login.length < 1 || user.login.length > 39) {
    throw new HttpProblem(502, 'upstream', 'GitHub did not return the account');
  }
  return { id, login: user.login };
}

/** The member whose account is tied to this GitHub user id, with a rename of the login applied. */
async function signInWithGithub(context: WebContext, user: GithubUser): Promise<number | null> {
  const account = await context.wdb
    .selectFrom('accounts')
    .innerJoin('members', 'members.id', 'accounts.member_id')
    .select(['accounts.member_id', 'members.state'])
    .where('accounts.github_user_id', '=', user.id)
    .executeTakeFirst();
  if (!account) return null;
  if (account.state !== 'registered') throw new HttpProblem(403, 'forbidden', 'This account is suspended or withdrawn and cannot sign in.');
  await followRename(context, account.member_id, user);
  return account.member_id;
}

/** GitHub let the person rename: the identity bound to their user id takes the new login. */
async function followRename(context: WebContext, memberId: number, user: GithubUser): Promise<void> {
  const bound = await context.db
    .selectFrom('identities')
    .select(['id', 'external_id'])
    .where('member_id', '=', memberId)
    .where('platform', '=', 'github')
    .where('upstream_id', '=', user.id)
    .executeTakeFirst();
  if (!bound || bound.external_id === user.login) return;
  try {
    await context.db.transaction().execute(async (trx) => {
      // Somebody's unverified claim on the new login proves nothing against the owner.
      await trx
        .deleteFrom('identities')
        .where('platform', '=', 'github')
        .where(sql<string>`lower(external_id)`, '=', user.login.toLowerCase())
        .where('verified_at', 'is', null)
        .where('id', '!=', bound.id)
        .execute();
      await trx.updateTable('identities').set({ external_id: user.login }).where('id', '=', bound.id).execute();
      await trx
        .insertInto('audit_log')
        .values({ actor: 'github-oauth', action: 'identity.rename', subject_type: 'identity', subject_id: formatIdentity({ platform: 'github', externalId: user.login }), details: JSON.stringify({ memberId, from: bound.external_id }) })
        .execute();
    });
  } catch (error) {
    // The new login is verified for someone else (it was recycled to them): keep the old name.
    if (!isUniqueViolation(error)) throw error;
  }
}

/** A signed-in member links GitHub: verified by the round trip, tied to the user id. */
async function linkGithub(context: WebContext, request: FastifyRequest, user: GithubUser): Promise<{ dropped: DroppedClaim[] }> {
  const member = request.viewer!.member;
  const actor = `web:${member.handle}`;
  const elsewhere = await context.wdb.selectFrom('accounts').select('member_id').where('github_user_id', '=', user.id).executeTakeFirst();
  if (elsewhere && elsewhere.member_id !== member.id) throw new UserError(`the GitHub account ${user.login} signs in to another member`, 'conflict');
  await ensureAccount(context, member.id);
  const own = await context.wdb.selectFrom('accounts').select('github_user_id').where('member_id', '=', member.id).executeTakeFirstOrThrow();
  if (own.github_user_id && own.github_user_id !== user.id) {
    throw new UserError('your account signs in with another GitHub account; remove that GitHub identity first', 'conflict');
  }
  const ref = { platform: 'github' as const, externalId: user.login };
  const dropped: DroppedClaim[] = [];
  await followRename(context, member.id, user);
  const existing = await findMemberIdentity(context.db, member.id, ref);
  if (!existing) {
    await linkIdentity(context.db, member.id, ref, { verified: true, method: 'github-oauth', upstreamId: user.id, onDroppedClaims: (claims) => dropped.push(...claims) }, actor);
  } else if (!existing.verified_at) {
    dropped.push(...(await verifyIdentity(context.db, member.id, ref, 'github-oauth', actor, { upstreamId: user.id })).dropped);
  } else if (existing.upstream_id && existing.upstream_id !== user.id) {
    throw new UserError(`github:${user.login} on your profile belongs to another GitHub account`, 'conflict');
  } else if (!existing.upstream_id) {
    await context.db.updateTable('identities').set({ upstream_id: user.id }).where('id', '=', existing.id).execute();
  }
  await context.wdb.updateTable('accounts').set({ github_user_id: user.id }).where('member_id', '=', member.id).execute();
  return { dropped };
}
