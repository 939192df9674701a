// A realistic community of 60 members (and one who asked to be erased) with work on every
// platform the program reads, as plain data, plus the loopback servers that serve it in the
// shape of each real API. Some identities are unverified; some of what the servers hold must
// not count (bots, outsiders, off-topic posts, a non-Magento package, future events). The
// test derives its expectations from this data on its own; nothing here says what counts.

import type { Platform } from '../../src/domain/identities.js';
import { communityGithub, type CommunityGithub, type GithubPerson } from './community-github.js';
import { startFakeDiscourse, type FakeAction } from './discourse.js';
import { calendarIcs, feedContentType, feedXml, type CalendarEvent, type FeedDocument, type FeedPost } from './documents.js';
import { startFakeGithub } from './github.js';
import { startFakePackagist, version, type FakePackage } from './packagist.js';
import { startFakeServer, type FakeReply, type FakeServer } from './server.js';
import { startFakeStackExchange, type FakeAnswer, type StackExchangeFixtures } from './stackexchange.js';

export const COMMUNITY_NOW = new Date('2026-01-15T12:00:00Z');

export interface CommunityIdentity {
  platform: Platform;
  /** GitHub login, SE user id, dev.to user, Packagist vendor, Discourse username, or a path on the feeds/calendars server. */
  value: string;
  verified: boolean;
}

export interface CommunityMember {
  index: number;
  handle: string;
  name: string;
  identities: CommunityIdentity[];
  /** Registered, linked, then erased before any sync. */
  erased: boolean;
}

export interface Community {
  members: CommunityMember[];
  github: CommunityGithub;
  stackexchange: StackExchangeFixtures;
  /** Served by the feeds server at these paths (dev.to feeds at /feed/{user}). */
  feeds: Record<string, FeedDocument>;
  discourse: FakeAction[];
  packagist: FakePackage[];
  calendars: Record<string, { name: string; events: CalendarEvent[] }>;
  highlights: { answers: Record<string, number>; crossPost: string };
}

const NAMES = (
  'anna bartek carla dmitri elif fabian greta hiro ines jonas kavya lukas maria nikolai olga pavel ' +
  'quentin rosa sanjay tomas ursula vikram wen xavier yusuf zofia adrien bianca chen dario emma felipe ' +
  'gosia hannah igor jana kenji lars mehmet nora oskar priya rafael sofia timo uma vlad willem ximena ' +
  'yara zane alba boris celine daan eva finn gabor helga ivan'
).split(' ');

const capital = (text: string) => text[0]!.toUpperCase() + text.slice(1);

/** GitHub logins as people pick them; the identity is sometimes typed in another case. */
function githubLogin(index: number, handle: string): { login: string; typed: string } {
  const forms = [capital(handle), `${handle}-dev`, `${handle}m2`, `${capital(handle)}-Dev`, `${handle}${index}`];
  const login = forms[index % 5]!;
  return { login, typed: index % 5 === 3 ? login.toLowerCase() : login };
}

/** Who is on which platform, by member number. */
function identitiesOf(index: number, handle: string): CommunityIdentity[] {
  const id = (platform: Platform, value: string, verified = true): CommunityIdentity => ({ platform, value, verified });
  const out: CommunityIdentity[] = [];
  if (index < 44) out.push(id('github', githubLogin(index, handle).typed, index % 9 !== 4));
  if (index >= 16 && index < 40) out.push(id('stackexchange', String(seUserId(index)), index !== 25));
  if (index === 30) out.push(id('feed', `/${handle}/feed/`), id('devto', `${handle}_codes`));
  if (index === 31) out.push(id('feed', `/${handle}/feed.xml`));
  if (index === 32) out.push(id('feed', `/${handle}/index.rdf`));
  if (index === 33) out.push(id('feed', `/feeds/videos.xml?channel_id=UC${handle}0channel`));
  if (index >= 34 && index < 42) out.push(id('feed', `/${handle}/feed/`, index !== 35));
  if (index >= 36) out.push(id('discourse', index === 41 ? capital(handle) : handle, index !== 44));
  if (index === 42) out.push(id('packagist', `${handle}-commerce`));
  if (index === 43) out.push(id('packagist', `${handle}m2`));
  if (index === 45) out.push(id('packagist', `${handle}-ext`, false));
  if (index >= 50 && index < 53) out.push(id('ical', `/${handle}/events.ics`, index !== 52));
  return out;
}

