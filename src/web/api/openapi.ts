// The OpenAPI 3.1 description of /api/v1, served at /api/docs/openapi.json and rendered for
// people at /api/docs.
import { CATEGORIES } from '../../domain/categories.js';
import type { WebContext } from '../context.js';
import { html } from '../html.js';
import { page, type Route } from '../routing.js';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const list = (item: string) => ({
  type: 'object',
  required: ['data', 'nextCursor'],
  properties: { data: { type: 'array', items: ref(item) }, nextCursor: { type: ['string', 'null'], description: 'pass as ?cursor= for the next page; null on the last' } },
});
const errors = {
  '400': { description: 'invalid request', content: { 'application/json': { schema: ref('Error') } } },
  '404': { description: 'not found', content: { 'application/json': { schema: ref('Error') } } },
};
const q = (name: string, description: string, schema: Record<string, unknown> = { type: 'string' }) => ({ name, in: 'query', required: false, description, schema });
const pagingParams = [q('limit', 'items per page, 1-200 (default 50)', { type: 'integer', minimum: 1, maximum: 200 }), q('cursor', 'the nextCursor of the previous page')];

export function openApiDocument(context: WebContext) {
  return {
    openapi: '3.1.0',
    info: {
      title: `${context.config.program.name} API`,
      version: '1',
      description:
        'Public data of the program, your own submissions (with your session cookie and the x-csrf-token header), and ingest for external systems. ' +
        'Points and explanations are omitted when the program keeps scores private. Errors always have the shape {"error":{"code","message","details"}}.',
    },
    servers: [{ url: context.baseUrl }],
    components: {
      securitySchemes: {
        ingestToken: { type: 'http', scheme: 'bearer', description: 'an API token issued by the program (web.ingestTokens or the console)' },
        session: { type: 'apiKey', in: 'cookie', name: 'amb_session' },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' }, details: { type: 'array', items: { type: 'string' } } } } },
        },
        Ambassador: {
          type: 'object',
          properties: {
            handle: { type: 'string' },
            name: { type: 'string' },
            country: { type: ['string', 'null'] },
            company: { type: ['string', 'null'] },
            bio: { type: ['string', 'null'] },
            avatarUrl: { type: ['string', 'null'] },
            joinedAt: { type: 'string', format: 'date' },
            status: { type: ['string', 'null'], enum: ['active', 'lapsing', 'inactive', 'not-yet-joined', 'suspended', 'withdrawn', null] },
            activeUntil: { type: ['string', 'null'], format: 'date' },
            profileUrl: { type: 'string' },
          },
        },
        Contribution: {
          type: 'object',
          properties: {
            id: { type: 'integer' },
            handle: { type: 'string' },
            source: { type: 'string' },
            kind: { type: 'string' },
            category: { type: 'string', enum: [...CATEGORIES] },
            title: { type: 'string' },
            url: { type: ['string', 'null'] },
            occurredAt: { type: 'string', format: 'date-time' },
            points: { type: 'number' },
            explanation: { type: 'string' },
            rulesVersion: { type: 'string' },
          },
        },
        Standing: {
          type: 'object',
          properties: { rank: { type: 'integer' }, handle: { type: 'string' }, name: { type: 'string' }, contributions: { type: 'integer' }, points: { type: 'number' }, categories: { type: 'object', additionalProperties: { type: 'number' } } },
        },
        IngestItem: {
          type: 'object',
          required: ['externalId', 'kind', 'title', 'occurredAt'],
          properties: {
            externalId: { type: 'string', description: 'your stable id: reporting it again updates, never duplicates' },
            handle: { type: 'string', description: 'the ambassador (or give identity)' },
            identity: { type: 'string', description: 'PLATFORM:ID of a linked identity, e.g. github:jdoe' },
            kind: { type: 'string', enum: Object.keys(context.config.kinds) },
            title: { type: 'string', maxLength: 300 },
            url: { type: ['string', 'null'], format: 'uri' },
            occurredAt: { type: 'string', description: 'ISO date or date-time' },
            metadata: { type: 'object' },
          },
        },
      },
    },
    paths: {
      '/api/v1/ambassadors': { get: { summary: 'List ambassadors', parameters: [...pagingParams, q('q', 'name or handle contains'), q('country', 'country, exact')], responses: { '200': { description: 'a page', content: { 'application/json': { schema: list('Ambassador') } } }, ...errors } } },
      '/api/v1/ambassadors/{handle}': { get: { summary: 'One ambassador with verified identities and this year’s standing', parameters: [{ name: 'handle', in: 'path', required: true, schema: { type: 'string' } }], responses: { '200': { description: 'the ambassador' }, ...errors } } },
      '/api/v1/contributions': { get: { summary: 'Counted contributions, newest first', parameters: [...pagingParams, q('handle', 'only this ambassador'), q('category', 'only this category', { type: 'string', enum: [...CATEGORIES] })], responses: { '200': { description: 'a page', content: { 'application/json': { schema: list('Contribution') } } }, ...errors } } },
      '/api/v1/leaderboard': { get: { summary: 'Leaderboard of an award cycle', parameters: [...pagingParams, q('year', 'the year (default this year)', { type: 'integer' }), q('category', 'rank by one category', { type: 'string', enum: [...CATEGORIES] })], responses: { '200': { description: 'a page', content: { 'application/json': { schema: list('Standing') } } }, ...errors } } },
      '/api/v1/awards': { get: { summary: 'Years with published awards', responses: { '200': { description: 'the years' } } } },
      '/api/v1/awards/{year}': { get: { summary: 'The published awards of a year (drafts are never public)', parameters: [{ name: 'year', in: 'path', required: true, schema: { type: 'integer' } }], responses: { '200': { description: 'the awards' }, ...errors } } },
      '/api/v1/submissions': {
        get: { summary: 'My submissions with their review state', security: [{ session: [] }], responses: { '200': { description: 'my submissions' }, '401': { description: 'not signed in' } } },
        post: {
          summary: 'Submit a contribution for review',
          security: [{ session: [] }],
          parameters: [{ name: 'x-csrf-token', in: 'header', required: true, schema: { type: 'string' }, description: 'the token from the csrf-token meta tag of any page you are signed in on' }],
          requestBody: { content: { 'application/json': { schema: { type: 'object', required: ['kind', 'title', 'url', 'date'], properties: { kind: { type: 'string' }, title: { type: 'string' }, url: { type: 'string' }, date: { type: 'string', format: 'date' }, evidenceUrl: { type: 'string' } } } } } },
          responses: { '201': { description: 'submitted, pending review' }, ...errors, '401': { description: 'not signed in' }, '409': { description: 'already submitted' } },
        },
      },
      '/api/v1/ingest': {
        post: {
          summary: 'Report contributions from an external system (idempotent by your source and externalId)',
          security: [{ ingestToken: [] }],
          requestBody: { content: { 'application/json': { schema: { type: 'object', required: ['contributions'], properties: { contributions: { type: 'array', maxItems: 500, items: ref('IngestItem') } } } } } },
          responses: { '200': { description: 'counts of inserted, updated and unchanged records' }, ...errors, '401': { description: 'missing or invalid token' } },
        },
      },
    },
  };
}

