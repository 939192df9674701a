// One's own identities: linking, the verification code and where to put it, "Check now",
// and unlinking.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { formatIdentity, normalizeIdentity, PLATFORM_LABELS, PLATFORMS, type IdentityRef, type Platform } from '../../domain/identities.js';
import { notifyDroppedClaims, notifyIdentityVerified } from '../../notify/events.js';
import { linkIdentity, listIdentities, verifyIdentity } from '../../store/identities.js';
import { memberIdentityChecks, type IdentityCheckView } from '../../sync/identity-state.js';
import { UserError } from '../../store/errors.js';
import type { WebContext } from '../context.js';
import { html } from '../html.js';
import { SELF_VERIFIABLE } from '../identity-verification.js';
import { countMemberAction } from '../member-limits.js';
import { unlinkIdentity, verificationCode } from '../queries/accounts.js';
import { formBody, page, paramsOf, redirect, text, type Route } from '../routing.js';
import { csrfField, emptyState, field, problemsList, select, time } from '../views/components.js';
import { csrfToken } from '../session.js';
import { actorOf, me, ownIdentity } from './own.js';

export function identityRoutes(context: WebContext): Route[] {
  return [
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
        await countMemberAction(context, me(request).id, 'link');
        try {
          const row = await linkIdentity(context.db, me(request).id, parsed.identity, { maxUnverified: context.web.maxUnverifiedIdentities }, actorOf(request));
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
        await countMemberAction(context, member.id, 'check');
        const code = await verificationCode(context.wdb, identity.id);
        const result = await context
          .verifyIdentity(ref, code, `${context.baseUrl}/ambassadors/${member.handle}`)
          .catch((error: Error) => ({ verified: false, method: 'error', detail: `the check could not be made: ${error.message}` }));
        if (!result.verified) return redirect(context, reply, '/me/identities', { kind: 'error', text: `Not verified yet: ${result.detail}.` });
        const { dropped } = await verifyIdentity(context.db, member.id, ref, result.method, actorOf(request));
        context.cache.clear();
        await notifyIdentityVerified(context.notifier, context.config, member, identity.id, formatIdentity(ref));
        await notifyDroppedClaims(context.notifier, context.db, context.config, dropped);
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
  ];
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

function utc(iso: string) {
  return html`<time datetime="${iso}">${iso.slice(0, 16).replace('T', ' ')} UTC</time>`;
}

/** How the sync's checks of this identity went: only this member's own identity, never anyone else's. */
function checkState(checks: IdentityCheckView[]) {
  if (checks.length === 0) return html`<p class="meta">Not checked by a sync yet.</p>`;
  return checks.map((check) =>
    check.consecutiveFailures > 0
      ? html`<p class="sync-state sync-failing"><span class="status status-lapsing">Check failing</span>
          ${check.consecutiveFailures} failed check${check.consecutiveFailures === 1 ? '' : 's'} in a row${check.lastCheckedAt ? html`, last ${utc(check.lastCheckedAt)}` : ''}${check.nextCheckAt ? html`; next check ${utc(check.nextCheckAt)}` : ''}.
          <br><span class="meta">Last error: ${(check.lastError ?? '').slice(0, 300)}</span></p>`
      : html`<p class="meta sync-state">Last checked ${check.lastCheckedAt ? utc(check.lastCheckedAt) : 'not yet'}; checked again at every sync.</p>`,
  );
}

async function identitiesPage(context: WebContext, request: FastifyRequest, reply: FastifyReply, problems: string[] = [], status = 200) {
  const member = me(request);
  const identities = await listIdentities(context.db, member.id);
  const checks = await memberIdentityChecks(context.db, member.id);
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
          ${checkState(checks.filter((check) => check.identityId === identity.id))}
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
