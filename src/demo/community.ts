// `ambassador demo`: a realistic community across every category and both years, generated
// from a fixed seed so that loading it twice changes nothing (contributions are keyed by
// source 'demo' and a stable external id, members by handle).
import { sql, type Kysely } from 'kysely';
import type { ProgramConfig } from '../domain/config-schema.js';
import { addDays, maxDate, toIsoDate } from '../domain/dates.js';
import { computeAwardDraft, publishAwards, publishedSnapshot } from '../store/awards.js';
import { submitContribution, upsertContributions, type ContributionInput } from '../store/contributions.js';
import { requestChanges } from '../store/reviews.js';
import type { Database } from '../store/schema.js';
import { COMPANIES, COUNTRIES, FIRST_NAMES, LAST_NAMES, TOPICS } from './people.js';

export interface DemoOutcome {
  members: number;
  contributions: number;
  created: boolean;
}

/** Mulberry32: a tiny seeded generator, so the demo is the same everywhere. */
function seeded(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!,
    chance: (p: number) => next() < p,
  };
}

const DEMO_START = '2025-01-06';
const DEMO_END = '2026-11-20';
const DEMO_DAYS = 683;

interface Persona {
  focus: string[];
  activity: number;
}

const PERSONAS: Persona[] = [
  { focus: ['pullRequestMerged', 'pullRequestReviewed', 'issueReported'], activity: 1.4 },
  { focus: ['blogPost', 'video', 'talk'], activity: 1 },
  { focus: ['answerPosted', 'forumReply', 'forumTopic'], activity: 1.6 },
  { focus: ['documentationMerged', 'documentationReviewed'], activity: 0.9 },
  { focus: ['eventOrganized', 'talk', 'workshop'], activity: 0.6 },
  { focus: ['packageReleased', 'pullRequestMerged', 'blogPost'], activity: 1 },
  { focus: ['mentoring', 'training', 'communityLeadership'], activity: 0.5 },
  { focus: ['podcastEpisode', 'video', 'blogPost'], activity: 0.8 },
];

const REPOS = ['magento/magento2', 'magento/pwa-studio', 'mage-os/mageos-magento2', 'magento/magento2-page-builder'];
const PR_LABELS = ['Award: bug fix', 'Award: test coverage', 'Award: complex', 'Award: advanced', 'Type: port', 'Type: cleanup'];
const DOC_LABELS = ['New Topic', 'Major Update', 'Technical', 'Editorial'];

function titleFor(kind: string, topic: string, rng: ReturnType<typeof seeded>): string {
  switch (kind) {
    case 'pullRequestMerged': return `Fix ${topic} regression in ${rng.pick(['Catalog', 'Checkout', 'Sales', 'Customer', 'Quote'])} module`;
    case 'pullRequestReviewed': return `Review: improve ${topic}`;
    case 'issueReported': return `${topic} fails after upgrade to 2.4.${rng.int(6, 8)}`;
    case 'documentationMerged': return `Document ${topic}`;
    case 'documentationReviewed': return `Review docs on ${topic}`;
    case 'packageReleased': return `magento2-${topic.toLowerCase().replace(/[^a-z]+/g, '-')} ${rng.int(1, 3)}.${rng.int(0, 9)}.${rng.int(0, 9)}`;
    case 'blogPost': return `What I learned about ${topic}`;
    case 'video': return `Live coding: ${topic}`;
    case 'podcastEpisode': return `Episode ${rng.int(10, 140)}: ${topic}`;
    case 'talk': return `Talk: ${topic} in practice`;
    case 'workshop': return `Workshop: hands-on ${topic}`;
    case 'eventOrganized': return `${rng.pick(['Meet Magento', 'Mage-OS Meetup', 'Magento Meetup', 'Hyvä Meetup'])} ${rng.pick(COUNTRIES)}`;
    case 'answerPosted': return `How to configure ${topic}?`;
    case 'forumTopic': return `RFC: ${topic}`;
    case 'forumReply': return `Re: ${topic}`;
    case 'mentoring': return `Mentored a new contributor on ${topic}`;
    case 'training': return `Course: ${topic} for developers`;
    case 'communityLeadership': return `Led the ${topic} working group`;
    default: return `${kind}: ${topic}`;
  }
}

const SOURCE_OF: Record<string, string> = {
  pullRequestMerged: 'github', pullRequestReviewed: 'github', issueReported: 'github', documentationMerged: 'github',
  documentationReviewed: 'github', packageReleased: 'packagist', blogPost: 'feed', video: 'feed', podcastEpisode: 'feed',
  answerPosted: 'stackexchange', forumTopic: 'discourse', forumReply: 'discourse', eventOrganized: 'ical',
};

