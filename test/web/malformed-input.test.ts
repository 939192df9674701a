// Malformed input gets a clean 400 from every route, never a 500: NUL bytes in the path, the
// query and form or JSON bodies, overlong values, and cursors or numbers out of range
// (r=-5, i=1e308). Every route of the route table is tried, so a route added later is covered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkIdentity } from '../../src/store/identities.js';
import { allRoutes } from '../../src/web/app.js';
import { resolveContext } from '../../src/web/context.js';
import type { Route } from '../../src/web/routing.js';
import type { Member } from '../../src/store/schema.js';
import { get, post, webTest, type Actor, type WebTest } from './support.js';

const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const BAD_CURSORS = [cursor({ r: -5 }), cursor({ r: 1.5 }), cursor({ r: 1e308 }), cursor({ t: '2026-01-01T00:00:00Z', i: 1e308 }), cursor({ t: 'yesterday', i: 3 }), cursor({ h: 5 }), cursor({ h: 'x'.repeat(500) }), 'not-a-cursor!'];
const FIELDS = ['q', 'country', 'handle', 'state', 'category', 'year', 'page', 'limit', 'next', 'token', 'email', 'name', 'reason', 'duplicate', 'identityId', 'kind', 'title', 'url', 'date', 'evidence', 'platform', 'externalId', 'role', 'source', 'confirm', 'bio', 'company', 'avatarUrl', 'ids', 'decision', 'trusted'];

describe('malformed input on every route', () => {
  let t: WebTest;
  let admin: Actor;
  let anonymous: Actor;
  let table: Route[];

  beforeAll(async () => {
    t = await webTest({ config: { web: { signInRateLimit: { max: 100_000, windowMinutes: 1 }, memberRateLimits: { link: { max: 100_000 }, check: { max: 100_000 }, submit: { max: 100_000 } } } } });
    const ada: Member = await t.addPerson('ada', 'admin');
    await t.addPerson('carol');
    await linkIdentity(t.store.db, ada.id, { platform: 'github', externalId: 'ada-gh' }, {}, 'test');
    admin = await t.as(ada);
    anonymous = await t.as(null);
    table = allRoutes(resolveContext({ store: t.store, config: t.config, verifyIdentity: null }));
  });
  afterAll(() => t.close());

  const urlOf = (route: Route, param: string) =>
    route.url.replace(/:[a-z]+/gi, param);

  async function call(route: Route, url: string, fields: Record<string, string>, actor: Actor) {
    if (route.method === 'GET') return get(t.app, actor, url);
    if (route.kind === 'api') {
      return t.app.inject({ method: 'POST', url, headers: { cookie: actor.cookie, 'x-csrf-token': actor.csrf, 'content-type': 'application/json' }, payload: JSON.stringify(fields) });
    }
    return post(t.app, actor, url, fields);
  }

  it('answers NUL bytes anywhere with 400 in the one error shape', async () => {
    const failures: string[] = [];
    for (const route of table) {
      for (const actor of route.access === 'anyone' ? [anonymous, admin] : [admin]) {
        const withNulParam = route.url.includes(':') ? urlOf(route, 'ca%00rol') : null;
        const cases: [string, Record<string, string>][] = [
          [`${urlOf(route, 'carol')}?${FIELDS.map((f) => `${f}=a%00b`).join('&')}`, {}],
          ...(withNulParam ? [[withNulParam, {}] as [string, Record<string, string>]] : []),
          ...(route.method === 'POST' ? [[urlOf(route, 'carol'), Object.fromEntries(FIELDS.map((f) => [f, 'a\u0000b']))] as [string, Record<string, string>]] : []),
        ];
        for (const [url, fields] of cases) {
          const response = await call(route, url, fields, actor);
          if (response.statusCode !== 400) failures.push(`${route.method} ${url.slice(0, 80)} ${Object.keys(fields).length ? '(body)' : ''}: ${response.statusCode}`);
          else if (route.kind === 'api' || url.startsWith('/api/')) {
            const body = JSON.parse(response.body) as { error?: { code?: string; message?: string } };
            if (!body.error?.code || !body.error.message) failures.push(`${route.method} ${url}: not the error shape: ${response.body.slice(0, 100)}`);
          } else if (!response.body.includes('That did not work')) failures.push(`${route.method} ${url}: not the 400 page`);
        }
      }
    }
    expect(failures).toEqual([]);
  }, 300_000);

  it('answers overlong values with 400', async () => {
    const long = 'x'.repeat(5000);
    const failures: string[] = [];
    for (const route of table.filter((r) => r.method === 'GET')) {
      const response = await get(t.app, admin, `${urlOf(route, 'carol')}?q=${long}&next=${long}`);
      if (response.statusCode !== 400) failures.push(`${route.method} ${route.url}: ${response.statusCode}`);
    }
    const body = await post(t.app, admin, '/me/profile', { name: 'x'.repeat(200_000) });
    if (body.statusCode !== 400) failures.push(`POST /me/profile with a 200 kB field: ${body.statusCode}`);
    expect(failures).toEqual([]);
  }, 120_000);

  it('never answers 500 to out-of-range or non-integer numbers and cursors', async () => {
    const failures: string[] = [];
    const numbers = ['-5', '1e308', '0', '1.5', '99999999999999999999', 'NaN', '-0', '0x10'];
    for (const route of table) {
      for (const n of numbers) {
        const query = route.method === 'GET' ? `?page=${n}&year=${n}&limit=${n}&r=${n}&i=${n}` : '';
        const url = `${urlOf(route, n)}${query}`;
        const response = await call(route, url, { identityId: n, year: n, ids: n, page: n }, admin);
        if (response.statusCode >= 500) failures.push(`${route.method} ${url}: ${response.statusCode} ${response.body.slice(0, 120)}`);
      }
    }
    for (const route of table.filter((r) => r.method === 'GET' && r.url.startsWith('/api/v1/'))) {
      for (const bad of BAD_CURSORS) {
        const response = await get(t.app, anonymous, `${urlOf(route, 'carol')}?cursor=${bad}`);
        if (response.statusCode >= 500) failures.push(`GET ${route.url}?cursor=${bad}: ${response.statusCode}`);
      }
    }
    for (const path of ['/api/v1/ambassadors', '/api/v1/contributions', '/api/v1/leaderboard']) {
      for (const bad of BAD_CURSORS) {
        const response = await get(t.app, anonymous, `${path}?cursor=${bad}`);
        if (response.statusCode !== 400) failures.push(`GET ${path}?cursor=${bad}: ${response.statusCode} (expected 400)`);
      }
    }
    expect(failures).toEqual([]);
  }, 300_000);
});
