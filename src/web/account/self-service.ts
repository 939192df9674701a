// An ambassador's own pages: dashboard with status, profile edit, identities and their
// verification, submitting a contribution, own contributions with review reasons, a download
// of all their data, and deleting the account.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CATEGORY_LABELS, isCategory } from '../../domain/categories.js';
import { formatIdentity, normalizeIdentity, PLATFORM_LABELS, PLATFORMS, type IdentityRef, type Platform } from '../../domain/identities.js';
import { notifyIdentityVerified } from '../../notify/events.js';
import { listMemberContributions, submitContribution } from '../../store/contributions.js';
import { linkIdentity, listIdentities, verifyIdentity } from '../../store/identities.js';
import { removeMember } from '../../store/members.js';
import { memberStatuses } from '../../store/statuses.js';
import { UserError } from '../../store/errors.js';
import type { Member } from '../../store/schema.js';
import type { WebContext } from '../context.js';
import { externalLink, html } from '../html.js';
import { SELF_VERIFIABLE } from '../identity-verification.js';
import { personalData, unlinkIdentity, updateProfile, verificationCode } from '../queries/accounts.js';
import { formBody, page, paramsOf, redirect, text, type Route } from '../routing.js';
import { csrfField, emptyState, field, formatPoints, problemsList, select, statusBadge, time } from '../views/components.js';
import { endSession, csrfToken } from '../session.js';
import { notFound } from '../errors.js';

const me = (request: FastifyRequest): Member => request.viewer!.member;
const actorOf = (request: FastifyRequest) => `web:${me(request).handle}`;

const STATE_LABELS: Record<string, string> = { counted: 'Counted', pending: 'Pending review', rejected: 'Not approved', excluded: 'Excluded' };

