// What people carry their recognition away in: a share card (OpenGraph PNG) per award and per
// ambassador, a printable certificate (PDF) per award, and an Open Badges 3.0 credential
// (VC-JWT) per award and for an active status; the issuer's profile and its public keys so
// anyone can verify them. Every file is derived from published facts, so it is cacheable.
import { createHmac } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isCategory } from '../../domain/categories.js';
import { isActiveStatus } from '../../domain/status.js';
import { buildAchievementCredential, issuerProfile } from '../../credentials/open-badges.js';
import { issuerJwks, signCredential } from '../../credentials/issuer-key.js';
import { getOrCreateSecret } from '../../store/secrets.js';
import { memberStatuses } from '../../store/statuses.js';
import { findMember } from '../../store/members.js';
import { handleAlias } from '../../store/member-console.js';
import type { Member } from '../../store/schema.js';
import { snapshotResults, type MemberAward } from '../../store/awards.js';
import type { WebContext } from '../context.js';
import { notFound } from '../errors.js';
import { paramsOf, type Route } from '../routing.js';
import { categoryColor } from '../views/charts.js';
import { formatDate } from '../views/components.js';
import { renderShareCard, type ShareCard } from '../share/card.js';
import { renderCertificate } from '../share/certificate.js';
import { awardOf, awardPath, awardWinner, movedAwardAddress, publishedYear } from './awards.js';
import { publicStatus } from './privacy.js';

const TOP_ACCENT = '#c2410c';

function accentOf(key: string): string {
  return isCategory(key) ? categoryColor(key) : TOP_ACCENT;
}

function rgbOf(hex: string) {
  const n = Number.parseInt(hex.slice(1), 16);
  return { r: ((n >> 16) & 255) / 255, g: ((n >> 8) & 255) / 255, b: (n & 255) / 255 };
}

async function sendPng(request: FastifyRequest, reply: FastifyReply, card: ShareCard) {
  const rendered = await renderShareCard(card);
  reply.header('etag', rendered.etag).header('cache-control', 'public, max-age=3600, stale-while-revalidate=86400');
  if (request.headers['if-none-match'] === rendered.etag) return reply.code(304).send();
  return reply.type('image/png').send(rendered.png);
}

