import { afterEach, describe, expect, it } from 'vitest';
import type { LinkedIdentity, SourceBatch, SourceCursor } from '../../src/sources/contract.js';
import type { SourceContext } from '../../src/sources/context.js';
import { discourseSource, parseForumIdentity } from '../../src/sources/discourse.js';
import { createHttpClient } from '../../src/sources/http.js';
import { composerStability, expandMinified, packagistSource } from '../../src/sources/packagist.js';
import { memoryValidatorStore } from '../../src/sources/validators.js';
import { startFakeDiscourse, type FakeAction } from '../fakes/discourse.js';
import { minify, startFakePackagist, version } from '../fakes/packagist.js';
import { fakeClock, type FakeServer } from '../fakes/server.js';

const NOW = new Date('2026-01-15T12:00:00Z');
let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function collect(source: AsyncIterable<SourceBatch>) {
  const batches: SourceBatch[] = [];
  let error: Error | undefined;
  try {
    for await (const b of source) batches.push(b);
  } catch (e) {
    error = e as Error;
  }
  return { batches, contributions: batches.flatMap((b) => b.contributions), cursor: (batches.at(-1)?.cursor ?? null) as SourceCursor, error };
}

const ctx = (validators = memoryValidatorStore()): SourceContext => ({ http: createHttpClient({ clock: fakeClock(), validators, allowPrivateAddresses: ['127.0.0.1/32'] }), now: NOW });

describe('discourse source', () => {
  const actions: FakeAction[] = [
    ...Array.from({ length: 70 }, (_, i): FakeAction => ({ type: 5, topicId: 100 + i, postNumber: 2 + (i % 4), title: `Reply topic <i>${i}</i>`, createdAt: new Date(Date.parse('2025-10-01T00:00:00Z') + i * 86_400_000).toISOString(), username: 'jdoe' })),
    { type: 4, topicId: 999, postNumber: 1, title: 'How we run Mage-OS meetups', createdAt: '2026-01-02T10:00:00.000Z', username: 'jdoe' },
  ];

  it('parses forum identities', () => {
    expect(parseForumIdentity('https://forum.example:jdoe')).toEqual({ forum: 'https://forum.example', username: 'jdoe' });
    expect(parseForumIdentity('https://forum.example/community:j.doe')).toEqual({ forum: 'https://forum.example/community', username: 'j.doe' });
    expect(parseForumIdentity('jdoe')).toBeNull();
  });

  it('reads topics and replies across pages, then only new ones', async () => {
    server = await startFakeDiscourse(actions);
    const identities: LinkedIdentity[] = [{ identityId: 4, memberId: 1, platform: 'discourse', externalId: `${server.url}:jdoe`, verified: true }];
    const first = await collect(discourseSource({}, identities, null, ctx()));
    expect(first.error).toBeUndefined();
    expect(first.contributions).toHaveLength(71);
    const topic = first.contributions.find((c) => c.kind === 'forumTopic')!;
    expect(topic).toMatchObject({ externalId: `${server.url}/t/999/1`, title: 'How we run Mage-OS meetups', occurredAt: '2026-01-02T10:00:00.000Z', url: `${server.url}/t/how-we-run-mage-os-meetups/999/1` });
    expect(first.contributions.filter((c) => c.kind === 'forumReply')[0]!.title).toMatch(/^Reply topic \d+$/);

    (server as unknown as { actions: FakeAction[] }).actions.push({ type: 5, topicId: 1000, postNumber: 3, title: 'New reply', createdAt: '2026-01-14T10:00:00.000Z', username: 'jdoe' });
    const requestsBefore = server.requests.length;
    const own = first.batches.at(-1)!.identity!;
    expect(own).toEqual({ identityId: 4, cursor: { newest: '2026-01-02T10:00:00.000Z' } });
    const second = await collect(discourseSource({}, identities.map((identity) => ({ ...identity, cursor: own.cursor ?? null })), null, ctx()));
    expect(second.contributions.map((c) => c.externalId)).toEqual([`${server.url}/t/1000/3`, `${server.url}/t/999/1`].slice(0, second.contributions.length));
    expect(second.contributions.map((c) => c.externalId)).toContain(`${server.url}/t/1000/3`);
    expect(server.requests.length - requestsBefore).toBe(1);
  });

  it('flags unknown users, reports failures per forum and refuses private forums', async () => {
    server = await startFakeDiscourse(actions);
    server.fault({ path: '/user_actions.json?username=jdoe', reply: { body: '{"user_actions": [', headers: { 'content-type': 'application/json' } } });
    const identities: LinkedIdentity[] = [
      { identityId: 4, memberId: 1, platform: 'discourse', externalId: `${server.url}:jdoe`, verified: true },
      { identityId: 5, memberId: 2, platform: 'discourse', externalId: `${server.url}:ghost`, verified: true },
    ];
    const result = await collect(discourseSource({}, identities, null, ctx()));
    expect(result.batches.flatMap((b) => b.goneIdentities ?? [])).toEqual([{ identityId: 5, reason: expect.stringContaining('ghost') }]);
    // Each identity fails alone, with its own error only.
    const errors = result.batches.flatMap((b) => (b.identity?.error ? [[b.identity.identityId, b.identity.error] as const] : []));
    expect(errors).toEqual([
      [4, expect.stringMatching(/^discourse: http:\/\/127\.0\.0\.1:\d+:jdoe: GET .*malformed JSON/)],
      [5, expect.stringContaining('ghost')],
    ]);
    expect(errors[0]![1]).not.toContain('ghost');
    const strict = await collect(discourseSource({}, identities.slice(0, 1), null, { http: createHttpClient({ clock: fakeClock() }), now: NOW }));
    expect(strict.batches[0]!.identity!.error).toMatch(/refusing 127\.0\.0\.1/);
  });
});