export function selfServiceRoutes(context: WebContext): Route[] {
  const submittable = Object.entries(context.config.kinds).filter(([, kind]) => kind.submittable);

  function submitPage(request: FastifyRequest, reply: FastifyReply, values: Record<string, string>, problems: string[] = [], status = 200) {
    return page(context, request, reply, {
      title: 'Submit a contribution',
      main: html`<div class="narrow"><h1>Submit a contribution</h1>
        <p class="lead">For work no source can see: talks, workshops, organised events, mentoring, training, documentation pages, posts.
          A program manager reviews it; once approved it counts from its date.</p>
        ${problemsList(problems)}
        <form method="post" action="/me/submit" class="card form">
          ${csrfField(csrfToken(context, request, reply))}
          ${select({ name: 'kind', label: 'What kind of contribution', value: values.kind, required: true, choices: submittable.map(([name, kind]) => ({ value: name, label: `${kind.label} (${CATEGORY_LABELS[kind.category]}, ${context.config.scoring.points[name] ?? 0} pts)` })) })}
          ${field({ name: 'title', label: 'Title', value: values.title, required: true, maxlength: 300, hint: 'e.g. "Talk: Scaling Magento checkout at Meet Magento NL"' })}
          ${field({ name: 'url', label: 'Link', type: 'url', value: values.url, required: true, hint: 'Where people can see it: the event page, the recording, the post.' })}
          ${field({ name: 'date', label: 'Date', type: 'date', value: values.date, required: true })}
          ${field({ name: 'evidence', label: 'Evidence (optional)', type: 'url', value: values.evidence, hint: 'A second link that shows you did it: slides, the programme, a photo.' })}
          <button type="submit">Submit for review</button>
        </form></div>`,
    }, status);
  }

  return [
    {
      method: 'GET',
      url: '/me',
      access: 'member',
      kind: 'page',
      summary: 'my dashboard',
      handler: async (request, reply) => {
        const member = me(request);
        const [[status], open, identities] = await Promise.all([
          memberStatuses(context.db, context.config, context.today(), { memberIds: [member.id] }),
          listMemberContributions(context.db, member.id, { states: ['pending', 'rejected'] }),
          listIdentities(context.db, member.id),
        ]);
        const lapsing = status?.status === 'lapsing';
        return page(context, request, reply, {
          title: 'My dashboard',
          main: html`<h1>Hello, ${member.name}</h1>
            <section class="card status-card${lapsing ? ' warning' : ''}" aria-labelledby="status-title">
              <h2 id="status-title">Your status</h2>
              ${status ? html`<p>${statusBadge(status.status)}
                ${status.activeUntil && (status.status === 'active' || status.status === 'lapsing') ? html` Active until <strong>${time(status.activeUntil)}</strong>` : ''}
                ${status.status === 'inactive' && status.activeUntil ? html` Lapsed after ${time(status.activeUntil)}` : ''}</p>` : ''}
              ${lapsing ? html`<p role="alert" class="warning-text">Your status lapses in ${status!.daysLeft} days. One counted contribution keeps you active for another ${context.config.activity.windowMonths} months.</p>` : ''}
              ${status?.status === 'inactive' ? html`<p class="warning-text">Your next counted contribution makes you active again.</p>` : ''}
              ${status?.lastContributionAt ? html`<p class="meta">Last counted contribution: ${time(status.lastContributionAt)}</p>` : ''}
            </section>
            <div class="tiles">
              <a class="tile card" href="/me/submit"><strong>Submit a contribution</strong><span>Talks, workshops, mentoring…</span></a>
              <a class="tile card" href="/me/identities"><strong>Identities</strong><span>${identities.length} linked, ${identities.filter((i) => i.verified_at).length} verified</span></a>
              <a class="tile card" href="/me/contributions"><strong>My contributions</strong><span>With points and reasons</span></a>
              <a class="tile card" href="/me/profile"><strong>Edit profile</strong><span>Name, bio, avatar</span></a>
              <a class="tile card" href="/ambassadors/${member.handle}"><strong>Public profile</strong><span>As others see it</span></a>
            </div>
            <section class="card" aria-labelledby="open-title"><h2 id="open-title">Pending and not approved</h2>
              ${open.length === 0 ? html`<p>Nothing waiting.</p>` : contributionTable(context, open, true)}
            </section>
            <section class="card" aria-labelledby="data-title"><h2 id="data-title">Your data</h2>
              <p><a href="/me/data.json" download>Download all my data (JSON)</a> · <a href="/me/delete">Delete my account</a></p>
            </section>`,
        });
      },
    },
    {
      method: 'GET',
      url: '/me/contributions',
      access: 'member',
      kind: 'page',
      summary: 'my contributions',
      handler: async (request, reply) => {
        const rows = await listMemberContributions(context.db, me(request).id);
        return page(context, request, reply, {
          title: 'My contributions',
          main: html`<h1>My contributions</h1><p><a class="button small" href="/me/submit">Submit a contribution</a></p>
            ${rows.length ? html`<div class="card">${contributionTable(context, rows, true)}</div>` : emptyState('Nothing yet', 'Link your identities or submit a contribution.')}`,
        });
      },
    },
    {
      method: 'GET',
      url: '/me/profile',
      access: 'member',
      kind: 'page',
      summary: 'edit my profile',
      handler: async (request, reply) => profilePage(context, request, reply, me(request)),
    },
    {
      method: 'POST',
      url: '/me/profile',
      access: 'member',
      kind: 'page',
      summary: 'save my profile',
      handler: async (request, reply) => {
        const body = formBody(request);
        const update = {
          name: text(body, 'name'),
          country: text(body, 'country') || null,
          company: text(body, 'company') || null,
          bio: text(body, 'bio') || null,
          avatarUrl: text(body, 'avatarUrl') || null,
        };
        try {
          await updateProfile(context.wdb, me(request).id, update, actorOf(request));
        } catch (error) {
          if (error instanceof UserError) {
            const draft = { ...me(request), name: update.name, country: update.country, company: update.company, bio: update.bio, avatar_url: update.avatarUrl };
            return profilePage(context, request, reply, draft, error.message.split('; '), 400);
          }
          throw error;
        }
        context.cache.clear();
        return redirect(context, reply, '/me/profile', { kind: 'notice', text: 'Profile saved.' });
      },
    },
    {
      method: 'GET',
      url: '/me/identities',
      access: 'member',
      kind: 'page',
      summary: 'my identities',
      handler: async (request, reply) => identitiesPage(context, request, reply),
    },
    {
      method: 'POST',
      url: '/me/identities',
      access: 'member',
      kind: 'page',
      summary: 'link an identity',
      handler: async (request, reply) => {
        const body = formBody(request);
        const platform = text(body, 'platform');
        if (!(PLATFORMS as readonly string[]).includes(platform)) return identitiesPage(context, request, reply, [`platform: expected one of ${PLATFORMS.join(', ')}`], 400);
        const parsed = normalizeIdentity(platform as Platform, text(body, 'externalId'));
        if (!parsed.ok) return identitiesPage(context, request, reply, [parsed.error], 400);
        try {
          const row = await linkIdentity(context.db, me(request).id, parsed.identity, {}, actorOf(request));
          await verificationCode(context.wdb, row.id);
        } catch (error) {
          if (error instanceof UserError) return identitiesPage(context, request, reply, [error.message], 409);
          throw error;
        }
        return redirect(context, reply, '/me/identities', { kind: 'notice', text: `${formatIdentity(parsed.identity)} linked. Verify it with the code below.` });
      },
    },
    {
      method: 'POST',
      url: '/me/identities/:id/verify',
      access: 'member',
      kind: 'page',
      summary: 'check the verification code of my identity',
      handler: async (request, reply) => {
        const member = me(request);
        const identity = await ownIdentity(context, member.id, Number(paramsOf(request).id));
        const ref = { platform: identity.platform as Platform, externalId: identity.external_id };
        if (identity.verified_at) return redirect(context, reply, '/me/identities', { kind: 'notice', text: `${formatIdentity(ref)} is already verified.` });
        if (!context.verifyIdentity || !SELF_VERIFIABLE.includes(ref.platform)) {
          return redirect(context, reply, '/me/identities', { kind: 'error', text: 'This platform is verified by a program manager; they have been told it waits.' });
        }
        const code = await verificationCode(context.wdb, identity.id);
        const result = await context
          .verifyIdentity(ref, code, `${context.baseUrl}/ambassadors/${member.handle}`)
          .catch((error: Error) => ({ verified: false, method: 'error', detail: `the check could not be made: ${error.message}` }));
        if (!result.verified) return redirect(context, reply, '/me/identities', { kind: 'error', text: `Not verified yet: ${result.detail}.` });
        await verifyIdentity(context.db, member.id, ref, result.method, actorOf(request));
        context.cache.clear();
        await notifyIdentityVerified(context.notifier, context.config, member, identity.id, formatIdentity(ref));
        return redirect(context, reply, '/me/identities', { kind: 'notice', text: `${formatIdentity(ref)} is verified (${result.detail}).` });
      },
    },
    {
      method: 'POST',
      url: '/me/identities/:id/remove',
      access: 'member',
      kind: 'page',
      summary: 'unlink my identity',
      handler: async (request, reply) => {
        await unlinkIdentity(context.wdb, me(request).id, Number(paramsOf(request).id), actorOf(request));
        context.cache.clear();
        return redirect(context, reply, '/me/identities', { kind: 'notice', text: 'Identity removed.' });
      },
    },
    {
      method: 'GET',
      url: '/me/submit',
      access: 'member',
      kind: 'page',
      summary: 'submission form',
      handler: async (request, reply) => submitPage(request, reply, { date: context.today() }),
    },
    {
      method: 'POST',
      url: '/me/submit',
      access: 'member',
      kind: 'page',
      summary: 'submit a contribution',
      handler: async (request, reply) => {
        const body = formBody(request);
        const values = { kind: text(body, 'kind'), title: text(body, 'title'), url: text(body, 'url'), date: text(body, 'date'), evidence: text(body, 'evidence') };
        try {
          await submitContribution(
            context.db,
            context.config,
            {
              memberId: me(request).id,
              kind: values.kind,
              category: context.config.kinds[values.kind]?.category ?? '',
              title: values.title,
              url: values.url,
              date: values.date,
              evidenceUrl: values.evidence || null,
            },
            actorOf(request),
            context.today(),
          );
        } catch (error) {
          if (error instanceof UserError) return submitPage(request, reply, values, error.message.split('; '), error.code === 'conflict' ? 409 : 400);
          throw error;
        }
        return redirect(context, reply, '/me/contributions', { kind: 'notice', text: `"${values.title}" is submitted and waits for review.` });
      },
    },
    {
      method: 'GET',
      url: '/me/data.json',
      access: 'member',
      kind: 'page',
      summary: 'download all my data',
      handler: async (request, reply) => {
        const data = await personalData(context.wdb, me(request).id);
        reply
          .type('application/json; charset=utf-8')
          .header('content-disposition', `attachment; filename="${me(request).handle}-data.json"`)
          .header('cache-control', 'no-store');
        return JSON.stringify({ exportedAt: context.now().toISOString(), program: context.config.program.name, ...data }, null, 2);
      },
    },
    {
      method: 'GET',
      url: '/me/delete',
      access: 'member',
      kind: 'page',
      summary: 'delete my account (confirm)',
      handler: async (request, reply) => deletePage(context, request, reply),
    },
    {
      method: 'POST',
      url: '/me/delete',
      access: 'member',
      kind: 'page',
      summary: 'delete my account',
      handler: async (request, reply) => {
        const member = me(request);
        if (text(formBody(request), 'confirm').toLowerCase() !== member.handle.toLowerCase()) {
          return deletePage(context, request, reply, [`confirm: type your handle ${member.handle} to confirm`], 400);
        }
        await endSession(context, request, reply);
        await removeMember(context.db, member.handle, `web:self`);
        context.cache.clear();
        return redirect(context, reply, '/', { kind: 'notice', text: 'Your account and all your data are deleted.' });
      },
    },
  ];
}