function host(context: WebContext): string {
  return context.baseUrl.replace(/^https?:\/\//, '');
}

export function awardCard(context: WebContext, member: Member, award: MemberAward): ShareCard {
  return {
    eyebrow: `${context.config.program.name} · Ambassador Awards ${award.year}`,
    headline: member.name,
    title: award.key === 'top' ? `${award.title}, rank ${award.rank}` : award.title,
    body: award.citation.replace(/^[^:]*:\s*/, ''),
    footer: `${host(context)}${awardPath(award.year, member.handle)}`,
    accent: accentOf(award.key),
  };
}

async function recipientSalt(context: WebContext, memberId: number): Promise<string> {
  const secret = await getOrCreateSecret(context.db, 'openbadges.salt');
  return createHmac('sha256', secret).update(String(memberId)).digest('hex').slice(0, 16);
}

async function awardCredential(context: WebContext, member: Member, award: MemberAward) {
  const path = awardPath(award.year, member.handle, award.key);
  const base = context.baseUrl;
  const issuer = issuerProfile(base, context.config.program.name, context.config.program.associationUrl);
  const snapshot = await publishedYear(context, String(award.year));
  const cycle = snapshotResults(snapshot).cycle;
  const issuedAt = award.publishedAt ?? new Date(`${cycle.end}T23:59:59Z`);
  return buildAchievementCredential({
    id: `${base}${path}/credential`,
    issuer,
    name: `${award.title}: ${member.name}`,
    description: award.citation,
    achievement: {
      id: `${base}/awards/${award.year}#${award.key === 'top' ? 'top-ambassadors' : `category-${award.key}`}`,
      name: award.title,
      description: award.key === 'top'
        ? `One of the Top Ambassadors of ${award.year}: the ambassadors with the most counted contributions to the Magento ecosystem over the award cycle.`
        : `The ambassador with the most counted ${award.key} contributions to the Magento ecosystem in ${award.year}.`,
      criteria: `Ranked from a frozen snapshot of the counted contributions of ${cycle.start} to ${cycle.end} under the published rules (rules version ${snapshot.rules_version}, input hash ${snapshot.input_hash}).`,
      criteriaUrl: `${base}/scoring`,
      achievementType: 'Award',
      image: `${base}${path}/card.png`,
      tags: ['Magento', 'Ambassador Awards', String(award.year)],
    },
    recipient: { profileUrl: `${base}/ambassadors/${member.handle}`, email: member.email, salt: await recipientSalt(context, member.id) },
    narrative: award.citation,
    activity: { start: cycle.start, end: cycle.end },
    issuedAt,
    awardedAt: issuedAt,
    image: `${base}${path}/card.png`,
  });
}

async function statusCredential(context: WebContext, member: Member) {
  const [status] = await memberStatuses(context.db, context.config, context.today(), { memberIds: [member.id] });
  if (member.state !== 'registered' || !status || !isActiveStatus(status.status) || !status.activeUntil) {
    throw notFound(`@${member.handle} is not an active ambassador today, so there is no status credential`);
  }
  const base = context.baseUrl;
  const issuer = issuerProfile(base, context.config.program.name, context.config.program.associationUrl);
  const since = status.lastContributionAt && status.lastContributionAt > member.joined_at ? status.lastContributionAt : member.joined_at;
  return buildAchievementCredential({
    id: `${base}/ambassadors/${member.handle}/credential/${since}`,
    issuer,
    name: `Active Magento Ambassador: ${member.name}`,
    description: `${member.name} is an active Magento Ambassador until ${status.activeUntil}.`,
    achievement: {
      id: `${base}/scoring#status`,
      name: 'Active Magento Ambassador',
      description: `An ambassador of the ${context.config.program.name} with a counted contribution in the last ${context.config.activity.windowMonths} months.`,
      criteria: `At least one counted contribution every ${context.config.activity.windowMonths} months.`,
      criteriaUrl: `${base}/scoring`,
      achievementType: 'Membership',
      image: `${base}/ambassadors/${member.handle}/card.png`,
      tags: ['Magento', 'Ambassador'],
    },
    recipient: { profileUrl: `${base}/ambassadors/${member.handle}`, email: member.email, salt: await recipientSalt(context, member.id) },
    issuedAt: new Date(`${since}T00:00:00Z`),
    expiresAt: new Date(`${status.activeUntil}T23:59:59Z`),
  });
}

async function publicMember(context: WebContext, handle: string): Promise<Member> {
  const member = await findMember(context.db, handle);
  if (!member || member.state === 'withdrawn') throw notFound(`no ambassador with the handle "${handle.slice(0, 40)}"`);
  return member;
}

/** The member of a per-handle file, or where it moved (the same file under the current handle) when `handle` is a former one. */
async function memberOrMoved(context: WebContext, handle: string, file: string): Promise<Member | { movedTo: string }> {
  if (!(await findMember(context.db, handle))) {
    const current = await handleAlias(context.db, handle);
    if (current) return { movedTo: `/ambassadors/${current}/${file}` };
  }
  return publicMember(context, handle);
}

export function recognitionFileRoutes(context: WebContext): Route[] {
  async function award(request: FastifyRequest) {
    const params = paramsOf(request);
    const snapshot = await publishedYear(context, params.year);
    const { member, awards } = await awardWinner(context, snapshot, params.handle ?? '');
    return { member, award: awardOf(awards, params.award ?? '') };
  }
  return [
    {
      method: 'GET',
      url: '/awards/:year/:handle/:award/card.png',
      access: 'anyone',
      kind: 'page',
      summary: 'share card (OpenGraph PNG) of an award',
      handler: async (request, reply) => {
        const params = paramsOf(request);
        const moved = await movedAwardAddress(context, params.year, params.handle ?? '', `/${encodeURIComponent(params.award ?? '')}/card.png`);
        if (moved) return reply.code(301).header('location', moved).send();
        const { member, award: won } = await award(request);
        return sendPng(request, reply, awardCard(context, member, won));
      },
    },
    {
      method: 'GET',
      url: '/awards/:year/:handle/:award/certificate.pdf',
      access: 'anyone',
      kind: 'page',
      summary: 'printable certificate (PDF) of an award',
      handler: async (request, reply) => {
        const params = paramsOf(request);
        const moved = await movedAwardAddress(context, params.year, params.handle ?? '', `/${encodeURIComponent(params.award ?? '')}/certificate.pdf`);
        if (moved) return reply.code(301).header('location', moved).send();
        const { member, award: won } = await award(request);
        const pdf = await renderCertificate({
          program: context.config.program.name,
          name: member.name,
          title: won.key === 'top' ? `${won.title} (rank ${won.rank})` : won.title,
          citation: won.citation,
          dateLine: `Ambassador Awards ${won.year}${won.publishedAt ? `, published ${formatDate(won.publishedAt)}` : ''}`,
          verifyUrl: `${context.baseUrl}${awardPath(won.year, member.handle)}`,
          accent: rgbOf(accentOf(won.key)),
        });
        reply.header('content-disposition', `inline; filename="${won.year}-${won.key}-${member.handle}-certificate.pdf"`).header('cache-control', 'public, max-age=3600');
        return reply.type('application/pdf').send(Buffer.from(pdf));
      },
    },
    {
      method: 'GET',
      url: '/awards/:year/:handle/:award/credential.jwt',
      access: 'anyone',
      kind: 'page',
      summary: 'Open Badges 3.0 credential (VC-JWT) of an award',
      handler: async (request, reply) => {
        const params = paramsOf(request);
        const moved = await movedAwardAddress(context, params.year, params.handle ?? '', `/${encodeURIComponent(params.award ?? '')}/credential.jwt`);
        if (moved) return reply.code(301).header('location', moved).send();
        const { member, award: won } = await award(request);
        const jwt = await signCredential(context.db, await awardCredential(context, member, won));
        reply.header('content-disposition', `attachment; filename="${won.year}-${won.key}-${member.handle}.jwt"`).header('cache-control', 'public, max-age=3600');
        return reply.type('application/vc+ld+json+jwt').send(jwt);
      },
    },
    {
      method: 'GET',
      url: '/ambassadors/:handle/card.png',
      access: 'anyone',
      kind: 'page',
      summary: "share card (OpenGraph PNG) of an ambassador's profile",
      handler: async (request, reply) => {
        const member = await memberOrMoved(context, paramsOf(request).handle ?? '', 'card.png');
        if ('movedTo' in member) return reply.code(301).header('location', member.movedTo).send();
        const [status] = await memberStatuses(context.db, context.config, context.today(), { memberIds: [member.id] });
        const shown = status ? publicStatus(context, status.status) : 'inactive';
        return sendPng(request, reply, {
          eyebrow: context.config.program.name,
          headline: member.name,
          title: isActiveStatus(shown) && status?.activeUntil ? 'Active Magento Ambassador' : 'Magento Ambassador',
          body: isActiveStatus(shown) && status?.activeUntil ? `Active until ${formatDate(status.activeUntil)}. Ambassador since ${formatDate(member.joined_at)}.` : `Ambassador since ${formatDate(member.joined_at)}.`,
          footer: `${host(context)}/ambassadors/${member.handle}`,
          accent: TOP_ACCENT,
        });
      },
    },
    {
      method: 'GET',
      url: '/ambassadors/:handle/credential.jwt',
      access: 'anyone',
      kind: 'page',
      summary: "Open Badges 3.0 credential (VC-JWT) of an ambassador's active status",
      handler: async (request, reply) => {
        const member = await memberOrMoved(context, paramsOf(request).handle ?? '', 'credential.jwt');
        if ('movedTo' in member) return reply.code(301).header('location', member.movedTo).send();
        const jwt = await signCredential(context.db, await statusCredential(context, member));
        reply.header('content-disposition', `attachment; filename="${member.handle}-active-ambassador.jwt"`).header('cache-control', 'private, max-age=300');
        return reply.type('application/vc+ld+json+jwt').send(jwt);
      },
    },
    {
      method: 'GET',
      url: '/share/program.png',
      access: 'anyone',
      kind: 'page',
      summary: "the program's share card",
      handler: async (request, reply) =>
        sendPng(request, reply, {
          eyebrow: 'Magento Open Source community',
          headline: context.config.program.name,
          title: 'The people who build the Magento ecosystem',
          body: 'Code, content, events, documentation, education and community leadership: tracked, scored with open rules and celebrated every year with the Ambassador Awards.',
          footer: host(context),
          accent: TOP_ACCENT,
        }),
    },
    {
      method: 'GET',
      url: '/.well-known/jwks.json',
      access: 'anyone',
      kind: 'api',
      summary: 'public keys that verify the Open Badges credentials',
      handler: async (_request, reply) => {
        return reply.header('cache-control', 'public, max-age=3600').type('application/jwk-set+json').send(JSON.stringify(await issuerJwks(context.db)));
      },
    },
    {
      method: 'GET',
      url: '/openbadges/issuer',
      access: 'anyone',
      kind: 'api',
      summary: 'Open Badges issuer profile',
      handler: async (_request, reply) => {
        const profile = { '@context': ['https://www.w3.org/2018/credentials/v1', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json'], ...issuerProfile(context.baseUrl, context.config.program.name, context.config.program.associationUrl) };
        return reply.header('cache-control', 'public, max-age=3600').type('application/ld+json').send(JSON.stringify(profile));
      },
    },
  ];
}