export function apiDocsRoutes(context: WebContext): Route[] {
  return [
    {
      method: 'GET',
      url: '/api/docs',
      access: 'anyone',
      kind: 'page',
      cache: true,
      summary: 'API documentation',
      handler: async (request, reply) => {
        const doc = openApiDocument(context);
        const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
          Object.entries(methods as Record<string, { summary: string; parameters?: { name: string; in: string; description?: string }[]; security?: unknown[] }>).map(([method, op]) => ({ path, method, op })),
        );
        return page(context, request, reply, {
          title: 'API',
          main: html`<h1>API</h1><p class="lead">${doc.info.description}</p>
            <p>Machine-readable: <a href="/api/docs/openapi.json">OpenAPI 3.1 document</a>. Lists return <code>{"data": [...], "nextCursor": "…"}</code>; pass the cursor back to read the next page.</p>
            ${operations.map(({ path, method, op }) => html`<section class="card endpoint"><h2><span class="method method-${method}">${method.toUpperCase()}</span> <code>${path}</code></h2>
              <p>${op.summary}${op.security ? html` <span class="pill">${JSON.stringify(op.security).includes('ingest') ? 'API token' : 'signed in'}</span>` : ''}</p>
              ${op.parameters?.length ? html`<ul class="plain">${op.parameters.map((p) => html`<li><code>${p.name}</code> (${p.in})${p.description ? html`: ${p.description}` : ''}</li>`)}</ul>` : ''}</section>`)}`,
        });
      },
    },
  ];
}
