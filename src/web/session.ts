// Sessions and CSRF. The session cookie holds a random id signed with the app's secret;
// the database keeps only its hash. Every form carries a token derived from a second, random
// cookie and the session, checked on every non-GET request (double submit, signed).
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Member } from '../store/schema.js';
import type { WebContext } from './context.js';

export const SESSION_COOKIE = 'amb_session';
export const CSRF_COOKIE = 'amb_csrf';

export interface Viewer {
  member: Member;
  sessionHash: string;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

function mac(secret: Buffer, value: string): string {
  return createHmac('sha256', secret).update(value).digest('base64url');
}

export function sign(secret: Buffer, value: string): string {
  return `${value}.${mac(secret, value)}`;
}

export function unsign(secret: Buffer, signed: string | undefined): string | null {
  if (!signed) return null;
  const dot = signed.lastIndexOf('.');
  if (dot <= 0) return null;
  const value = signed.slice(0, dot);
  return safeEqual(signed.slice(dot + 1), mac(secret, value)) ? value : null;
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    try {
      cookies[name] = decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      // a malformed cookie is ignored
    }
  }
  return cookies;
}

export function setCookie(
  reply: FastifyReply,
  context: WebContext,
  name: string,
  value: string,
  options: { maxAgeSeconds?: number; path?: string } = {},
): void {
  const parts = [
    `${name}=${encodeURIComponent(value)}`,
    `Path=${options.path ?? '/'}`,
    'HttpOnly',
    'SameSite=Lax',
    ...(context.secureCookies ? ['Secure'] : []),
    ...(options.maxAgeSeconds !== undefined ? [`Max-Age=${options.maxAgeSeconds}`] : []),
  ];
  const existing = reply.getHeader('set-cookie');
  const list = Array.isArray(existing) ? existing : existing ? [String(existing)] : [];
  reply.header('set-cookie', [...list, parts.join('; ')]);
}

export async function startSession(context: WebContext, reply: FastifyReply, memberId: number): Promise<void> {
  const id = randomToken();
  const now = context.now();
  await context.wdb
    .insertInto('sessions')
    .values({
      id_hash: sha256(id),
      member_id: memberId,
      expires_at: new Date(now.getTime() + context.web.sessionDays * 86_400_000),
      last_seen_at: now,
    })
    .execute();
  await context.wdb.updateTable('accounts').set({ last_sign_in_at: now }).where('member_id', '=', memberId).execute();
  setCookie(reply, context, SESSION_COOKIE, sign(context.secret, id), { maxAgeSeconds: context.web.sessionDays * 86_400 });
  // A fresh CSRF cookie on sign-in, so a token planted before cannot be reused.
  setCookie(reply, context, CSRF_COOKIE, sign(context.secret, randomToken(18)));
}

export async function endSession(context: WebContext, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (request.viewer) await context.wdb.deleteFrom('sessions').where('id_hash', '=', request.viewer.sessionHash).execute();
  setCookie(reply, context, SESSION_COOKIE, '', { maxAgeSeconds: 0 });
}

export async function loadViewer(context: WebContext, request: FastifyRequest): Promise<Viewer | null> {
  const id = unsign(context.secret, request.cookies[SESSION_COOKIE]);
  if (!id) return null;
  const sessionHash = sha256(id);
  const now = context.now();
  const found = await context.wdb
    .selectFrom('sessions')
    .innerJoin('members', 'members.id', 'sessions.member_id')
    .selectAll('members')
    .select(['sessions.expires_at', 'sessions.last_seen_at'])
    .where('sessions.id_hash', '=', sessionHash)
    .executeTakeFirst();
  if (!found || found.expires_at.getTime() <= now.getTime()) return null;
  // A suspended or withdrawn person keeps no session.
  if (found.state !== 'registered') return null;
  if (now.getTime() - found.last_seen_at.getTime() > 3_600_000) {
    await context.wdb.updateTable('sessions').set({ last_seen_at: now }).where('id_hash', '=', sessionHash).execute();
  }
  const { expires_at: _e, last_seen_at: _l, ...member } = found;
  return { member, sessionHash };
}

/** The CSRF cookie for this visitor, created when a page with a form is rendered. */
export function csrfSeed(context: WebContext, request: FastifyRequest, reply: FastifyReply): string {
  const existing = unsign(context.secret, request.cookies[CSRF_COOKIE]);
  if (existing) return existing;
  if (request.csrfSeed) return request.csrfSeed;
  const seed = randomToken(18);
  request.csrfSeed = seed;
  setCookie(reply, context, CSRF_COOKIE, sign(context.secret, seed));
  return seed;
}

/** The token a form carries: bound to the visitor's CSRF cookie and their session. */
export function csrfFor(secret: Buffer, seed: string, sessionHash: string | null): string {
  return mac(secret, `csrf|${seed}|${sessionHash ?? '-'}`);
}

export function csrfToken(context: WebContext, request: FastifyRequest, reply: FastifyReply): string {
  return csrfFor(context.secret, csrfSeed(context, request, reply), request.viewer?.sessionHash ?? null);
}

export function checkCsrf(context: WebContext, request: FastifyRequest, token: string | undefined): boolean {
  const seed = unsign(context.secret, request.cookies[CSRF_COOKIE]);
  if (!seed || !token) return false;
  return safeEqual(token, csrfFor(context.secret, seed, request.viewer?.sessionHash ?? null));
}

declare module 'fastify' {
  interface FastifyRequest {
    viewer: Viewer | null;
    cookies: Record<string, string>;
    csrfSeed?: string;
  }
}