function contributionTable(context: WebContext, rows: Awaited<ReturnType<typeof listMemberContributions>>, showPoints: boolean) {
  return html`<div class="table-wrap" tabindex="0" role="region" aria-label="Contributions"><table>
    <thead><tr><th scope="col">Date</th><th scope="col">Contribution</th><th scope="col">State</th>${showPoints ? html`<th scope="col">Points</th>` : ''}</tr></thead>
    <tbody>${rows.map(
      (row) => html`<tr><td>${time(row.occurred_at)}</td>
        <td>${externalLink(row.url, row.title)}<br><span class="meta">${context.config.kinds[row.kind]?.label ?? row.kind} · ${isCategory(row.category) ? CATEGORY_LABELS[row.category] : row.category}</span></td>
        <td><span class="state state-${row.review_state}">${STATE_LABELS[row.review_state] ?? row.review_state}</span>${row.review_reason ? html`<br><span class="meta">Reason: ${row.review_reason}</span>` : ''}</td>
        ${showPoints ? html`<td><strong>${formatPoints(row.points)}</strong><br><span class="meta">${row.explanation}</span></td>` : ''}</tr>`,
    )}</tbody></table></div>`;
}

async function ownIdentity(context: WebContext, memberId: number, id: number) {
  const identity = Number.isInteger(id)
    ? await context.db.selectFrom('identities').selectAll().where('id', '=', id).where('member_id', '=', memberId).executeTakeFirst()
    : undefined;
  if (!identity) throw notFound('no such identity on your profile');
  return identity;
}

