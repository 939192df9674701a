// Members in the manager console: search, suspend and reinstate, merge duplicates, verify an
// identity, mark staff or bot, and (admins only) change roles.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { formatIdentity, PLATFORM_LABELS, type Platform } from '../../domain/identities.js';
import { notifyDroppedClaims, notifyIdentityVerified } from '../../notify/events.js';
import type { Role } from '../../domain/permissions.js';
import { listIdentities, setIdentityTrusted, verifyIdentity } from '../../store/identities.js';
import { needsTrust, TRUST_REQUIRED_PLATFORMS } from '../../sync/review-policy.js';
import { changeMemberState, listMembers, requireMember, setMemberFlags } from '../../store/members.js';
import { memberStatuses } from '../../store/statuses.js';
import type { WebContext } from '../context.js';
import { html } from '../html.js';
import { mergeMembers } from '../queries/accounts.js';
import { formBody, page, paramsOf, positiveInt, queryOf, redirect, text, type Route } from '../routing.js';
import { csrfField, emptyState, field, pagination, select, statusBadge, time } from '../views/components.js';
import { csrfToken } from '../session.js';
import { permits, requirePermission, requireRoleChange } from '../permission-check.js';
import { adminNav } from './nav.js';

const PAGE = 50;
const actorOf = (request: FastifyRequest) => `web:${request.viewer!.member.handle}`;