const seUserId = (index: number) => 1000 + index * 37;

function communityMembers(): CommunityMember[] {
  const members = NAMES.map((handle, index) => ({ index, handle, name: capital(handle), identities: identitiesOf(index, handle), erased: false }));
  const erased: CommunityMember = {
    index: 60,
    handle: 'walter',
    name: 'Walter',
    erased: true,
    identities: [
      { platform: 'github', value: 'walter-w', verified: true },
      { platform: 'stackexchange', value: '4242', verified: true },
      { platform: 'feed', value: '/walter/feed/', verified: true },
    ],
  };
  return [...members, erased];
}

function githubPeople(members: CommunityMember[]): CommunityGithub {
  const person = (index: number): GithubPerson => ({ index, login: githubLogin(index, members[index]!.handle).login });
  const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => person(from + i));
  return communityGithub({
    maintainer: person(0),
    docsReviewer: person(1),
    contributors: range(1, 44),
    mageOs: range(20, 30),
    docWriters: range(8, 20),
    discoverers: { own: person(2), composerOnly: person(3), reviewer: person(7), unverified: person(13) },
    erasedLogin: 'walter-w',
  });
}

const epoch = (iso: string) => Math.floor(Date.parse(iso) / 1000);
const QUESTIONS = ['get the current store in a plugin', 'add a custom column to the order grid', 'fix "Area code is not set"', 'debug a slow reindex', 'override a core template in Hyvä', 'add a product attribute with a data patch'];

/** Answers of the 24 people on Magento Stack Exchange, a busy day over the daily cap among them. */
function stackExchangeAnswers(members: CommunityMember[]): { fixtures: StackExchangeFixtures; highlights: Record<string, number> } {
  const answers: FakeAnswer[] = [];
  const users: StackExchangeFixtures['users'] = { 4242: { displayName: 'Walter' }, 555: { displayName: 'Someone else' } };
  let c = 0;
  const add = (userId: number, creationDate: number, more: Partial<FakeAnswer> = {}) => {
    answers.push({ answerId: 7_100_000 + c, questionId: 370_000 + c * 3, userId, title: `How to ${QUESTIONS[c % QUESTIONS.length]}?`, creationDate, score: (c % 7) - 1, accepted: c % 3 === 0, ...more });
    c += 1;
    return answers.at(-1)!.answerId;
  };
  for (const member of members.filter((m) => m.index >= 16 && m.index < 40)) {
    const userId = seUserId(member.index);
    users[userId] = { displayName: member.name };
    for (let k = 0; k < 3 + (member.index % 4); k += 1) add(userId, epoch('2025-03-01T08:00:00Z') + c * 2 * 86_400 + member.index * 60);
  }
  const busy = seUserId(17);
  for (let hour = 8; hour < 20; hour += 1) add(busy, epoch(`2025-11-05T${String(hour).padStart(2, '0')}:15:00Z`), { score: 1, accepted: false });
  const highlights = {
    acceptedScore3: add(seUserId(18), epoch('2025-12-02T09:00:00Z'), { score: 3, accepted: true }),
    acceptedScore14: add(seUserId(18), epoch('2025-12-09T09:00:00Z'), { score: 14, accepted: true }),
    overCap: answers.filter((a) => a.userId === busy).at(-1)!.answerId,
  };
  add(4242, epoch('2025-12-03T09:00:00Z'), { score: 5 });
  add(555, epoch('2025-12-04T09:00:00Z'), { score: 2 });
  return { fixtures: { answers, users }, highlights };
}

