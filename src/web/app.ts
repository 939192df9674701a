// The web application: server-rendered pages, the manager console and the JSON API on one
// Fastify instance. Every route is listed in ROUTES below (by audience, top to bottom); one
// hook enforces who may call it and checks CSRF on every form, whatever the route.
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { isConnectionError } from '../store/db.js';
import { checkReadiness } from './readiness.js';
import { getOrCreateSecret } from '../store/secrets.js';
import { listenForChanges } from '../store/change-feed.js';

const SESSION_SECRET_NAME = 'web.session';
import { loadAssets } from './assets.js';
import { resolveContext, type AppContext, type WebContext } from './context.js';
import { describeError, forbidden, HttpProblem, unauthorized } from './errors.js';
import { Html, html } from './html.js';
import { homeRoutes } from './public/home.js';
import { directoryRoutes } from './public/directory.js';
import { profileRoutes } from './public/profile.js';
import { standingsRoutes } from './public/standings.js';
import { setStandingsCycle } from '../store/standings.js';
import { awardsRoutes } from './public/awards.js';
import { recognitionFileRoutes } from './public/recognition-files.js';
import { siteFileRoutes } from './public/site-files.js';
import { joinRoutes } from './account/join.js';
import { signInRoutes } from './account/sign-in.js';
import { githubOAuthRoutes } from './account/github-oauth.js';
import { dashboardRoutes } from './account/dashboard.js';
import { profileFormRoutes } from './account/profile-form.js';
import { identityRoutes } from './account/identities.js';
import { submissionRoutes } from './account/submissions.js';
import { accountDataRoutes } from './account/account-data.js';
import { settingsRoutes } from './account/settings.js';
import { reviewRoutes } from './admin/reviews.js';
import { memberAdminRoutes } from './admin/members.js';
import { operationsRoutes } from './admin/operations.js';
import { processRoutes } from './admin/processes.js';
import { auditLogRoutes } from './admin/audit-log.js';
import { reportRoutes } from './admin/reports.js';
import { exportRoutes } from './admin/exports.js';
import { rulesAndAwardsRoutes } from './admin/rules-awards.js';
import { awardsConsoleRoutes } from './admin/awards.js';
import { countryReviewRoutes } from './admin/countries.js';
import { apiTokenRoutes } from './admin/api-tokens.js';
import { apiRoutes, authenticateIngest } from './api/v1.js';
import { apiDocsRoutes } from './api/openapi.js';
import { awardsAdminApiRoutes } from './api/awards-admin.js';
import { formBody, page, type Route, type RouteModule } from './routing.js';
import { refuseMalformedInput } from './malformed-input.js';
import { checkCsrf, loadViewer, parseCookies, SESSION_COOKIE } from './session.js';
import { registerMetrics } from '../ops/metrics.js';
import { parseOperationsSettings } from '../ops/settings.js';
import { queueSchema } from '../jobs/queue.js';

export type { AppContext } from './context.js';

/** Every route of the app, by audience. */
export const ROUTES: RouteModule[] = [
  // public pages
  homeRoutes,
  directoryRoutes,
  profileRoutes,
  standingsRoutes,
  awardsRoutes,
  recognitionFileRoutes,
  siteFileRoutes,
  apiDocsRoutes,
  // accounts and self-service
  joinRoutes,
  signInRoutes,
  githubOAuthRoutes,
  dashboardRoutes,
  profileFormRoutes,
  identityRoutes,
  submissionRoutes,
  accountDataRoutes,
  settingsRoutes,
  // manager console
  reviewRoutes,
  memberAdminRoutes,
  operationsRoutes,
  processRoutes,
  auditLogRoutes,
  reportRoutes,
  exportRoutes,
  rulesAndAwardsRoutes,
  awardsConsoleRoutes,
  countryReviewRoutes,
  apiTokenRoutes,
  // JSON API
  apiRoutes,
  awardsAdminApiRoutes,
];

const CSP = [
  "default-src 'self'",
  "img-src 'self' https: data:",
  "style-src 'self'",
  "script-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export function allRoutes(context: WebContext): Route[] {
  return ROUTES.flatMap((module) => module(context));
}

