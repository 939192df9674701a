// A web app on a fresh PGlite database for each test, with a pinned clock, a mailer that
// keeps what it sends, and helpers to create people and act as them (session + CSRF cookies).
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { buildConfig } from '../../src/domain/config.js';
import type { ProgramConfig } from '../../src/domain/config-schema.js';
import type { Mailer, OutgoingEmail } from '../../src/notify/mailer.js';
import { addMember } from '../../src/store/members.js';
import type { Member } from '../../src/store/schema.js';
import { buildApp, type AppContext } from '../../src/web/app.js';
import { csrfFor, sha256, sign } from '../../src/web/session.js';
import type { Engine } from '../../src/store/db.js';
import { freshStore, type TestStore } from '../support/engines.js';

export const SECRET = 'test-session-secret-0123456789abcdef';
export const NOW = new Date('2026-06-15T10:00:00Z');

export interface Actor {
  member: Member | null;
  cookie: string;
  csrf: string;
}

export interface WebTest {
  app: FastifyInstance;
  store: TestStore;
  config: ProgramConfig;
  mails: OutgoingEmail[];
  addPerson(handle: string, role?: 'ambassador' | 'manager' | 'admin', extra?: { email?: string; joinedAt?: string }): Promise<Member>;
  as(member: Member | null): Promise<Actor>;
  close(): Promise<void>;
}

export function testConfig(overrides: Record<string, unknown> = {}): ProgramConfig {
  const { web, notifications, ...rest } = overrides as { web?: Record<string, unknown>; notifications?: Record<string, unknown> };
  const result = buildConfig({
    program: { baseUrl: 'http://ambassadors.test' },
    web: { sessionSecret: SECRET, ...(web ?? {}) },
    notifications: { ...(notifications ?? {}) },
    ...rest,
  });
  if (!result.ok) throw new Error(result.problems.join('\n'));
  return result.config;
}

export async function webTest(options: { config?: Record<string, unknown>; context?: Partial<AppContext>; now?: () => Date; engine?: Engine } = {}): Promise<WebTest> {
  const store = await freshStore(options.engine ?? 'pglite');
  const config = testConfig(options.config);
  const mails: OutgoingEmail[] = [];
  const mailer: Mailer = { send: async (message) => void mails.push(message) };
  const app = await buildApp({ store, config, mailer, now: options.now ?? (() => NOW), pageCacheSeconds: 0, verifyIdentity: null, ...options.context });
  const secret = Buffer.from(SECRET);
  return {
    app,
    store,
    config,
    mails,
    addPerson: (handle, role = 'ambassador', extra = {}) =>
      addMember(store.db, { handle, name: `${handle[0]!.toUpperCase()}${handle.slice(1)} Tester`, email: extra.email ?? `${handle}@example.org`, joinedAt: extra.joinedAt ?? '2026-01-10', role }, 'test'),
    async as(member) {
      const seed = randomBytes(12).toString('base64url');
      if (!member) return { member: null, cookie: `amb_csrf=${encodeURIComponent(sign(secret, seed))}`, csrf: csrfFor(secret, seed, null) };
      const id = randomBytes(24).toString('base64url');
      await store.db
        .insertInto('sessions' as never)
        .values({ id_hash: sha256(id), member_id: member.id, expires_at: new Date(NOW.getTime() + 86_400_000 * 30) } as never)
        .execute();
      return {
        member,
        cookie: `amb_session=${encodeURIComponent(sign(secret, id))}; amb_csrf=${encodeURIComponent(sign(secret, seed))}`,
        csrf: csrfFor(secret, seed, sha256(id)),
      };
    },
    async close() {
      await app.close();
      await store.dispose();
    },
  };
}

/** A form post as an actor, CSRF token included unless told otherwise. */
export function post(app: FastifyInstance, actor: Actor, url: string, fields: Record<string, string | string[]> = {}, options: { csrf?: boolean } = {}) {
  const params = new URLSearchParams();
  if (options.csrf !== false) params.set('_csrf', actor.csrf);
  for (const [key, value] of Object.entries(fields)) for (const v of Array.isArray(value) ? value : [value]) params.append(key, v);
  return app.inject({ method: 'POST', url, headers: { cookie: actor.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: params.toString() });
}

export function get(app: FastifyInstance, actor: Actor | null, url: string) {
  return app.inject({ method: 'GET', url, headers: actor ? { cookie: actor.cookie } : {} });
}
