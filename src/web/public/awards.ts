// The published Ambassador Awards: every year's announcement (the Top Ambassadors with their
// citations, the category winners, how many ambassadors were recognised, who was not eligible
// and why, and the provenance: revision, rules version, input hash and the snapshot itself)
// and each winner's award page with the share card, certificate and Open Badges credential.
import { CATEGORIES, CATEGORY_LABELS, isCategory } from '../../domain/categories.js';
import { pointsText, type AwardResults } from '../../domain/awards.js';
import { awardsInSnapshot, listSnapshots, publishedSnapshot, snapshotResults, type AwardKey, type MemberAward } from '../../store/awards.js';
import { findMember } from '../../store/members.js';
import { handleAlias } from '../../store/member-console.js';
import type { AwardSnapshotRow, Member } from '../../store/schema.js';
import type { WebContext } from '../context.js';
import { notFound } from '../errors.js';
import { html, type Html } from '../html.js';
import { scoresVisibleTo } from '../queries/public.js';
import { page, paramsOf, type Route } from '../routing.js';
import { emptyState, time } from '../views/components.js';

export interface AnnouncementOptions {
  showPoints: boolean;
  /** The console's preview of a draft: no links to award pages that do not exist yet. */
  preview?: boolean;
  snapshot?: AwardSnapshotRow;
  /** The page is the announcement: its title is the page's h1. */
  standalone?: boolean;
}

/** A published year's snapshot, or a 404 that says which years there are. */
export async function publishedYear(context: WebContext, yearText: string | undefined): Promise<AwardSnapshotRow> {
  const year = /^\d{4}$/.test(yearText ?? '') ? Number(yearText) : NaN;
  const snapshot = Number.isInteger(year) ? await publishedSnapshot(context.db, year) : undefined;
  if (snapshot) return snapshot;
  const years = (await listSnapshots(context.db)).filter((s) => s.status === 'published').map((s) => s.year);
  throw notFound(
    `No Ambassador Awards are published for ${String(yearText).slice(0, 20)}. ${years.length ? `Published years: ${years.join(', ')}.` : 'None are published yet.'}`,
  );
}

/** The member behind an award page, and their awards of that year (404 when they won none). */
export async function awardWinner(context: WebContext, snapshot: AwardSnapshotRow, handle: string): Promise<{ member: Member; awards: MemberAward[] }> {
  const member = await findMember(context.db, handle);
  const awards = member && member.state !== 'withdrawn' ? awardsInSnapshot(snapshot, member.id) : [];
  if (!member || awards.length === 0) throw notFound(`@${handle.slice(0, 40)} is not among the winners of the ${snapshot.year} awards`);
  return { member, awards };
}

/**
 * Where an award address moved when its handle is a former one (changed in the console): the
 * same address with the current handle in its place. null when the handle is current or unknown.
 */
export async function movedAwardAddress(context: WebContext, year: string | undefined, handle: string, rest = ''): Promise<string | null> {
  if (!/^\d{4}$/.test(year ?? '') || (await findMember(context.db, handle))) return null;
  const current = await handleAlias(context.db, handle);
  return current ? `/awards/${year}/${current}${rest}` : null;
}

export function awardOf(awards: MemberAward[], key: string): MemberAward {
  const award = awards.find((a) => a.key === key);
  if (!award) throw notFound(`no such award: "${key.slice(0, 40)}"`);
  return award;
}

export function awardPath(year: number, handle: string, key?: AwardKey): string {
  return `/awards/${year}/${handle}${key ? `/${key}` : ''}`;
}

function heading(level: 2 | 3, id: string | null, text: string): Html {
  const idAttr = id ? html` id="${id}"` : '';
  return level === 2 ? html`<h2${idAttr}>${text}</h2>` : html`<h3${idAttr}>${text}</h3>`;
}