describe('packagist source', () => {
  const packages = [
    {
      name: 'acme/module-checkout',
      versions: [
        version('acme/module-checkout', '2.1.0-p1', '2026-01-12T10:00:00+00:00', { require: { php: '^8.2', 'magento/framework': '^103.0' } }),
        version('acme/module-checkout', '2.1.0', '2026-01-10T10:00:00+00:00', { require: { php: '^8.2', 'magento/framework': '^103.0' } }),
        version('acme/module-checkout', '2.1.0-beta1', '2025-12-20T10:00:00+00:00'),
        version('acme/module-checkout', '2.0.0', '2025-11-01T10:00:00+00:00', { description: 'Old description', keywords: undefined }),
      ].map((v) => JSON.parse(JSON.stringify(v)) as Record<string, unknown>),
    },
    { name: 'acme/laravel-thing', versions: [version('acme/laravel-thing', '1.0.0', '2026-01-01T00:00:00+00:00', { type: 'library', require: { php: '^8.2' } })] },
    { name: 'acme/theme-dark', versions: [version('acme/theme-dark', '1.0.0', '2026-01-03T00:00:00+00:00', { type: 'magento2-theme' })] },
  ];

  it('reads stability as Composer does: patch versions are stable', () => {
    const table: [string, string | null][] = [
      ['2.4.7', 'stable'], ['2.4.7-p1', 'stable'], ['2.4.7-pl', 'stable'], ['2.4.7.p1', 'stable'], ['2.4.7.0-patch1', 'stable'], ['v1.2.3', 'stable'], ['1.0.0+build.5', 'stable'],
      ['2.1.0-beta1', 'beta'], ['2.1.0.0-beta1', 'beta'], ['1.0.0-b2', 'beta'], ['1.0.0-alpha', 'alpha'], ['1.0.0-a1', 'alpha'], ['2.4.8-RC1', 'RC'], ['2.4.8.0-RC1', 'RC'],
      ['dev-main', 'dev'], ['2.x-dev', 'dev'], ['9999999-dev', 'dev'], ['1.0.0-beta1-dev', 'dev'], ['not-a-version', null], ['1.0.0-foo', null],
    ];
    expect(table.map(([v]) => [v, composerStability(v)])).toEqual(table);
  });

  it('expands composer/2.0 minified metadata exactly', () => {
    const full = packages[0]!.versions;
    expect(expandMinified(minify(full))).toEqual(full);
  });

  it('lists releases of Magento packages by vendor, stable only, with 304s on re-sync', async () => {
    server = await startFakePackagist(packages);
    const identities: LinkedIdentity[] = [
      { identityId: 7, memberId: 1, platform: 'packagist', externalId: 'acme', verified: true },
      { identityId: 8, memberId: 2, platform: 'packagist', externalId: 'nobody', verified: true },
    ];
    const context = ctx();
    const first = await collect(packagistSource({ baseUrl: server.url }, identities, null, context));
    expect(first.error).toBeUndefined();
    expect(first.contributions.map((c) => c.externalId).sort()).toEqual(['release:acme/module-checkout@2.0.0.0', 'release:acme/module-checkout@2.1.0.0', 'release:acme/module-checkout@2.1.0.0-patch1', 'release:acme/theme-dark@1.0.0.0']);
    expect(first.contributions.find((c) => c.externalId.endsWith('2.0.0.0'))!.metadata.description).toBe('Old description');
    expect(first.batches.flatMap((b) => b.goneIdentities ?? [])).toEqual([{ identityId: 8, reason: expect.stringContaining('nobody') }]);
    const second = await collect(packagistSource({ baseUrl: server.url }, identities, first.cursor, context));
    expect(second.contributions.map((c) => c.externalId).sort()).toEqual(first.contributions.map((c) => c.externalId).sort());
    expect(context.http.stats.notModified).toBeGreaterThanOrEqual(4);
  });

  it('reports a failing package with the vendor and URL', async () => {
    server = await startFakePackagist(packages);
    server.fault({ path: '/p2/acme/theme-dark.json', times: 5, reply: { status: 500, body: 'Internal Server Error' } });
    const context: SourceContext = { http: createHttpClient({ clock: fakeClock(), maxRetries: 1 }), now: NOW };
    const result = await collect(packagistSource({ baseUrl: server.url }, [{ identityId: 7, memberId: 1, platform: 'packagist', externalId: 'acme', verified: true }], null, context));
    expect(result.error).toBeUndefined();
    expect(result.batches.map((b) => b.identity)).toEqual([{ identityId: 7, error: expect.stringMatching(/^packagist: vendor acme: GET http:\/\/127\.0\.0\.1:\d+\/p2\/acme\/theme-dark\.json: HTTP 500/) }]);
  });
});