function profilePage(context: WebContext, request: FastifyRequest, reply: FastifyReply, member: Member, problems: string[] = [], status = 200) {
  return page(context, request, reply, {
    title: 'Edit profile',
    main: html`<div class="narrow"><h1>Edit profile</h1>${problemsList(problems)}
      <form method="post" action="/me/profile" class="card form">
        ${csrfField(csrfToken(context, request, reply))}
        ${field({ name: 'name', label: 'Full name', value: member.name, required: true, maxlength: 200, autocomplete: 'name' })}
        ${field({ name: 'country', label: 'Country', value: member.country, maxlength: 100, autocomplete: 'country-name' })}
        ${field({ name: 'company', label: 'Company', value: member.company, maxlength: 200, autocomplete: 'organization' })}
        ${field({ name: 'bio', label: 'About you', type: 'textarea', value: member.bio, maxlength: 4000 })}
        ${field({ name: 'avatarUrl', label: 'Avatar image URL', type: 'url', value: member.avatar_url, hint: 'An https address of a square image, e.g. https://github.com/yourlogin.png' })}
        <p class="meta">Your handle @${member.handle} and email stay as they are; ask a program manager to change them.</p>
        <button type="submit">Save profile</button>
      </form></div>`,
  }, status);
}

const INSTRUCTIONS: Record<Platform, (code: string, profileUrl: string) => ReturnType<typeof html>> = {
  github: (code) => html`Add <code>${code}</code> to your GitHub profile bio (github.com/settings/profile), or create a public gist containing it, then press “Check now”. You can remove it once verified.`,
  stackexchange: (code) => html`Add <code>${code}</code> to the “About me” of your Magento Stack Exchange profile, then press “Check now”.`,
  feed: (code, profileUrl) => html`Publish a post or page on that site containing <code>${code}</code>, or link to <code>${profileUrl}</code> with <code>rel="me"</code>, or add <code>&lt;meta name="magento-ambassador-verification" content="${code}"&gt;</code>.`,
  ical: (code) => html`Put <code>${code}</code> in the description of an event in that calendar, then press “Check now”.`,
  devto: (code) => html`Add <code>${code}</code> to your dev.to bio. A program manager checks it and verifies the identity.`,
  packagist: (code) => html`Add <code>${code}</code> to the description of one of your packages. A program manager checks it and verifies the identity.`,
  discourse: (code) => html`Add <code>${code}</code> to your forum profile's “About me”. A program manager checks it and verifies the identity.`,
};