/** New topics and replies on the forum; one member pages past 30 actions; a moderator who is not a member. */
function forumActions(members: CommunityMember[]): FakeAction[] {
  const actions: FakeAction[] = [];
  let c = 0;
  const add = (username: string, type: 4 | 5) => {
    const createdAt = new Date(Date.parse('2025-09-01T07:00:00Z') + c * 13 * 3_600_000).toISOString();
    actions.push({ type, topicId: 5000 + c, postNumber: type === 4 ? 1 : 2 + (c % 9), title: type === 4 ? `Mage-OS meetup #${c}: slides and notes` : `Re: indexer stuck in "processing" (${c})`, createdAt, username });
    c += 1;
  };
  for (const member of members.filter((m) => m.index >= 36 && !m.erased)) {
    const username = member.identities.find((i) => i.platform === 'discourse')!.value.toLowerCase();
    for (let k = 0; k < member.index % 3; k += 1) add(username, 4);
    for (let k = 0; k < (member.index === 40 ? 38 : 1 + (member.index % 5)); k += 1) add(username, 5);
  }
  add('moderator-kim', 4);
  add('moderator-kim', 5);
  return actions;
}

/** Three vendors' packages: Magento modules and a theme with stable and unstable versions, and a plain PHP library. */
function packages(members: CommunityMember[]): FakePackage[] {
  const [full, requiresOnly, unverified] = [42, 43, 45].map((i) => members[i]!.identities.find((id) => id.platform === 'packagist')!.value);
  const at = (day: string) => `${day}T10:15:00+00:00`;
  const pkg = (name: string, versions: [string, string][], extra: Record<string, unknown> = {}): FakePackage => ({
    name,
    versions: versions.map(([v, day]) => version(name, v, at(day), extra)),
  });
  return [
    pkg(`${full}/module-gift-card`, [['2.1.0', '2025-12-01'], ['2.0.0', '2025-10-02'], ['2.0.0-RC1', '2025-09-10'], ['1.4.2', '2025-03-03']]),
    pkg(`${full}/theme-frontend-clean`, [['1.0.0', '2025-11-11']], { type: 'magento2-theme', require: { 'magento/theme-frontend-luma': '*' } }),
    pkg(`${full}/php-money`, [['3.2.0', '2025-12-01'], ['3.1.0', '2025-03-03']], { type: 'library', require: { php: '>=8.1' }, keywords: ['money'] }),
    pkg(`${requiresOnly}/magento2-module-seo`, [['1.3.0', '2025-10-02'], ['1.2.0', '2025-03-03']], { type: undefined, require: { 'magento/framework': '^103.0', 'magento/module-catalog': '^104.0' } }),
    pkg(`${unverified}/module-order-notes`, [['0.9.0', '2025-11-11']]),
  ];
}

const MAGENTO_POSTS = [
  { title: 'Declarative schema in <b>Magento 2</b> & you', categories: ['PHP'], summary: 'How to use db_schema.xml and whitelists.' },
  { title: 'Building Hyvä themes faster', categories: ['Frontend'], summary: 'Tailwind everywhere.' },
  { title: 'What is new in Mage-OS 1.1', categories: ['Releases'], summary: 'Faster setup:di:compile and more.' },
  { title: 'Tagged only', categories: ['Adobe-Commerce'], summary: 'A short note.' },
  { title: 'Profiling checkout with Blackfire', categories: ['magento2'], summary: 'Where the time goes.' },
];
const OTHER_POSTS = [
  { title: 'My holiday in Lisbon', categories: ['Travel'], summary: 'Sun and sea.' },
  { title: 'Sourdough starter notes', categories: ['Food'], summary: 'Flour, water, patience.' },
  { title: 'Rust lifetimes for PHP developers', categories: ['rust'], summary: 'Borrowing explained.' },
];

function post(site: string, slug: string, publishedAt: string, base: { title: string; categories: string[]; summary: string }, magento: boolean): FeedPost {
  return { ...base, link: `${site}/${publishedAt.slice(0, 7).replace('-', '/')}/${slug}`, publishedAt, magento };
}

