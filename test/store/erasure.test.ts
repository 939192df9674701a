// Erasure that erases: a person is seeded in every table the program has (as a member, an
// actor, a subject, in stored responses and cursors, in a published award), removed, and the
// whole database is then dumped generically, every column of every table of the schema read
// as text through the catalog, so tables added later are covered the day they appear. No
// trace of their handle, name, email, logins or URLs may remain; the published award keeps
// its hash and rank and names "a former ambassador".
import { sql, type Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { identityHash } from '../../src/domain/identities.js';
import { recordAudit } from '../../src/store/audit.js';
import { computeAwardDraft, publishAwards, publishedSnapshot, snapshotResults } from '../../src/store/awards.js';
import { decideReview, submitContribution, upsertContributions } from '../../src/store/contributions.js';
import { isErased } from '../../src/store/erasure-list.js';
import { linkIdentity, setIdentityTrusted } from '../../src/store/identities.js';
import { addMember, changeMemberState, removeMember } from '../../src/store/members.js';
import { hitRateLimit } from '../../src/store/rate-limits.js';
import type { Database } from '../../src/store/schema.js';
import { configWith } from '../domain/fixtures.js';
import { ENGINES, freshStore, type TestStore } from '../support/engines.js';

const config = configWith({ awards: { topN: 3 } });

const ZELDA = {
  handle: 'zquinlan7',
  name: 'Zelda Quinlan',
  email: 'zelda.q@erase-me.example',
  github: 'zq-coder',
  feed: 'https://zelda-blog.example/feed.xml',
  calendar: 'https://zelda-events.example/cal.ics',
  forum: 'https://forum.example:zeldaq',
};
const MARKERS = [ZELDA.handle, ZELDA.name, ZELDA.email, ZELDA.github, ZELDA.feed, 'zelda-blog.example', ZELDA.calendar, 'zelda-events.example', 'zeldaq'];

/** Every column of every table of the current schema, as text, found through the catalog. */
async function dumpDatabase(db: Kysely<Database>): Promise<{ table: string; column: string; value: string }[]> {
  const columns = await sql<{ table_name: string; column_name: string; data_type: string }>`
    select c.table_name, c.column_name, c.data_type
    from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
    where c.table_schema = current_schema() and t.table_type = 'BASE TABLE'
    order by c.table_name, c.ordinal_position`.execute(db);
  const out: { table: string; column: string; value: string }[] = [];
  for (const { table_name, column_name, data_type } of columns.rows) {
    const value = data_type === 'bytea' ? sql`encode(${sql.ref(column_name)}, 'escape')` : sql`${sql.ref(column_name)}::text`;
    const rows = await sql<{ v: string | null }>`select ${value} as v from ${sql.table(table_name)}`.execute(db);
    for (const row of rows.rows) if (row.v !== null) out.push({ table: table_name, column: column_name, value: row.v });
  }
  return out;
}

function traces(dump: { table: string; column: string; value: string }[]): string[] {
  const found: string[] = [];
  for (const cell of dump) {
    const lower = cell.value.toLowerCase();
    for (const marker of MARKERS) if (lower.includes(marker.toLowerCase())) found.push(`${cell.table}.${cell.column} has "${marker}": ${cell.value.slice(0, 160)}`);
  }
  return found;
}

describe.each(ENGINES)('erasure on %s', (engine) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await freshStore(engine);
  });
  afterEach(async () => {
    await store.dispose();
  });

  async function seedEverywhere() {
    const db = store.db;
    const zelda = await addMember(db, { handle: ZELDA.handle, name: ZELDA.name, email: ZELDA.email, joinedAt: '2025-03-01', role: 'manager', country: 'Iceland' }, 'test');
    const other = await addMember(db, { handle: 'otto', name: 'Otto Other', email: 'otto@example.org', joinedAt: '2025-03-01' }, 'test');
    await addMember(db, { handle: 'tess', name: 'Tess Third', email: 'tess@example.org', joinedAt: '2025-03-01' }, 'test');
    const actor = `web:${ZELDA.handle}`;
    const github = await linkIdentity(db, zelda.id, { platform: 'github', externalId: ZELDA.github }, { verified: true, method: 'github-oauth', upstreamId: '90210' }, actor);
    await linkIdentity(db, zelda.id, { platform: 'feed', externalId: ZELDA.feed }, {}, actor);
    await linkIdentity(db, zelda.id, { platform: 'discourse', externalId: ZELDA.forum }, { verified: true }, actor);
    const calendar = await linkIdentity(db, zelda.id, { platform: 'ical', externalId: ZELDA.calendar }, { verified: true }, actor);
    // She acted on others: trusted a calendar, suspended someone, reviewed a submission.
    const ottoCalendar = await linkIdentity(db, other.id, { platform: 'ical', externalId: 'https://otto.example/events.ics' }, { verified: true }, 'test');
    await setIdentityTrusted(db, config, ottoCalendar.id, true, actor, `checked by ${ZELDA.name}`);
    await setIdentityTrusted(db, config, calendar.id, true, 'cli:root', null);
    await changeMemberState(db, 'tess', { state: 'suspended', reason: `spam, reported by ${ZELDA.handle}`, effectiveOn: '2026-02-01' }, actor);
    const submission = await submitContribution(db, config, { memberId: other.id, kind: 'talk', category: 'events', title: 'Otto talks', url: 'https://otto.example/talk', date: '2026-02-02' }, 'web:otto', '2026-06-01');
    await decideReview(db, config, submission.id, { approve: true, reason: `fine, ${ZELDA.name}`, reviewerId: zelda.id }, actor);
    // Her own work, and another's pull request whose award label she applied.
    await upsertContributions(db, config, [
      ...Array.from({ length: 9 }, (_, n) => ({
        memberId: zelda.id, source: 'github', externalId: `pr:magento/magento2#${100 + n}`, kind: 'pullRequestMerged', title: `Fix ${n} by ${ZELDA.github}`,
        url: `https://github.com/magento/magento2/pull/${100 + n}`, occurredAt: `2026-0${n + 1}-10T10:00:00Z`, reviewState: 'counted' as const, metadata: { author: ZELDA.github, identityId: github.id },
      })),
      { memberId: other.id, source: 'github', externalId: 'pr:magento/magento2#7', kind: 'pullRequestMerged', title: 'Otto fix', url: 'https://github.com/magento/magento2/pull/7', occurredAt: '2026-03-03T10:00:00Z', reviewState: 'counted' as const, metadata: { awardedBy: ZELDA.github, labels: ['Award: complex'] } },
    ]);
    await addMember(db, { handle: 'ursula', name: 'Ursula U', email: 'u@example.org', joinedAt: '2025-03-01' }, 'test');
    // A published award with her at the top, computed and published by her.
    await computeAwardDraft(db, config, 2026, actor, { earlyReason: 'erasure test' });
    await publishAwards(db, 2026, actor, { earlyReason: 'erasure test' });
    // Sync state: a cursor keyed by her login, a member-scoped run, stored responses of her feed.
    await db.insertInto('sync_cursors').values({ source: 'github', cursor: JSON.stringify({ events: { [ZELDA.github]: 'etag-1', otto: 'etag-2' }, repos: { 'magento/magento2': { since: '2026-01-01' } } }) }).execute();
    await db.insertInto('sync_cursors').values({ source: 'feeds', cursor: JSON.stringify({ seen: [ZELDA.feed, 'https://otto.example/feed'] }) }).execute();
    await db.insertInto('sync_runs').values({ source: 'feeds', scope: `member:${ZELDA.handle}`, status: 'failed', error: `${ZELDA.feed}: HTTP 500` }).execute();
    await db.insertInto('http_validators').values({ url: ZELDA.feed, etag: '"1"', body: Buffer.from(`<rss><channel><managingEditor>${ZELDA.email} (${ZELDA.name})</managingEditor></channel></rss>`) }).execute();
    await db.insertInto('http_validators').values({ url: `https://api.github.com/users/${ZELDA.github}/events`, etag: '"2"', body: Buffer.from('[]') }).execute();
    await db.insertInto('http_validators').values({ url: 'https://api.github.com/repos/magento/magento2/pulls', etag: '"3"', body: Buffer.from(`[{"user":{"login":"${ZELDA.github}"}}]`) }).execute();
    // The web's tables: account, sessions, sign-in links, OAuth state, a token she issued, notifications.
    await sql`insert into accounts (member_id, consent_tracking_at, consent_public_at, github_user_id) values (${zelda.id}, now(), now(), '90210')`.execute(db);
    await sql`insert into sessions (id_hash, member_id, expires_at) values ('h1', ${zelda.id}, now() + interval '1 day')`.execute(db);
    await sql`insert into login_tokens (token_hash, member_id, expires_at) values ('t1', ${zelda.id}, now() + interval '1 hour')`.execute(db);
    await db.insertInto('oauth_states').values({ state_hash: 's1', code_verifier: 'v', next_path: '/me', member_id: zelda.id, expires_at: new Date(Date.now() + 60_000) }).execute();
    await sql`insert into api_tokens (name, token_hash, source, kinds, created_by) values (${'events of ' + ZELDA.name}, 'x', 'events-platform', ${['eventOrganized']}, ${actor})`.execute(db);
    await sql`insert into notifications (key, kind, channel, member_id, recipient, status, payload) values ('welcome:z', 'welcome', 'email', ${zelda.id}, ${ZELDA.email}, 'sent', ${JSON.stringify({ subject: `Welcome ${ZELDA.name}` })})`.execute(db);
    await sql`insert into notifications (key, kind, channel, member_id, recipient, status, payload) values ('webhook:crm:x', 'contribution.counted', 'webhook', null, 'crm', 'sent', '{}')`.execute(db);
    await hitRateLimit(db, `sign-in:email:${ZELDA.email}`, { max: 5, windowMs: 60_000 }, new Date());
    await hitRateLimit(db, `member:${zelda.id}:link`, { max: 5, windowMs: 60_000 }, new Date());
    await recordAudit(db, { actor: 'cli:root', action: 'note', subjectType: 'member', subjectId: 'otto', reason: `asked ${ZELDA.email} about it`, details: { by: ZELDA.handle, identity: `github:${ZELDA.github}` } });
    // The review desk and member console (migration 0050): her note about Otto, an old handle, an email change.
    await db.insertInto('member_notes').values({ member_id: other.id, author_id: zelda.id, body: `called by ${ZELDA.name} about the talk` }).execute();
    await db.insertInto('member_notes').values({ member_id: zelda.id, author_id: other.id, body: `${ZELDA.name} prefers email` }).execute();
    await db.insertInto('handle_aliases').values({ old_handle: `${ZELDA.handle}-old`.toLowerCase(), member_id: zelda.id }).execute();
    await db.insertInto('email_changes').values({ token_hash: 'e1', member_id: zelda.id, new_email: ZELDA.email, expires_at: new Date(Date.now() + 60_000) }).execute();
    return { zelda, other };
  }

  it('leaves no trace of a removed person in any table, and redacts the published award', async () => {
    const { zelda } = await seedEverywhere();
    const before = snapshotResults((await publishedSnapshot(store.db, 2026))!);
    expect(before.topAmbassadors[0]?.handle).toBe(ZELDA.handle);
    const dumpBefore = await dumpDatabase(store.db);
    const seededTables = new Set(dumpBefore.filter((cell) => MARKERS.some((m) => cell.value.toLowerCase().includes(m.toLowerCase()))).map((cell) => cell.table));
    // The seed really reached every place the person can be found.
    for (const table of ['members', 'identities', 'contributions', 'status_changes', 'award_snapshots', 'audit_log', 'sync_cursors', 'sync_runs', 'http_validators', 'api_tokens', 'notifications', 'rate_limit_hits', 'review_events', 'member_notes', 'handle_aliases', 'email_changes']) {
      expect(seededTables, table).toContain(table);
    }

    await removeMember(store.db, ZELDA.handle, 'cli:root');

    expect(traces(await dumpDatabase(store.db))).toEqual([]);
    const snapshot = (await publishedSnapshot(store.db, 2026))!;
    const after = snapshotResults(snapshot) as ReturnType<typeof snapshotResults> & { redactions?: { reason: string; entries: number }[] };
    expect(after.inputHash).toBe(before.inputHash);
    expect(snapshot.input_hash).toBe(before.inputHash);
    expect(after.topAmbassadors[0]).toMatchObject({ rank: 1, name: 'a former ambassador', handle: '', memberId: zelda.id, points: before.topAmbassadors[0]!.points });
    expect(after.topAmbassadors.slice(1)).toEqual(before.topAmbassadors.slice(1));
    expect(after.redactions).toEqual([expect.objectContaining({ reason: 'erased at their request', entries: expect.any(Number) })]);
    // The others keep what is theirs.
    const ottoPr = await store.db.selectFrom('contributions').selectAll().where('external_id', '=', 'pr:magento/magento2#7').executeTakeFirstOrThrow();
    expect(ottoPr.metadata).toMatchObject({ labels: ['Award: complex'] });
    const cursor = await store.db.selectFrom('sync_cursors').select('cursor').where('source', '=', 'github').executeTakeFirstOrThrow();
    expect(cursor.cursor).toEqual({ events: { otto: 'etag-2' }, repos: { 'magento/magento2': { since: '2026-01-01' } } });
  });

  it('lists only verified identities for erasure, keyed by the server secret', async () => {
    const claimer = await addMember(store.db, { handle: 'claimer', name: 'Claimer', email: 'c@example.org', joinedAt: '2025-03-01' }, 'test');
    await linkIdentity(store.db, claimer.id, { platform: 'github', externalId: 'torvalds' }, {}, 'test');
    await linkIdentity(store.db, claimer.id, { platform: 'github', externalId: 'claimer-gh' }, { verified: true }, 'test');
    await removeMember(store.db, 'claimer', 'cli:root');
    expect(await isErased(store.db, { platform: 'github', externalId: 'torvalds' })).toBe(false);
    expect(await isErased(store.db, { platform: 'github', externalId: 'claimer-gh' })).toBe(true);
    const rows = await store.db.selectFrom('erasures').selectAll().execute();
    expect(rows).toHaveLength(1);
    // Not the plain SHA-256 anyone could recompute from a guess.
    expect(rows[0]!.identity_hash).not.toBe(identityHash({ platform: 'github', externalId: 'claimer-gh' }));
    expect(rows[0]!.scheme).toBe('hmac');
    // The real owner of the unverified claim links and verifies it freely.
    const owner = await addMember(store.db, { handle: 'linus', name: 'Linus', email: 'l@example.org', joinedAt: '2025-03-01' }, 'test');
    await expect(linkIdentity(store.db, owner.id, { platform: 'github', externalId: 'torvalds' }, { verified: true }, 'test')).resolves.toBeDefined();
  });

  it('rewrites erasure rows written before the key (plain SHA-256) to the keyed form', async () => {
    await store.db.insertInto('erasures').values({ identity_hash: identityHash({ platform: 'github', externalId: 'legacy-person' }) }).execute();
    expect(await isErased(store.db, { platform: 'github', externalId: 'Legacy-Person' })).toBe(true);
    const rows = await store.db.selectFrom('erasures').selectAll().execute();
    expect(rows.map((r) => r.scheme)).toEqual(['hmac']);
    expect(rows[0]!.identity_hash).not.toBe(identityHash({ platform: 'github', externalId: 'legacy-person' }));
  });
});
