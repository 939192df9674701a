// The shape of a route and the helpers handlers share: who may call it, how a page is framed
// and sent, flash messages across a redirect, and reading form fields.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { WebContext } from './context.js';
import { Html, type Renderable } from './html.js';
import { layout, type PageContent, type PageFrame } from './views/layout.js';
import { csrfToken, setCookie, sign, unsign } from './session.js';

/**
 * anyone: public; member: signed in; manager: role manager or admin; admin: role admin;
 * ingest: a bearer API token (no session).
 */
export type Access = 'anyone' | 'member' | 'manager' | 'admin' | 'ingest';

export interface Route {
  method: 'GET' | 'POST';
  url: string;
  access: Access;
  /** api: JSON errors, no CSRF form field (session writes need the x-csrf-token header). */
  kind: 'page' | 'api';
  /** Anonymous GETs may be served from the page cache. */
  cache?: boolean;
  /** false: a write authenticated by a signed link instead of a CSRF token (one-click unsubscribe). */
  csrf?: false;
  /** What the route does, for the route table and tests. */
  summary: string;
  handler: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
}

export type RouteModule = (context: WebContext) => Route[];

const FLASH_COOKIE = 'amb_flash';

export function isManager(request: FastifyRequest): boolean {
  const role = request.viewer?.member.role;
  return role === 'manager' || role === 'admin';
}

export function frame(context: WebContext, request: FastifyRequest, reply: FastifyReply): PageFrame {
  let flash: PageFrame['flash'] = null;
  const signed = unsign(context.secret, request.cookies[FLASH_COOKIE]);
  if (signed) {
    try {
      flash = JSON.parse(Buffer.from(signed, 'base64url').toString('utf8')) as PageFrame['flash'];
    } catch {
      flash = null;
    }
    setCookie(reply, context, FLASH_COOKIE, '', { maxAgeSeconds: 0 });
  }
  return {
    program: context.config.program.name,
    associationUrl: context.config.program.associationUrl,
    viewer: request.viewer,
    csrf: request.viewer ? csrfToken(context, request, reply) : null,
    path: request.url.split('?')[0]!,
    flash,
    baseUrl: context.baseUrl,
  };
}

export function page(context: WebContext, request: FastifyRequest, reply: FastifyReply, content: PageContent, status = 200): Html {
  reply.code(status).type('text/html; charset=utf-8');
  return layout(frame(context, request, reply), content);
}

export function redirect(
  context: WebContext,
  reply: FastifyReply,
  location: string,
  flash?: { kind: 'notice' | 'error'; text: string },
): FastifyReply {
  if (flash) {
    setCookie(reply, context, FLASH_COOKIE, sign(context.secret, Buffer.from(JSON.stringify(flash)).toString('base64url')), {
      maxAgeSeconds: 120,
    });
  }
  return reply.code(303).header('location', location).send();
}

export type FormBody = Record<string, string | string[]>;

export function formBody(request: FastifyRequest): FormBody {
  const body = request.body;
  return body && typeof body === 'object' ? (body as FormBody) : {};
}

export function text(body: FormBody, name: string): string {
  const value = body[name];
  return (Array.isArray(value) ? (value[0] ?? '') : (value ?? '')).trim();
}

export function list(body: FormBody, name: string): string[] {
  const value = body[name];
  return Array.isArray(value) ? value : value === undefined || value === '' ? [] : [value];
}

export function queryOf(request: FastifyRequest): Record<string, string> {
  const query = (request.query ?? {}) as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(query)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string') out[key] = first.trim();
  }
  return out;
}

export function paramsOf(request: FastifyRequest): Record<string, string> {
  return (request.params ?? {}) as Record<string, string>;
}

/**
 * Where to go after sign-in: `value` resolved against the site's address the way a browser
 * would (`new URL(value, baseUrl)`, which drops tabs and newlines and reads `/\\` as `//`),
 * kept only when it stays on the site's origin; the path, query and fragment of it, or
 * `fallback`.
 */
export function safeNext(baseUrl: string, value: string | undefined, fallback = '/me'): string {
  if (!value || value.length > 2000) return fallback;
  try {
    const site = new URL(baseUrl);
    const target = new URL(value, `${site.origin}/`);
    if (target.origin !== site.origin) return fallback;
    const path = `${target.pathname}${target.search}${target.hash}`;
    // What a browser resolves the same way from any page of the site.
    return path.startsWith('/') && !path.startsWith('//') ? path : fallback;
  } catch {
    return fallback;
  }
}

export function positiveInt(value: string | undefined, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 ? Math.min(n, max) : fallback;
}

export type { Renderable };