export function memberAdminRoutes(context: WebContext): Route[] {
  const after = (handle: string, text: string) => (reply: FastifyReply) => {
    context.cache.clear();
    return redirect(context, reply, `/manage/members/${handle}`, { kind: 'notice', text });
  };
  /** The member of the URL and one of their identities (from the form), once the viewer may judge it. */
  async function identityToJudge(request: FastifyRequest) {
    const member = await requireMember(context.db, paramsOf(request).handle ?? '');
    requirePermission(request, 'verify', member);
    const id = Number(text(formBody(request), 'identityId'));
    return { member, identity: (await listIdentities(context.db, member.id)).find((i) => i.id === id) };
  }
  return [
    {
      method: 'GET',
      url: '/manage/members',
      access: 'manager',
      kind: 'page',
      summary: 'members list',
      handler: async (request, reply) => {
        const query = queryOf(request);
        const state = ['registered', 'suspended', 'withdrawn'].includes(query.state ?? '') ? (query.state as 'registered') : undefined;
        const pageNumber = positiveInt(query.page, 1);
        const all = await listMembers(context.db, { search: query.q?.slice(0, 100), state });
        const rows = all.slice((pageNumber - 1) * PAGE, pageNumber * PAGE);
        const statuses = new Map((await memberStatuses(context.db, context.config, context.today(), { memberIds: rows.map((r) => r.id) })).map((s) => [s.memberId, s]));
        return page(context, request, reply, {
          title: 'Members',
          main: html`${adminNav('/manage/members')}<h1>Members <span class="subtle">(${all.length})</span></h1>
            <form method="get" action="/manage/members" class="filters card" role="search">
              <div class="field"><label for="f-q">Name or handle</label><input id="f-q" type="search" name="q" value="${query.q ?? ''}"></div>
              ${select({ name: 'state', label: 'Membership', value: state ?? '', choices: [{ value: '', label: 'Any' }, { value: 'registered', label: 'Registered' }, { value: 'suspended', label: 'Suspended' }, { value: 'withdrawn', label: 'Withdrawn' }] })}
              <div class="filter-actions"><button type="submit">Search</button></div>
            </form>
            ${rows.length === 0 ? emptyState('No members match', 'Try another search.') : html`<div class="table-wrap" tabindex="0" role="region" aria-label="Members"><table>
              <thead><tr><th scope="col">Member</th><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Status</th><th scope="col">Joined</th></tr></thead>
              <tbody>${rows.map((m) => html`<tr><td><a href="/manage/members/${m.handle}">${m.name}</a> <span class="meta">@${m.handle}</span>
                ${m.is_staff ? html` <span class="pill">staff</span>` : ''}${m.is_bot ? html` <span class="pill">bot</span>` : ''}</td>
                <td>${m.email ?? ''}</td><td>${m.role}</td><td>${statuses.get(m.id) ? statusBadge(statuses.get(m.id)!.status) : m.state}</td><td>${time(m.joined_at)}</td></tr>`)}</tbody></table></div>`}
            ${pagination('/manage/members', { q: query.q, state }, pageNumber, Math.max(1, Math.ceil(all.length / PAGE)))}`,
        });
      },
    },
    {
      method: 'GET',
      url: '/manage/members/:handle',
      access: 'manager',
      kind: 'page',
      summary: 'one member, with manager actions',
      handler: async (request, reply) => {
        const member = await requireMember(context.db, paramsOf(request).handle ?? '');
        const identities = await listIdentities(context.db, member.id);
        const [status] = await memberStatuses(context.db, context.config, context.today(), { memberIds: [member.id] });
        const token = csrfToken(context, request, reply);
        const isAdmin = request.viewer!.member.role === 'admin';
        // Forms only for what the viewer may do to this person (the handlers check again).
        const mayManage = permits(request, 'manage', member);
        const mayVerify = permits(request, 'verify', member);
        const mayMerge = permits(request, 'merge', member);
        const trustControl = (identity: (typeof identities)[number]) => {
          if (!needsTrust({ platform: identity.platform, externalId: identity.external_id }, context.config)) return '';
          const what = identity.platform === 'ical' ? 'calendar' : 'forum';
          const state = identity.trusted_at ? html` <span class="pill">trusted ${what}</span>` : html` <span class="pill">${identity.platform === 'ical' ? 'events' : 'posts'} wait for review</span>`;
          if (!mayVerify) return state;
          return html`${state} <form method="post" action="/manage/members/${member.handle}/trust" class="inline">${csrfField(token)}<input type="hidden" name="identityId" value="${identity.id}">
            <input type="hidden" name="trusted" value="${identity.trusted_at ? 'no' : 'yes'}"><button type="submit" class="small${identity.trusted_at ? ' secondary' : ''}">${identity.trusted_at ? 'Stop trusting' : `Mark ${what} trusted`}</button></form>`;
        };
        return page(context, request, reply, {
          title: `${member.name} · Members`,
          main: html`${adminNav('/manage/members')}<h1>${member.name} <span class="subtle">@${member.handle}</span></h1>
            <p>${status ? statusBadge(status.status) : ''} ${member.state !== 'registered' ? html`<span class="pill">${member.state}${member.state_reason ? `: ${member.state_reason}` : ''}</span>` : ''}
              <span class="meta">${member.email ?? 'no email'} · role ${member.role} · joined ${time(member.joined_at)}</span> · <a href="/ambassadors/${member.handle}">public profile</a></p>
            <div class="columns">
            <section class="card"><h2>Identities</h2>
              ${identities.length === 0 ? html`<p>None linked.</p>` : html`<ul class="plain">${identities.map((identity) => html`<li>
                ${PLATFORM_LABELS[identity.platform as Platform] ?? identity.platform}: <span class="code">${identity.external_id}</span>
                ${identity.verified_at ? html`<span class="status status-active">verified (${identity.verification_method ?? ''})</span>${trustControl(identity)}`
                  : html`<span class="status status-lapsing">not verified</span>${identity.verification_code ? html` <span class="meta">code <code>${identity.verification_code}</code></span>` : ''}
                  ${mayVerify ? html`<form method="post" action="/manage/members/${member.handle}/verify" class="inline">${csrfField(token)}<input type="hidden" name="identityId" value="${identity.id}"><button type="submit" class="small">Verify</button></form>` : ''}`}
              </li>`)}</ul>`}
            </section>
            <section class="card"><h2>Membership</h2>
              ${mayManage ? html`<form method="post" action="/manage/members/${member.handle}/state" class="form">${csrfField(token)}
                <input type="hidden" name="state" value="${member.state === 'suspended' ? 'registered' : 'suspended'}">
                ${field({ name: 'reason', label: member.state === 'suspended' ? 'Reason to reinstate' : 'Reason to suspend', required: true, maxlength: 500 })}
                <button type="submit" class="${member.state === 'suspended' ? '' : 'danger'}">${member.state === 'suspended' ? 'Reinstate' : 'Suspend'}</button></form>
              <form method="post" action="/manage/members/${member.handle}/flags" class="form">${csrfField(token)}
                <div class="check"><input type="checkbox" id="f-staff" name="isStaff" value="yes"${member.is_staff ? html` checked` : ''}><label for="f-staff">Program staff (not eligible for awards)</label></div>
                <div class="check"><input type="checkbox" id="f-bot" name="isBot" value="yes"${member.is_bot ? html` checked` : ''}><label for="f-bot">Bot account (left out of leaderboards)</label></div>
                ${isAdmin ? select({ name: 'role', label: 'Role', value: member.role, choices: ['ambassador', 'manager', 'admin'].map((r) => ({ value: r, label: r })) }) : ''}
                <button type="submit">Save flags</button></form>` : html`<p class="meta">You may not change this member's account: ${request.viewer!.member.id === member.id ? 'it is your own' : `a ${request.viewer!.member.role} acts only on members below them`}.</p>`}
            </section>
            </div>
            ${mayMerge ? html`<section class="card"><h2>Merge a duplicate into ${member.handle}</h2>
              <form method="post" action="/manage/members/${member.handle}/merge" class="form" data-confirm="Merge the duplicate into ${member.handle}? Its record is deleted.">${csrfField(token)}
                ${field({ name: 'duplicate', label: 'Handle of the duplicate', required: true, hint: 'Its identities and contributions move here; its own record is deleted.' })}
                ${field({ name: 'reason', label: 'Reason', required: true, maxlength: 500 })}
                <button type="submit" class="danger">Merge</button></form>
            </section>` : ''}`,
        });
      },
    },
    {
      method: 'POST',
      url: '/manage/members/:handle/state',
      access: 'manager',
      kind: 'page',
      summary: 'suspend or reinstate a member',
      handler: async (request, reply) => {
        const body = formBody(request);
        const state = text(body, 'state') === 'registered' ? 'registered' : 'suspended';
        requirePermission(request, 'manage', await requireMember(context.db, paramsOf(request).handle ?? ''));
        const member = await changeMemberState(context.db, paramsOf(request).handle ?? '', { state, reason: text(body, 'reason'), effectiveOn: context.today() }, actorOf(request));
        return after(member.handle, state === 'suspended' ? 'Suspended.' : 'Reinstated.')(reply);
      },
    },
    {
      method: 'POST',
      url: '/manage/members/:handle/flags',
      access: 'manager',
      kind: 'page',
      summary: 'mark staff or bot; admins also set the role',
      handler: async (request, reply) => {
        const body = formBody(request);
        const role = text(body, 'role');
        const current = await requireMember(context.db, paramsOf(request).handle ?? '');
        requirePermission(request, 'manage', current);
        const changesRole = role !== '' && role !== current.role;
        if (changesRole) requireRoleChange(request, current, role as Role);
        const flags = {
          isStaff: text(body, 'isStaff') === 'yes',
          isBot: text(body, 'isBot') === 'yes',
          ...(changesRole ? { role: role as Role } : {}),
        };
        const member = await setMemberFlags(context.db, current.handle, flags, actorOf(request));
        return after(member.handle, 'Flags saved.')(reply);
      },
    },
    {
      method: 'POST',
      url: '/manage/members/:handle/verify',
      access: 'manager',
      kind: 'page',
      summary: 'verify an identity',
      handler: async (request, reply) => {
        const { member, identity } = await identityToJudge(request);
        if (!identity) return redirect(context, reply, `/manage/members/${member.handle}`, { kind: 'error', text: 'No such identity on this member.' });
        const ref = { platform: identity.platform as Platform, externalId: identity.external_id };
        const { released, dropped } = await verifyIdentity(context.db, member.id, ref, 'manager', actorOf(request));
        await notifyIdentityVerified(context.notifier, context.config, member, identity.id, formatIdentity(ref));
        await notifyDroppedClaims(context.notifier, context.db, context.config, dropped);
        return after(member.handle, `${formatIdentity(ref)} verified; ${released} waiting contribution${released === 1 ? '' : 's'} now count.`)(reply);
      },
    },
    {
      method: 'POST',
      url: '/manage/members/:handle/trust',
      access: 'manager',
      kind: 'page',
      summary: "mark a member's calendar or forum trusted (what it publishes counts without review) or not",
      handler: async (request, reply) => {
        const { member, identity } = await identityToJudge(request);
        const body = formBody(request);
        if (!identity || !TRUST_REQUIRED_PLATFORMS.includes(identity.platform)) return redirect(context, reply, `/manage/members/${member.handle}`, { kind: 'error', text: 'No such calendar or forum on this member.' });
        const trusted = text(body, 'trusted') === 'yes';
        const { released } = await setIdentityTrusted(context.db, context.config, identity.id, trusted, actorOf(request), text(body, 'reason').slice(0, 500) || null);
        const what = identity.platform === 'ical' ? 'Calendar' : 'Forum';
        return after(member.handle, trusted ? `${what} trusted; ${released} waiting contribution${released === 1 ? '' : 's'} now count.` : `${what} no longer trusted: what it publishes next waits for review.`)(reply);
      },
    },
    {
      method: 'POST',
      url: '/manage/members/:handle/merge',
      access: 'manager',
      kind: 'page',
      summary: 'merge a duplicate member',
      handler: async (request, reply) => {
        const body = formBody(request);
        const keep = await requireMember(context.db, paramsOf(request).handle ?? '');
        const duplicate = await requireMember(context.db, text(body, 'duplicate'));
        requirePermission(request, 'merge', keep);
        requirePermission(request, 'merge', duplicate);
        const member = await mergeMembers(context.wdb, context.config, keep.handle, duplicate.handle, text(body, 'reason'), actorOf(request), { byAdmin: request.viewer!.member.role === 'admin' });
        return after(member.handle, `Merged ${text(body, 'duplicate')} into ${member.handle}.`)(reply);
      },
    },
  ];
}
