import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseIdentity, type IdentityRef } from '../../src/domain/identities.js';
import { listAudit } from '../../src/store/audit.js';
import { upsertContributions } from '../../src/store/contributions.js';
import { findIdentity, linkIdentity, verifyIdentity } from '../../src/store/identities.js';
import { addMember, changeMemberState, findMember, listMembers, removeMember } from '../../src/store/members.js';
import { configWith } from '../domain/fixtures.js';
import { ENGINES, freshStore, type TestStore } from '../support/engines.js';

const config = configWith();
const id = (text: string): IdentityRef => {
  const parsed = parseIdentity(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.identity;
};

describe.each(ENGINES)('members and identities on %s', (engine) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await freshStore(engine);
  });
  afterEach(async () => {
    await store.dispose();
  });

  it('keeps handles and emails unique without regard to case', async () => {
    await addMember(store.db, { handle: 'JDoe', name: 'Jane Doe', email: 'Jane@Example.org', joinedAt: '2026-01-05' }, 'test');
    await expect(
      addMember(store.db, { handle: 'jdoe', name: 'Other', email: 'x@example.org', joinedAt: '2026-01-05' }, 'test'),
    ).rejects.toThrow('the handle "jdoe" is taken');
    await expect(
      addMember(store.db, { handle: 'other', name: 'Other', email: 'jane@example.ORG', joinedAt: '2026-01-05' }, 'test'),
    ).rejects.toThrow('that email address belongs to another member');
    expect((await findMember(store.db, 'JDOE'))?.name).toBe('Jane Doe');
    expect(await listMembers(store.db)).toHaveLength(1);
  });

  it('reports every problem with a new member at once', async () => {
    await expect(
      addMember(store.db, { handle: '-x', name: ' ', email: 'nope', joinedAt: '2026-02-30' }, 'test'),
    ).rejects.toThrow(/handle: .*; name: .*; email: .*; joined: expected a date YYYY-MM-DD, got "2026-02-30"/);
  });

  it('lets one identity be verified for one person only, whatever its case', async () => {
    const jane = await addMember(store.db, { handle: 'jane', name: 'Jane', email: 'j@example.org', joinedAt: '2026-01-05' }, 'test');
    const joe = await addMember(store.db, { handle: 'joe', name: 'Joe', email: 'o@example.org', joinedAt: '2026-01-05' }, 'test');
    await linkIdentity(store.db, jane.id, id('github:JaneDev'), { verified: true }, 'test');
    await expect(linkIdentity(store.db, joe.id, id('github:janedev'), {}, 'test')).rejects.toThrow(
      'github:janedev is already linked to another member and verified',
    );
    await expect(linkIdentity(store.db, jane.id, id('github:JANEDEV'), {}, 'test')).rejects.toThrow('already linked to this member');
    await linkIdentity(store.db, joe.id, id('stackexchange:12345'), { verified: true }, 'test');
    expect((await findIdentity(store.db, id('stackexchange:12345')))?.verified_at).toBeInstanceOf(Date);
  });

  it('releases waiting contributions when an identity is verified', async () => {
    const jane = await addMember(store.db, { handle: 'jane', name: 'Jane', email: 'j@example.org', joinedAt: '2026-01-05' }, 'test');
    const identity = await linkIdentity(store.db, jane.id, id('github:janedev'), {}, 'test');
    await upsertContributions(store.db, config, [
      {
        memberId: jane.id,
        source: 'github',
        externalId: 'pr:magento/magento2#1',
        kind: 'pullRequestMerged',
        title: 'Fix',
        url: 'https://github.com/magento/magento2/pull/1',
        occurredAt: '2026-02-01T10:00:00Z',
        reviewState: 'pending',
        metadata: { awaitsIdentity: String(identity.id) },
      },
    ]);
    const { released } = await verifyIdentity(store.db, jane.id, id('github:janedev'), 'github-bio', 'test');
    expect(released).toBe(1);
    const row = await store.db.selectFrom('contributions').selectAll().executeTakeFirstOrThrow();
    expect(row.review_state).toBe('counted');
    expect(row.points).toBe(10);
  });

  it('records suspension in the status history and the audit log', async () => {
    await addMember(store.db, { handle: 'jane', name: 'Jane', email: 'j@example.org', joinedAt: '2026-01-05' }, 'test');
    await changeMemberState(store.db, 'jane', { state: 'suspended', reason: 'spam', effectiveOn: '2026-03-01' }, 'cli:manager');
    await expect(
      changeMemberState(store.db, 'jane', { state: 'suspended', reason: 'again', effectiveOn: '2026-03-02' }, 'cli:manager'),
    ).rejects.toThrow('jane is already suspended');
    const audit = await listAudit(store.db);
    expect(audit[0]).toMatchObject({ actor: 'cli:manager', action: 'member.suspend', subject_id: 'jane', reason: 'spam' });
  });

  it('erases a person and never re-creates their identities by accident', async () => {
    const jane = await addMember(store.db, { handle: 'jane', name: 'Jane', email: 'j@example.org', joinedAt: '2026-01-05' }, 'test');
    await linkIdentity(store.db, jane.id, id('github:JaneDev'), { verified: true }, 'test');
    await upsertContributions(store.db, config, [
      { memberId: jane.id, source: 'github', externalId: 'x', kind: 'issueReported', title: 't', url: null, occurredAt: '2026-02-01T10:00:00Z', reviewState: 'counted' },
    ]);
    await removeMember(store.db, 'jane', 'cli:admin');
    expect(await findMember(store.db, 'jane')).toBeUndefined();
    expect(await store.db.selectFrom('contributions').selectAll().execute()).toEqual([]);
    expect(await store.db.selectFrom('identities').selectAll().execute()).toEqual([]);
    const audit = await listAudit(store.db);
    expect(JSON.stringify(audit)).not.toContain('jane');
    const back = await addMember(store.db, { handle: 'jane2', name: 'Jane', email: 'j@example.org', joinedAt: '2026-05-05' }, 'test');
    await expect(linkIdentity(store.db, back.id, id('github:janedev'), {}, 'test')).rejects.toThrow(/asked to be erased/);
    await linkIdentity(store.db, back.id, id('github:janedev'), { allowErased: true }, 'test');
  });
});