export async function buildApp(appContext: AppContext): Promise<FastifyInstance> {
  const context = resolveContext(appContext);
  // Without web.sessionSecret every instance (and every restart) signs sessions and forms with
  // the one secret kept in the database, so a session made on one instance works on another.
  if (!context.web.sessionSecret) context.secret = Buffer.from(await getOrCreateSecret(context.db, SESSION_SECRET_NAME));
  // The maintained standings follow the configured award cycle (rebuilt once when it changes).
  await setStandingsCycle(context.db, context.config.awards.cycle);
  const app = Fastify({
    logger: loggerOptions(appContext.logger),
    trustProxy: proxyTrust(context.web.trustProxy),
    bodyLimit: 2 * 1024 * 1024,
    // A request must arrive whole in time: a body dripped a byte at a time cannot hold a
    // connection (and its share of the server) open indefinitely.
    requestTimeout: context.web.requestTimeoutMs,
    connectionTimeout: context.web.connectionTimeoutMs,
    http: {
      headersTimeout: Math.min(context.web.requestTimeoutMs, 60_000),
      // How often Node looks for requests past their timeout (its default is every 30 s).
      connectionsCheckingInterval: Math.min(5_000, Math.max(250, Math.floor(context.web.requestTimeoutMs / 4))),
    },
  });

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 256 * 1024 }, (_request, body, done) => {
    const fields: Record<string, string | string[]> = {};
    for (const [key, value] of new URLSearchParams(body as string)) {
      const existing = fields[key];
      fields[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
    }
    done(null, fields);
  });

  app.decorateRequest('viewer', null as unknown as FastifyRequest['viewer']);
  app.decorateRequest('cookies', null as unknown as FastifyRequest['cookies']);
  app.addHook('onRequest', async (request) => {
    request.cookies = parseCookies(request.headers.cookie);
    request.viewer = request.cookies[SESSION_COOKIE] ? await loadViewer(context, request) : null;
  });
  // After the body is parsed and before any handler: NUL bytes and overlong values are a 400.
  app.addHook('preValidation', async (request) => refuseMalformedInput(request));
  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('content-security-policy', CSP);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'strict-origin-when-cross-origin');
    reply.header('permissions-policy', 'camera=(), microphone=(), geolocation=(), interest-cohort=()');
    reply.header('cross-origin-opener-policy', 'same-origin');
    if (context.secureCookies) reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
    if (request.viewer && !reply.getHeader('cache-control')) reply.header('cache-control', 'private, no-store');
    return payload;
  });

  // /metrics and the latency of every route after this line (src/ops/metrics.ts).
  registerMetrics(app, { db: context.db, token: parseOperationsSettings(context.config.operations).metricsToken, now: context.now, queueSchema: queueSchema(context.store) });

  const assets = loadAssets();
  app.get('/assets/:file', async (request, reply) => {
    const asset = assets.get((request.params as { file: string }).file);
    if (!asset) throw new HttpProblem(404, 'not_found', 'no such file');
    reply.header('etag', asset.etag).header('cache-control', 'public, max-age=3600');
    if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
    return reply.type(asset.type).send(asset.body);
  });
  // Kubernetes' probes: /healthz says the process is alive (no database: a database outage
  // must not get every instance restarted), /readyz that it can serve (the database answers
  // and its migrations are the ones this code knows).
  app.get('/healthz', async (_request, reply) => reply.header('cache-control', 'no-store').send({ ok: true }));
  app.get('/readyz', async (_request, reply) => {
    const readiness = await checkReadiness(context.db);
    return reply.code(readiness.ready ? 200 : 503).header('cache-control', 'no-store').send(readiness);
  });
  app.get('/robots.txt', async (_request, reply) => reply.type('text/plain').send(`User-agent: *\nDisallow: /manage\nDisallow: /me\nSitemap: ${context.baseUrl}/sitemap.xml\n`));

  for (const route of allRoutes(context)) {
    app.route({ method: route.method, url: route.url, config: { kind: route.kind }, handler: (request, reply) => handle(context, route, request, reply) });
  }

  app.setErrorHandler(async (error, request, reply) => {
    const { status, body, expected } = describeError(error);
    if (!expected) request.log.error({ err: error }, 'request failed');
    if (status === 503) reply.header('retry-after', '1');
    if (answersJson(request)) return reply.code(status).type('application/json; charset=utf-8').send(body);
    return errorPage(context, request, reply, status, body.error.message);
  });
  app.setNotFoundHandler(async (request, reply) => {
    if (request.url.startsWith('/api/')) return reply.code(404).send({ error: { code: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` } });
    return errorPage(context, request, reply, 404, 'This page does not exist.');
  });

  if (context.cache.enabled) {
    // A write to what the public pages show, from any instance or command, empties the cache
    // of every instance (LISTEN/NOTIFY, src/store/change-feed.ts).
    const changes = await listenForChanges(context.store, () => context.cache.clear(), app.log);
    app.addHook('onClose', async () => changes.close());
  }
  app.addHook('onClose', async () => context.mailer?.close?.());
  return app;
}

/** Errors of JSON routes (the API, credentials, snapshots) are JSON; everything else a page. */
function answersJson(request: FastifyRequest): boolean {
  const config = request.routeOptions.config as { kind?: Route['kind'] } | undefined;
  return config?.kind === 'api' || request.url.startsWith('/api/');
}

async function handle(context: WebContext, route: Route, request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  if (route.access === 'ingest') {
    request.ingestSource = await authenticateIngest(context, request.headers.authorization);
  } else if (route.access !== 'anyone') {
    if (!request.viewer) {
      if (route.kind === 'page') {
        return reply.code(303).header('location', `/sign-in?next=${encodeURIComponent(request.method === 'GET' ? request.url : '/me')}`).send();
      }
      throw unauthorized();
    }
    const role = request.viewer.member.role;
    if (route.access === 'manager' && role !== 'manager' && role !== 'admin') throw forbidden('this is for program managers');
    if (route.access === 'admin' && role !== 'admin') throw forbidden('this is for administrators');
  }
  if (route.method !== 'GET' && route.access !== 'ingest' && route.csrf !== false) {
    const header = request.headers['x-csrf-token'];
    const token = route.kind === 'api' ? (typeof header === 'string' ? header : undefined) : (formBody(request)._csrf as string | undefined);
    if (!checkCsrf(context, request, typeof token === 'string' ? token : undefined)) {
      throw new HttpProblem(403, 'csrf', 'This form has expired or did not come from this site. Reload the page and try again.');
    }
  }
  const cacheable = route.cache === true && request.method === 'GET' && !request.cookies[SESSION_COOKIE] && !request.cookies.amb_flash;
  if (cacheable && request.headers['x-cache-refresh'] !== context.cache.refreshToken) {
    const hit = context.cache.get(request.url);
    if (hit) {
      if (!hit.fresh) {
        const app = request.server;
        context.cache.revalidate(request.url, () => app.inject({ url: request.url, headers: { 'x-cache-refresh': context.cache.refreshToken } }));
      }
      return reply.type(hit.type).header('x-cache', hit.fresh ? 'hit' : 'stale').send(hit.body);
    }
    const pending = context.cache.pending(request.url);
    if (pending) {
      await pending;
      const shared = context.cache.get(request.url);
      if (shared) return reply.type(shared.type).header('x-cache', 'shared').send(shared.body);
    }
  }
  const finish = cacheable && context.cache.enabled ? context.cache.begin(request.url) : null;
  try {
    try {
      return await respond(context, route, request, reply, cacheable);
    } catch (error) {
      // A read that met a connection cut under it (a pooled connection the server ended) is
      // tried once more on a new connection; writes are not, they answer 503.
      if (request.method !== 'GET' || reply.sent || !isConnectionError(error)) throw error;
      request.log.warn({ err: (error as Error).message }, 'database connection lost during a read; trying once more');
      // The pause lets the pool take in the news of its other cut connections first.
      await new Promise((resolve) => setTimeout(resolve, 200));
      return await respond(context, route, request, reply, cacheable);
    }
  } finally {
    finish?.();
  }
}

async function respond(context: WebContext, route: Route, request: FastifyRequest, reply: FastifyReply, cacheable: boolean): Promise<unknown> {
  const result = await route.handler(request, reply);
  if (result === reply || reply.sent) return reply;
  let text: string;
  if (result instanceof Html) {
    text = result.value;
    if (!reply.getHeader('content-type')) reply.type('text/html; charset=utf-8');
  } else if (typeof result === 'string') {
    text = result;
    // What Fastify would say of a string; a Buffer would otherwise go out as octet-stream.
    if (!reply.getHeader('content-type')) reply.type('text/plain; charset=utf-8');
  } else {
    text = JSON.stringify(result);
    reply.type('application/json; charset=utf-8');
  }
  // Sent as bytes encoded once: Node writes a large string body several times slower than
  // the same bytes (a page of 70 kB cost more to write than to build), and the cache keeps bytes.
  const body = Buffer.from(text);
  if (cacheable && reply.statusCode === 200) context.cache.set(request.url, body, String(reply.getHeader('content-type')));
  return reply.send(body);
}

/** Fastify's trustProxy from the setting: a hop count becomes "trust the first n hops". */
function proxyTrust(setting: WebContext['web']['trustProxy']): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof setting === 'number') return (_address, hop) => hop < setting;
  return setting;
}

const SECRET_PARAMS = /([?&](?:token|code|state)=)[^&#]*/gi;

/** Request URLs in logs lose their one-time secrets (sign-in link tokens, OAuth codes). */
export function redactRequestUrl(url: string): string {
  return url.replace(SECRET_PARAMS, '$1[redacted]');
}

function loggerOptions(logger: AppContext['logger']): boolean | object {
  if (!logger) return false;
  const base = typeof logger === 'object' ? logger : {};
  return {
    ...base,
    serializers: {
      req: (request: { method: string; url: string; ip?: string }) => ({ method: request.method, url: redactRequestUrl(request.url), remoteAddress: request.ip }),
    },
  };
}

function errorPage(context: WebContext, request: FastifyRequest, reply: FastifyReply, status: number, message: string) {
  const titles: Record<number, string> = { 400: 'That did not work', 401: 'Please sign in', 403: 'Not allowed', 404: 'Not found', 409: 'Conflict', 429: 'Slow down' };
  const title = titles[status] ?? 'Something went wrong';
  const body = page(context, request, reply, {
    title,
    main: html`<div class="narrow card"><h1>${title}</h1><p>${message}</p><p><a href="/">Back to the home page</a></p></div>`,
  }, status);
  return reply.send(body.value);
}
