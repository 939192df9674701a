// The web application. Until the full web app lands this serves a minimal home page with
// live counts and a health check.
import Fastify, { type FastifyInstance } from 'fastify';
import type { ProgramConfig } from '../domain/config-schema.js';
import type { Store } from '../store/db.js';

export interface AppContext {
  store: Store;
  config: ProgramConfig;
  logger?: boolean | object;
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export async function buildApp(context: AppContext): Promise<FastifyInstance> {
  const app = Fastify({ logger: context.logger ?? false });
  const { db } = context.store;
  app.get('/healthz', async () => ({ ok: true }));
  app.get('/', async (_request, reply) => {
    const members = await db.selectFrom('members').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const contributions = await db
      .selectFrom('contributions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('review_state', '=', 'counted')
      .executeTakeFirstOrThrow();
    const name = escapeHtml(context.config.program.name);
    reply.type('text/html; charset=utf-8');
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${name}</title></head>
<body><main><h1>${name}</h1><p>${Number(members.n)} ambassadors, ${Number(contributions.n)} counted contributions.</p></main></body></html>`;
  });
  return app;
}
