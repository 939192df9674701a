// The authorization matrix: every route of the app (read from the route table, so a new route
// is covered the day it is added) called by an anonymous visitor, an ambassador, another
// ambassador, a manager and an admin; writes also without their CSRF token.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submitContribution } from '../../src/store/contributions.js';
import { linkIdentity } from '../../src/store/identities.js';
import { allRoutes } from '../../src/web/app.js';
import { unsubscribeUrl } from '../../src/notify/preferences.js';
import { resolveContext } from '../../src/web/context.js';
import type { Route } from '../../src/web/routing.js';
import type { Member } from '../../src/store/schema.js';
import { webTest, post, type WebTest, type Actor } from './support.js';

type Role = 'anonymous' | 'ambassador' | 'another ambassador' | 'manager' | 'admin';
const ROLES: Role[] = ['anonymous', 'ambassador', 'another ambassador', 'manager', 'admin'];

function allowed(route: Route, role: Role): boolean {
  switch (route.access) {
    case 'anyone':
      return true;
    case 'member':
      return role !== 'anonymous';
    case 'manager':
      return role === 'manager' || role === 'admin';
    case 'admin':
      return role === 'admin';
    case 'ingest':
      return false; // no session opens it: only a bearer token
  }
}

describe('authorization matrix', () => {
  let t: WebTest;
  let people: Record<Exclude<Role, 'anonymous'>, Member>;
  let params: Record<string, string>;

  beforeAll(async () => {
    t = await webTest({ config: { web: { signInRateLimit: { max: 1000, windowMinutes: 1 } } } });
    people = {
      ambassador: await t.addPerson('alice'),
      'another ambassador': await t.addPerson('bob'),
      manager: await t.addPerson('maria', 'manager'),
      admin: await t.addPerson('ada', 'admin'),
    };
    await t.addPerson('carol');
    const identity = await linkIdentity(t.store.db, people.ambassador.id, { platform: 'github', externalId: 'alice-gh' }, {}, 'test');
    const pending = await submitContribution(
      t.store.db,
      t.config,
      { memberId: people.ambassador.id, kind: 'talk', category: 'events', title: 'A talk', url: 'https://example.org/talk', date: '2026-05-01' },
      'test',
      '2026-06-15',
    );
    params = { id: String(identity.id), handle: 'carol', file: 'members.csv', year: '2026' };
    params.reviewId = String(pending.id);
  });
  afterAll(() => t.close());

  async function actorFor(role: Role): Promise<Actor> {
    return t.as(role === 'anonymous' ? null : people[role]);
  }

  function urlOf(route: Route): string {
    return route.url
      .replace(':id', route.url.startsWith('/manage/reviews') ? params.reviewId! : params.id!)
      .replace(':handle', params.handle!)
      .replace(':file', route.url.startsWith('/badge') ? 'alice.svg' : params.file!)
      .replace(':year', params.year!)
      .replace(':award', 'top');
  }

  function wasDenied(response: { statusCode: number; headers: Record<string, unknown> }): boolean {
    const location = String(response.headers.location ?? '');
    return response.statusCode === 401 || response.statusCode === 403 || (response.statusCode === 303 && location.startsWith('/sign-in?next='));
  }

  it('lets through exactly the roles each route allows, for every route and role', async () => {
    const table = allRoutes(resolveContext({ store: t.store, config: t.config, verifyIdentity: null }));
    expect(table.length).toBeGreaterThan(40);
    const failures: string[] = [];
    for (const route of table) {
      for (const role of ROLES) {
        const actor = await actorFor(role);
        const url = urlOf(route);
        const response =
          route.method === 'GET'
            ? await t.app.inject({ method: 'GET', url, headers: { cookie: actor.cookie } })
            : route.kind === 'api'
              ? await t.app.inject({ method: 'POST', url, headers: { cookie: actor.cookie, 'x-csrf-token': actor.csrf, 'content-type': 'application/json' }, payload: '{}' })
              : await post(t.app, actor, url, {});
        const denied = wasDenied(response);
        if (denied === allowed(route, role)) {
          failures.push(`${route.method} ${url} as ${role}: ${response.statusCode} ${String(response.headers.location ?? '')} (expected ${allowed(route, role) ? 'allowed' : 'denied'})`);
        }
        if (response.statusCode >= 500) failures.push(`${route.method} ${url} as ${role}: ${response.statusCode} ${response.body.slice(0, 200)}`);
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);

  it('refuses every write without its CSRF token, even from a permitted role', async () => {
    // Signed-link writes (one-click unsubscribe) are checked by their signature instead: see below.
    const table = allRoutes(resolveContext({ store: t.store, config: t.config, verifyIdentity: null })).filter((r) => r.method === 'POST' && r.access !== 'ingest' && r.csrf !== false);
    for (const route of table) {
      const actor = await actorFor(route.access === 'anyone' || route.access === 'member' ? 'ambassador' : 'admin');
      const response =
        route.kind === 'api'
          ? await t.app.inject({ method: 'POST', url: urlOf(route), headers: { cookie: actor.cookie, 'content-type': 'application/json' }, payload: '{}' })
          : await post(t.app, actor, urlOf(route), {}, { csrf: false });
      expect(response.statusCode, `${route.method} ${route.url}`).toBe(403);
    }
  });

  it('takes a signed-link write only with its own valid signature', async () => {
    const signedRoutes = allRoutes(resolveContext({ store: t.store, config: t.config, verifyIdentity: null })).filter((r) => r.csrf === false);
    expect(signedRoutes.map((r) => `${r.method} ${r.url}`)).toEqual(['POST /unsubscribe']);
    const alice = people.ambassador;
    await t.store.db.deleteFrom('member_settings').execute();
    const url = await unsubscribeUrl(t.store.db, 'http://ambassadors.test', alice.id, 'awards');
    const query = url.slice(url.indexOf('?'));
    const anonymous = await t.as(null);
    for (const forged of [query.replace(/s=[^&]+/, 's=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'), query.replace(`m=${alice.id}`, `m=${people['another ambassador'].id}`), query.replace('t=awards', 't=status'), '?m=1&t=awards']) {
      const response = await post(t.app, anonymous, `/unsubscribe${forged}`, { 'List-Unsubscribe': 'One-Click' }, { csrf: false });
      expect(response.statusCode, forged).toBe(400);
    }
    expect(await t.store.db.selectFrom('member_settings').selectAll().execute()).toEqual([]);
    const ok = await post(t.app, anonymous, `/unsubscribe${query}`, { 'List-Unsubscribe': 'One-Click' }, { csrf: false });
    expect(ok.statusCode).toBe(200);
    const row = await t.store.db.selectFrom('member_settings').selectAll().where('member_id', '=', alice.id).executeTakeFirstOrThrow();
    expect([row.email_awards, row.email_status, row.email_reviews]).toEqual([false, true, true]);
  });

  it("keeps one ambassador's things out of another's reach", async () => {
    const bob = await actorFor('another ambassador');
    const identityRow = await linkIdentity(t.store.db, people.ambassador.id, { platform: 'github', externalId: 'alice-second' }, {}, 'test');
    const pending = await submitContribution(
      t.store.db,
      t.config,
      { memberId: people.ambassador.id, kind: 'talk', category: 'events', title: 'Another talk', url: 'https://example.org/talk-2', date: '2026-05-03' },
      'test',
      '2026-06-15',
    );
    params.id = String(identityRow.id);
    params.reviewId = String(pending.id);
    const remove = await post(t.app, bob, `/me/identities/${params.id}/remove`);
    expect(remove.statusCode).toBe(404);
    const verify = await post(t.app, bob, `/me/identities/${params.id}/verify`);
    expect(verify.statusCode).toBe(404);
    const identity = await t.store.db.selectFrom('identities').select('id').where('id', '=', Number(params.id)).executeTakeFirst();
    expect(identity).toBeDefined();
    const approve = await post(t.app, bob, `/manage/reviews/${params.reviewId}/approve`);
    expect(approve.statusCode).toBe(403);
    const row = await t.store.db.selectFrom('contributions').select('review_state').where('id', '=', Number(params.reviewId)).executeTakeFirstOrThrow();
    expect(row.review_state).toBe('pending');
  });

  it('lets nobody approve their own submission, managers included', async () => {
    const manager = await actorFor('manager');
    const own = await submitContribution(
      t.store.db,
      t.config,
      { memberId: people.manager.id, kind: 'workshop', category: 'events', title: 'Own workshop', url: 'https://example.org/w', date: '2026-05-02' },
      'test',
      '2026-06-15',
    );
    const response = await post(t.app, manager, `/manage/reviews/${own.id}/approve`);
    expect(response.statusCode).toBe(403);
  });

  it('applies the role ladder to every console action on a member: manager x admin, manager x manager, self-actions', async () => {
    type Who = 'ambassador' | 'manager' | 'admin';
    const actions = ['suspend', 'flag', 'verify', 'trust', 'merge', 'set role'] as const;
    type Action = (typeof actions)[number];
    // What the rules module says: a manager acts only on ambassadors, and never merges or sets
    // roles; an admin acts on anyone else; nobody acts on themselves.
    const expected = (actor: Who, subject: Who | 'self', action: Action): boolean => {
      if (subject === 'self') return false;
      if (actor === 'admin') return true;
      return subject === 'ambassador' && action !== 'merge' && action !== 'set role';
    };
    let serial = 0;
    const failures: string[] = [];
    for (const actorRole of ['manager', 'admin'] as const) {
      for (const subjectKind of ['ambassador', 'manager', 'admin', 'self'] as const) {
        for (const action of actions) {
          serial += 1;
          const actorMember = await t.addPerson(`actor${serial}`, actorRole);
          const subject = subjectKind === 'self' ? actorMember : await t.addPerson(`subject${serial}`, subjectKind);
          const identity = await linkIdentity(t.store.db, subject.id, action === 'trust' ? { platform: 'ical', externalId: `https://cal${serial}.example/e.ics` } : { platform: 'devto', externalId: `dev${serial}` }, { verified: action === 'trust' }, 'test');
          const duplicate = await t.addPerson(`dup${serial}`);
          const actor = await t.as(actorMember);
          const base = `/manage/members/${subject.handle}`;
          const response =
            action === 'suspend' ? await post(t.app, actor, `${base}/state`, { state: 'suspended', reason: 'matrix' })
            : action === 'flag' ? await post(t.app, actor, `${base}/flags`, { isStaff: 'yes', role: subject.role })
            : action === 'verify' ? await post(t.app, actor, `${base}/verify`, { identityId: String(identity.id) })
            : action === 'trust' ? await post(t.app, actor, `${base}/trust`, { identityId: String(identity.id), trusted: 'yes' })
            : action === 'merge' ? await post(t.app, actor, `${base}/merge`, { duplicate: duplicate.handle, reason: 'matrix' })
            : await post(t.app, actor, `${base}/flags`, { role: subject.role === 'ambassador' ? 'manager' : 'ambassador' });
          const want = expected(actorRole, subjectKind, action);
          const got = response.statusCode === 303 ? true : response.statusCode === 403 ? false : null;
          if (got !== want) failures.push(`${actorRole} -> ${subjectKind}: ${action} answered ${response.statusCode} (expected ${want ? 'allowed' : 'refused'})`);
        }
      }
    }
    expect(failures).toEqual([]);
  }, 240_000);
});