async function identitiesPage(context: WebContext, request: FastifyRequest, reply: FastifyReply, problems: string[] = [], status = 200) {
  const member = me(request);
  const identities = await listIdentities(context.db, member.id);
  const codes = new Map<number, string>();
  for (const identity of identities) if (!identity.verified_at) codes.set(identity.id, await verificationCode(context.wdb, identity.id));
  const token = csrfToken(context, request, reply);
  const profileUrl = `${context.baseUrl}/ambassadors/${member.handle}`;
  return page(context, request, reply, {
    title: 'My identities',
    main: html`<h1>My identities</h1>
      <p class="lead">Link the public accounts where you contribute. Contributions found through an identity count once it is verified.</p>
      ${problemsList(problems)}
      ${identities.length === 0 ? emptyState('No identities yet', 'Link your GitHub account first: most contributions are found there.') : html`<ul class="identity-cards">${identities.map((identity) => {
        const platform = identity.platform as Platform;
        const ref: IdentityRef = { platform, externalId: identity.external_id };
        return html`<li class="card">
          <h2 class="identity-title">${PLATFORM_LABELS[platform] ?? platform}: <span class="code">${identity.external_id}</span>
            ${identity.verified_at ? html`<span class="status status-active">Verified</span>` : html`<span class="status status-lapsing">Not verified</span>`}</h2>
          ${identity.verified_at
            ? html`<p class="meta">Verified ${time(identity.verified_at)} (${identity.verification_method ?? 'manager'}).</p>`
            : html`<p>${INSTRUCTIONS[platform]?.(codes.get(identity.id)!, profileUrl) ?? ''}</p>
              <p class="code-box"><span class="visually-hidden">Verification code:</span><code id="code-${identity.id}">${codes.get(identity.id)}</code>
                <button type="button" class="small secondary" data-copy="#code-${identity.id}">Copy</button></p>
              ${SELF_VERIFIABLE.includes(platform) && context.verifyIdentity
                ? html`<form method="post" action="/me/identities/${identity.id}/verify" class="inline">${csrfField(token)}<button type="submit" class="small">Check now</button></form>`
                : html`<p class="meta">A program manager verifies this platform.</p>`}`}
          <form method="post" action="/me/identities/${identity.id}/remove" class="inline" data-confirm="Remove ${formatIdentity(ref)}?">${csrfField(token)}<button type="submit" class="small danger">Remove</button></form>
        </li>`;
      })}</ul>`}
      <section class="card narrow-card" aria-labelledby="link-title"><h2 id="link-title">Link an identity</h2>
        <form method="post" action="/me/identities" class="form">
          ${csrfField(token)}
          ${select({ name: 'platform', label: 'Platform', choices: PLATFORMS.map((p) => ({ value: p, label: PLATFORM_LABELS[p] })) })}
          ${field({ name: 'externalId', label: 'Account', required: true, hint: 'GitHub login, Stack Exchange user id (the number in your profile URL), feed or calendar URL, dev.to username, Packagist vendor, or FORUM_URL:USERNAME for Discourse.' })}
          <button type="submit">Link</button>
        </form>
        ${context.web.github ? html`<p>Or <a href="/auth/github?next=/me/identities">link and verify GitHub in one step</a>.</p>` : ''}
      </section>`,
  }, status);
}

function deletePage(context: WebContext, request: FastifyRequest, reply: FastifyReply, problems: string[] = [], status = 200) {
  const member = me(request);
  return page(context, request, reply, {
    title: 'Delete my account',
    main: html`<div class="narrow"><h1>Delete my account</h1>${problemsList(problems)}
      <div class="card danger-zone"><p>This deletes your profile, your identities and every contribution recorded for you. It cannot be undone.
        Your identities are remembered only as one-way hashes, so no sync brings your data back. Consider <a href="/me/data.json">downloading your data</a> first.</p>
      <form method="post" action="/me/delete" class="form">${csrfField(csrfToken(context, request, reply))}
        ${field({ name: 'confirm', label: `Type your handle (${member.handle}) to confirm`, required: true, autocomplete: 'off' })}
        <button type="submit" class="danger">Delete my account and data</button></form></div></div>`,
  }, status);
}