/** Blogs, dev.to, Atom, RDF and a YouTube channel; Emma cross-posts one article to dev.to. */
function communityFeeds(members: CommunityMember[]): { feeds: Record<string, FeedDocument>; crossPost: string } {
  const feeds: Record<string, FeedDocument> = {};
  const weekly = (i: number) => new Date(Date.parse('2025-09-01T09:30:00Z') + i * 8 * 86_400_000).toISOString().replace('.000Z', 'Z');
  for (const member of members.filter((m) => m.identities.some((i) => i.platform === 'feed'))) {
    const identity = member.identities.find((i) => i.platform === 'feed')!;
    const site = `https://${member.handle}.example`;
    const format: FeedDocument['format'] = { 31: 'atom', 32: 'rdf', 33: 'youtube' }[member.index] as FeedDocument['format'] ?? 'wordpress';
    // A YouTube feed carries no categories: its Magento videos say so in their titles.
    const topic = (k: number) => (format === 'youtube' ? MAGENTO_POSTS[k]! : MAGENTO_POSTS[(member.index + k) % MAGENTO_POSTS.length]!);
    const posts = [0, 1, 2].map((k) => post(site, `${member.handle}-${k}`, weekly(member.index % 7 + k), topic(k), true));
    posts.push(post(site, `${member.handle}-other`, weekly(member.index % 7 + 3), OTHER_POSTS[member.index % OTHER_POSTS.length]!, false));
    if (format === 'youtube') {
      posts.forEach((p, k) => (p.link = `https://youtube.com/watch?v=${member.handle}Vid${k}`));
      feeds[identity.value] = { format, title: `${member.name} Codes`, site: `https://www.youtube.com/channel/UC${member.handle}0channel`, posts };
    } else {
      feeds[identity.value] = { format, title: `${member.name}'s blog`, site, posts: posts.reverse() };
    }
  }
  const emma = members.find((m) => m.index === 30)!;
  const blog = feeds[`/${emma.handle}/feed/`]!;
  const crossPosted = blog.posts.find((p) => p.magento)!;
  const devtoUser = `${emma.handle}_codes`;
  feeds[`/feed/${devtoUser}`] = {
    format: 'devto',
    title: emma.name,
    site: `https://dev.to/${devtoUser}`,
    posts: [
      { ...crossPosted, link: `https://dev.to/${devtoUser}/cross-post-1k2j`, publishedAt: '2026-01-09T10:00:00Z', categories: ['magento', 'php'] },
      { title: 'Five Magento CLI commands I use every day', link: `https://dev.to/${devtoUser}/cli-3f9a`, publishedAt: '2026-01-12T10:00:00Z', categories: ['magento', 'cli'], summary: 'bin/magento tips.', magento: true },
      { title: 'Rust lifetimes for PHP developers', link: `https://dev.to/${devtoUser}/rust-8c1d`, publishedAt: '2026-01-13T10:00:00Z', categories: ['rust', 'php'], summary: 'Borrowing explained.', magento: false },
    ],
  };
  return { feeds, crossPost: crossPosted.title };
}