function provenance(results: AwardResults, snapshot: AwardSnapshotRow | undefined, level: 2 | 3): Html {
  return html`<section class="card provenance" aria-labelledby="provenance-${results.year}">${heading(level, `provenance-${results.year}`, 'How these awards were made')}
    <p>From a frozen snapshot of the counted contributions of ${time(results.cycle.start)} to ${time(results.cycle.end)}${snapshot?.published_at ? html`, published ${time(snapshot.published_at)}` : ''}${snapshot ? `, revision ${snapshot.revision}` : ''}.</p>
    ${snapshot?.early_reason && snapshot.published_at && snapshot.published_at.toISOString().slice(0, 10) <= results.cycle.end
      ? html`<p class="meta">Published before the cycle ended (${snapshot.early_reason}); contributions of the remaining days are not in it.</p>`
      : ''}
    <dl class="facts">
      <div><dt>Rules version</dt><dd><code>${results.rulesVersions.join(', ')}</code></dd></div>
      <div><dt>Input hash (SHA-256)</dt><dd><code class="hash">${results.inputHash}</code></dd></div>
    </dl>
    ${snapshot ? html`<p><a href="/awards/${results.year}/snapshot.json" download>Download the snapshot (JSON)</a> · <a href="/scoring">How scoring works</a></p>` : ''}
  </section>`;
}

export function awardsAnnouncement(results: AwardResults, options: AnnouncementOptions): Html {
  const winners = CATEGORIES.filter((c) => results.categoryWinners[c]);
  const recognised = results.recognisedCount ?? results.eligibleCount;
  // An erased winner keeps the rank but no handle: their name shows as plain text, unlinked.
  const link = (handle: string, name: string) =>
    !handle ? html`<span class="former">${name}</span>` : options.preview ? html`<a href="/ambassadors/${handle}">${name}</a>` : html`<a href="${awardPath(results.year, handle)}">${name}</a>`;
  const level = options.standalone ? 2 : 3;
  const publicExcluded = results.ineligible.filter((e) => (e.kind === 'staff' || e.kind === 'bot' || e.reason === 'program staff') && (e.rank ?? Infinity) <= Math.max(results.topAmbassadors.length, 1) + results.ineligible.length);
  return html`<section class="announcement" aria-labelledby="awards-${results.year}">
    <p class="eyebrow">${options.preview ? 'Draft, not published' : 'Announcement'}</p>
    ${options.standalone ? html`<h1 id="awards-${results.year}">Ambassador Awards ${results.year}</h1>` : html`<h2 id="awards-${results.year}">Ambassador Awards ${results.year}</h2>`}
    <p class="lead">${recognised.toLocaleString('en-US')} ${recognised === 1 ? 'ambassador was' : 'ambassadors were'} recognised for their counted contributions between ${time(results.cycle.start)} and ${time(results.cycle.end)}.
      ${results.topAmbassadors.length ? `These ${results.topAmbassadors.length} made the most of the year` : 'No one was eligible for an award'}${winners.length ? ', and one ambassador led each category' : ''}.</p>
    ${results.topAmbassadors.length ? html`${heading(level, null, 'Top Ambassadors')}
    <ol class="winners">${results.topAmbassadors.map(
      (entry) => html`<li class="card winner">
        <span class="medal" aria-hidden="true">${entry.rank}</span>
        <div><p class="winner-name">${link(entry.handle, entry.name)} <span class="meta">${entry.handle ? `@${entry.handle} · ` : ''}rank ${entry.rank}</span>${options.showPoints ? html` <span class="pill">${pointsText(entry.points)}</span>` : ''}</p>
        <p class="citation">${entry.citation}</p></div>
      </li>`,
    )}</ol>` : ''}
    ${winners.length
      ? html`${heading(level, null, 'Category awards')}<ul class="category-winners">${winners.map((category) => {
          const entry = results.categoryWinners[category]!;
          return html`<li class="card" data-category="${category}"><p class="eyebrow">${CATEGORY_LABELS[category]}</p>
            <p class="winner-name">${link(entry.handle, entry.name)}</p><p class="citation">${entry.citation}</p></li>`;
        })}</ul>`
      : ''}
    ${publicExcluded.length
      ? html`${heading(level, null, 'Not eligible')}<ul class="plain excluded">${publicExcluded.map(
          (e) => html`<li>${e.name ?? e.handle} <span class="meta">@${e.handle}</span>${e.rank ? ` ranked #${e.rank} on the ${results.year} leaderboard` : ''}: not eligible as ${e.kind === 'bot' ? 'a bot account' : 'program staff'} (${e.kind === 'bot' ? 'bots are never ranked for awards' : 'program staff are not eligible for the awards'}).</li>`,
        )}</ul>`
      : ''}
    ${provenance(results, options.snapshot, level)}
  </section>`;
}