function metadataFor(kind: string, rng: ReturnType<typeof seeded>): Record<string, unknown> {
  if (kind === 'pullRequestMerged') {
    return { repo: rng.pick(REPOS), labels: rng.chance(0.5) ? [rng.pick(PR_LABELS)] : [] };
  }
  if (kind === 'documentationMerged') return { repo: 'AdobeDocs/commerce-php', labels: [rng.pick(DOC_LABELS)] };
  if (kind === 'answerPosted') return { accepted: rng.chance(0.4), score: rng.int(0, 14) };
  return {};
}

export function demoCommunity(seed = 2026) {
  const rng = seeded(seed);
  const members: { handle: string; name: string; email: string; joinedAt: string; country: string; company: string | null; isStaff: boolean; isBot: boolean; role: 'ambassador' | 'manager' }[] = [];
  const contributions: (Omit<ContributionInput, 'memberId'> & { handle: string })[] = [];
  const handles = new Set<string>();
  for (let index = 0; members.length < 64; index += 1) {
    const first = FIRST_NAMES[index % FIRST_NAMES.length]!;
    const last = rng.pick(LAST_NAMES);
    const handle = `${first}${last.replace(/[^A-Za-z]/g, '')}`.toLowerCase().slice(0, 20);
    if (handles.has(handle)) continue;
    handles.add(handle);
    const joinedAt = addDays('2024-06-01', rng.int(0, 620));
    members.push({
      handle,
      name: `${first} ${last}`,
      email: `${handle}@example.org`,
      joinedAt,
      country: rng.pick(COUNTRIES),
      company: rng.pick(COMPANIES),
      isStaff: members.length === 2,
      isBot: false,
      role: members.length < 2 ? 'manager' : 'ambassador',
    });
    const persona = PERSONAS[members.length % PERSONAS.length]!;
    // Some people fade out: their contributions stop, and their status lapses.
    const stopsAfter = rng.chance(0.2) ? rng.int(120, 500) : DEMO_DAYS;
    const count = Math.round(rng.int(3, 28) * persona.activity);
    for (let n = 0; n < count; n += 1) {
      const day = rng.int(0, stopsAfter);
      const date = addDays(DEMO_START, day);
      if (date < joinedAt) continue;
      const kind = rng.chance(0.8) ? rng.pick(persona.focus) : rng.pick(Object.keys(SOURCE_OF));
      const topic = rng.pick(TOPICS);
      contributions.push({
        handle,
        source: 'demo',
        externalId: `${handle}:${n}`,
        kind,
        title: titleFor(kind, topic, rng),
        url: `https://example.org/${handle}/${kind}/${n}`,
        occurredAt: `${date}T${String(rng.int(7, 20)).padStart(2, '0')}:${String(rng.int(0, 59)).padStart(2, '0')}:00Z`,
        reviewState: 'counted',
        metadata: { ...metadataFor(kind, rng), demoSource: SOURCE_OF[kind] ?? 'submission' },
      });
    }
    if (members.length % 9 === 0) {
      contributions.push({
        handle,
        source: 'demo',
        externalId: `${handle}:submitted`,
        kind: 'talk',
        title: `Talk: ${rng.pick(TOPICS)} at Meet Magento`,
        url: `https://example.org/${handle}/talk-submitted`,
        occurredAt: `${addDays(DEMO_END, -rng.int(1, 40))}T14:00:00Z`,
        reviewState: 'pending',
        evidenceUrl: `https://example.org/${handle}/slides.pdf`,
        metadata: {},
      });
    }
    if (members.length % 7 === 3) {
      contributions.push({
        handle,
        source: 'demo',
        externalId: `${handle}:association`,
        kind: 'associationMembership',
        title: 'Magento Association member',
        url: 'https://magento-opensource.com/',
        occurredAt: `${addDays('2026-02-01', rng.int(0, 60))}T09:00:00Z`,
        reviewState: 'counted',
        metadata: {},
      });
    }
  }
  return { members, contributions };
}