/** A monthly meetup series with past and future dates, conferences, a cancelled workshop. */
function communityCalendars(members: CommunityMember[]): Community['calendars'] {
  const [yara, zane, alba] = [50, 51, 52].map((i) => members[i]!);
  return {
    [`/${yara!.handle}/events.ics`]: {
      name: 'Mage-OS Meetup Amsterdam',
      events: [
        { uid: 'mageos-ams-monthly@meetup.example', summary: 'Mage-OS Meetup Amsterdam', start: '2025-10-09T17:00:00Z', durationHours: 3, monthlyCount: 6, location: 'Amsterdam, NL', url: 'https://meetup.example/mage-os-ams/' },
        { uid: 'hackathon-2025@meetup.example', summary: 'Magento Contribution Day', start: '2025-11-20T09:00:00Z', durationHours: 8, location: 'Utrecht, NL' },
        { uid: 'mm-pl-2026@meetup.example', summary: 'Meet Magento Poland 2026', start: '2026-03-10T08:00:00Z', durationHours: 10 },
      ],
    },
    [`/${zane!.handle}/events.ics`]: {
      name: 'Hyvä community events',
      events: [
        { uid: 'hyva-meetup-berlin@events.example', summary: 'Hyvä Meetup Berlin', start: '2025-06-12T16:00:00Z', durationHours: 4, location: 'Berlin, DE' },
        { uid: 'hyva-workshop-cancelled@events.example', summary: 'Hyvä checkout workshop', start: '2025-12-04T09:00:00Z', durationHours: 6, cancelled: true },
        { uid: 'hyva-online-q4@events.example', summary: 'Hyvä online Q&A', start: '2025-12-18T15:00:00Z', durationHours: 1, url: 'https://events.example/hyva-qa' },
        { uid: 'hyva-meetup-2026@events.example', summary: 'Hyvä Meetup 2026', start: '2026-02-19T16:00:00Z', durationHours: 4 },
      ],
    },
    [`/${alba!.handle}/events.ics`]: {
      name: 'Magento Barcelona',
      events: [
        { uid: 'm2-bcn-dec@bcn.example', summary: 'Magento Barcelona December meetup', start: '2025-12-11T18:00:00Z', durationHours: 2, location: 'Barcelona, ES' },
        { uid: 'm2-bcn-feb@bcn.example', summary: 'Magento Barcelona February meetup', start: '2026-02-12T18:00:00Z', durationHours: 2 },
      ],
    },
  };
}

export function buildCommunity(): Community {
  const members = communityMembers();
  const { fixtures, highlights: answers } = stackExchangeAnswers(members);
  const { feeds, crossPost } = communityFeeds(members);
  const erased = members.find((m) => m.erased)!;
  feeds['/walter/feed/'] = { format: 'wordpress', title: "Walter's blog", site: 'https://walter.example', posts: [post('https://walter.example', 'magento-upgrade', '2025-12-01T10:00:00Z', MAGENTO_POSTS[0]!, true)] };
  return {
    members,
    github: githubPeople(members.filter((m) => m !== erased)),
    stackexchange: fixtures,
    feeds,
    discourse: forumActions(members),
    packagist: packages(members),
    calendars: communityCalendars(members),
    highlights: { answers, crossPost },
  };
}

export interface CommunityServers {
  github: FakeServer;
  stackexchange: FakeServer;
  /** Blogs, dev.to, YouTube and the calendars. */
  documents: FakeServer;
  discourse: FakeServer;
  packagist: FakeServer;
  /** What a member links for this identity: a login, an id, or a URL on the fakes. */
  externalId(identity: CommunityIdentity): string;
  close(): Promise<void>;
}

export async function startCommunityServers(community: Community): Promise<CommunityServers> {
  const github = await startFakeGithub(community.github.fixtures);
  const stackexchange = await startFakeStackExchange(community.stackexchange);
  const discourse = await startFakeDiscourse(community.discourse);
  const packagist = await startFakePackagist(community.packagist);
  const documents = await startFakeServer((req): FakeReply => {
    const key = req.path + (req.query.size > 0 ? `?${req.query}` : '');
    const feed = community.feeds[key];
    if (feed) return { body: feedXml(feed), headers: { 'content-type': feedContentType(feed.format), 'last-modified': new Date(feed.posts[0]!.publishedAt).toUTCString() } };
    const calendar = community.calendars[key];
    if (calendar) return { body: calendarIcs(calendar.name, calendar.events), headers: { 'content-type': 'text/calendar; charset=utf-8' } };
    return { status: 404, body: 'Not Found', headers: { 'content-type': 'text/plain' } };
  });
  const externalId = (identity: CommunityIdentity) => {
    if (identity.platform === 'feed' || identity.platform === 'ical') return `${documents.url}${identity.value}`;
    if (identity.platform === 'discourse') return `${discourse.url}:${identity.value}`;
    return identity.value;
  };
  const servers = [github, stackexchange, documents, discourse, packagist];
  return { github, stackexchange, documents, discourse, packagist, externalId, close: async () => void (await Promise.all(servers.map((s) => s.close()))) };
}