/** The snapshot as the public may see it: reasons other than staff and bots stay private. */
export function publicSnapshot(snapshot: AwardSnapshotRow) {
  const results = snapshotResults(snapshot);
  return {
    year: snapshot.year,
    revision: snapshot.revision,
    publishedAt: snapshot.published_at?.toISOString() ?? null,
    rulesVersion: snapshot.rules_version,
    inputHash: snapshot.input_hash,
    cycle: results.cycle,
    settings: snapshot.settings,
    recognisedCount: results.recognisedCount ?? null,
    eligibleCount: results.eligibleCount,
    topAmbassadors: results.topAmbassadors.map(({ memberId: _id, ...entry }) => entry),
    categoryWinners: Object.fromEntries(Object.entries(results.categoryWinners).map(([category, entry]) => [category, entry ? (({ memberId: _id, ...rest }) => rest)(entry) : null])),
    notEligible: results.ineligible
      .filter((e) => e.kind === 'staff' || e.kind === 'bot' || e.reason === 'program staff')
      .map((e) => ({ handle: e.handle, name: e.name ?? null, rank: e.rank ?? null, reason: e.reason })),
  };
}

export function awardsRoutes(context: WebContext): Route[] {
  return [
    {
      method: 'GET',
      url: '/awards',
      access: 'anyone',
      kind: 'page',
      cache: true,
      summary: 'published awards, all years',
      handler: async (request, reply) => {
        const published = (await listSnapshots(context.db)).filter((s) => s.status === 'published');
        const latest = published[0];
        return page(context, request, reply, {
          title: 'Ambassador Awards',
          description: latest ? `The Ambassador Awards ${latest.year}: the Top Ambassadors and the category winners.` : 'The annual Ambassador Awards of the Magento community.',
          main: html`<h1>Ambassador Awards</h1>
            <p class="lead">Every year the Ambassador Awards name the Top Ambassadors and a winner in each category, from a frozen snapshot of the year's counted contributions.
            ${context.config.awards.cycle.announcement ? html` Winners are announced ${context.config.awards.cycle.announcement}.` : ''}</p>
            ${latest ? awardsAnnouncement(snapshotResults(latest), { showPoints: scoresVisibleTo(context, request.viewer), snapshot: latest }) : emptyState('No awards published yet', 'The first winners appear here once they are announced.')}
            ${published.length > 1 ? html`<h2>Earlier years</h2><ul>${published.slice(1).map((s) => html`<li><a href="/awards/${s.year}">${s.year}</a></li>`)}</ul>` : ''}`,
        });
      },
    },
    {
      method: 'GET',
      url: '/awards/:year',
      access: 'anyone',
      kind: 'page',
      cache: true,
      summary: 'published awards of a year',
      handler: async (request, reply) => {
        const snapshot = await publishedYear(context, paramsOf(request).year);
        const results = snapshotResults(snapshot);
        return page(context, request, reply, {
          title: `Ambassador Awards ${snapshot.year}`,
          description: `The Top Ambassadors of ${snapshot.year} and the winners of each category, with their citations.`,
          main: html`<p><a href="/awards">← All awards</a></p>${awardsAnnouncement(results, { showPoints: scoresVisibleTo(context, request.viewer), snapshot, standalone: true })}`,
        });
      },
    },
    {
      method: 'GET',
      url: '/awards/:year/snapshot.json',
      access: 'anyone',
      kind: 'api',
      cache: true,
      summary: 'download the published awards snapshot of a year',
      handler: async (request, reply) => {
        const snapshot = await publishedYear(context, paramsOf(request).year);
        reply.header('content-disposition', `attachment; filename="ambassador-awards-${snapshot.year}-r${snapshot.revision}.json"`);
        return publicSnapshot(snapshot);
      },
    },
    {
      method: 'GET',
      url: '/awards/:year/:handle',
      access: 'anyone',
      kind: 'page',
      cache: true,
      summary: "a winner's award page with share card, certificate and credential",
      handler: async (request, reply) => {
        const params = paramsOf(request);
        const moved = await movedAwardAddress(context, params.year, params.handle ?? '');
        if (moved) return reply.code(301).header('location', moved).send();
        const snapshot = await publishedYear(context, params.year);
        const { member, awards } = await awardWinner(context, snapshot, params.handle ?? '');
        const first = awards[0]!;
        return page(context, request, reply, {
          title: `${member.name}: ${awards.map((a) => a.title).join(', ')}`,
          description: first.citation,
          og: { image: `${awardPath(snapshot.year, member.handle, first.key)}/card.png`, imageAlt: `${member.name}, ${first.title}`, type: 'article' },
          main: html`<p><a href="/awards/${snapshot.year}">← The ${snapshot.year} awards</a></p>
            <h1>${member.name} <span class="subtle">@${member.handle}</span></h1>
            ${awards.map((award) => awardCard(context, member, award))}`,
        });
      },
    },
  ];
}