export async function loadDemo(db: Kysely<Database>, config: ProgramConfig): Promise<DemoOutcome> {
  const { members, contributions } = demoCommunity();
  return db.transaction().execute(async (trx) => {
    let created = false;
    const ids = new Map<string, number>();
    for (const member of members) {
      const existing = await trx
        .selectFrom('members')
        .select('id')
        .where(sql<string>`lower(handle)`, '=', member.handle)
        .executeTakeFirst();
      if (existing) {
        ids.set(member.handle, existing.id);
        continue;
      }
      created = true;
      const row = await trx
        .insertInto('members')
        .values({
          handle: member.handle,
          name: member.name,
          email: member.email,
          joined_at: member.joinedAt,
          country: member.country,
          company: member.company,
          is_staff: member.isStaff,
          is_bot: member.isBot,
          role: member.role,
          bio: `Magento developer from ${member.country}${member.company ? ` at ${member.company}` : ''}.`,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      ids.set(member.handle, row.id);
      await trx
        .insertInto('status_changes')
        .values({ member_id: row.id, to_status: 'registered', effective_on: member.joinedAt, actor: 'demo', reason: 'joined' })
        .execute();
      await trx
        .insertInto('identities')
        .values({
          member_id: row.id,
          platform: 'github',
          external_id: `${member.handle}-demo`,
          verified_at: new Date(`${member.joinedAt}T10:00:00Z`),
          verification_method: 'demo',
        })
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
    const result = await upsertContributions(
      trx,
      config,
      contributions.map(({ handle, ...contribution }) => ({ ...contribution, memberId: ids.get(handle)! })),
    );
    return { members: members.length, contributions: contributions.length, created: created || result.inserted > 0 };
  });
}

export async function isEmpty(db: Kysely<Database>): Promise<boolean> {
  const row = await db.selectFrom('members').select('id').limit(1).executeTakeFirst();
  return row === undefined;
}

export interface ShowcaseOutcome {
  admin: string | null;
  published: number | null;
  draft: number | null;
  submissions: number;
  changeRequested: string | null;
}

/**
 * What a newcomer should see on `npm start` beyond the community itself: an administrator
 * among the printed sign-ins, the 2025 awards published, a 2026 draft, submissions waiting
 * for review and one sent back with a change request. Run once, after loadDemo created the
 * community (serve --demo-if-empty and `ambassador demo`); idempotent by what it finds.
 */
export async function loadDemoShowcase(db: Kysely<Database>, config: ProgramConfig, now = new Date()): Promise<ShowcaseOutcome> {
  const { members } = demoCommunity();
  const today = toIsoDate(now);
  const outcome: ShowcaseOutcome = { admin: null, published: null, draft: null, submissions: 0, changeRequested: null };
  const first = members[0]!.handle;
  await db.updateTable('members').set({ role: 'admin' }).where(sql<string>`lower(handle)`, '=', first).where('role', '!=', 'admin').execute();
  outcome.admin = first;
  const people = await db
    .selectFrom('members')
    .select(['id', 'handle', 'role', 'joined_at'])
    .where(sql<string>`lower(handle)`, 'in', members.map((m) => m.handle))
    .orderBy('id')
    .execute();
  const manager = people.find((p) => p.role === 'manager');
  const submitters = people.filter((p) => p.role === 'ambassador').slice(3, 6);
  const date = (days: number) => addDays(today < DEMO_END ? today : DEMO_END, -days);
  const ideas = [
    { kind: 'talk', title: 'Talk: Hyvä checkout in production at Meet Magento NL', slug: 'mm-nl-talk' },
    { kind: 'pullRequestMerged', title: 'Merge request: fix GraphQL cart totals (GitLab)', slug: 'gitlab-mr' },
    { kind: 'mentoring', title: 'Mentoring two first-time contributors', slug: 'mentoring' },
  ];
  for (const [index, person] of submitters.entries()) {
    const idea = ideas[index]!;
    const url = `https://example.org/${person.handle}/${idea.slug}`;
    const existing = await db.selectFrom('contributions').select('id').where('member_id', '=', person.id).where('source', '=', 'submission').where('url', '=', url).executeTakeFirst();
    if (existing) continue;
    const row = await submitContribution(
      db,
      config,
      { memberId: person.id, kind: idea.kind, category: config.kinds[idea.kind]!.category, title: idea.title, url, date: maxDate(date(5 + index), person.joined_at), evidenceUrl: `https://example.org/${person.handle}/${idea.slug}/evidence` },
      `web:${person.handle}`,
      today,
    );
    outcome.submissions += 1;
    if (index === 0 && manager) {
      await requestChanges(db, config, row.id, 'Please add the link to the recording or the slides, and check the date: the programme says 14 November.', { id: manager.id, actor: `web:${manager.handle}` });
      outcome.changeRequested = person.handle;
    }
  }
  const published = await publishedSnapshot(db, 2025);
  if (!published && today > '2025-12-31') {
    await computeAwardDraft(db, config, 2025, 'demo', { today });
    outcome.published = (await publishAwards(db, 2025, 'demo', { now })).revision;
  }
  const draft = await computeAwardDraft(db, config, 2026, 'demo', { today, earlyReason: 'a demo draft, to look at before the cycle ends' });
  outcome.draft = draft.snapshot.status === 'draft' ? draft.snapshot.revision : null;
  return outcome;
}