function awardCard(context: WebContext, member: Member, award: MemberAward): Html {
  const path = awardPath(award.year, member.handle, award.key);
  const linkedIn = new URL('https://www.linkedin.com/profile/add');
  linkedIn.searchParams.set('startTask', 'CERTIFICATION_NAME');
  linkedIn.searchParams.set('name', award.title);
  linkedIn.searchParams.set('organizationName', context.config.program.name);
  linkedIn.searchParams.set('issueYear', String(award.year));
  linkedIn.searchParams.set('issueMonth', String((award.publishedAt ?? new Date(`${award.year}-12-31`)).getUTCMonth() + 1));
  linkedIn.searchParams.set('certUrl', `${context.baseUrl}${path}`);
  linkedIn.searchParams.set('certId', `${award.year}-${award.key}-${member.handle}`);
  return html`<article class="card award" aria-labelledby="award-${award.key}"${isCategory(award.key) ? html` data-category="${award.key}"` : ''}>
    <h2 id="award-${award.key}">${award.title}${award.key === 'top' ? html` <span class="pill">rank ${award.rank}</span>` : ''}</h2>
    <p class="citation">${award.citation}</p>
    <p><img class="share-card" src="${path}/card.png" width="600" height="315" alt="Share card: ${member.name}, ${award.title}"></p>
    <ul class="actions-list">
      <li><a class="button" href="${path}/certificate.pdf">Certificate (PDF)</a></li>
      <li><a class="button secondary" href="${path}/credential.jwt" download>Open Badges credential</a></li>
      <li><a class="button secondary" href="${linkedIn.toString()}" rel="noopener">Add to LinkedIn</a></li>
    </ul>
    <p class="meta">The credential is an <a href="https://www.imsglobal.org/spec/ob/v3p0/" rel="noopener">Open Badges 3.0</a> verifiable credential signed by the program (VC-JWT, RS256); its public key is at <a href="/.well-known/jwks.json">/.well-known/jwks.json</a>.</p>
  </article>`;
}
