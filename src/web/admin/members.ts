// Members in the manager console: search, suspend and reinstate, merge duplicates, verify an
// identity, mark staff or bot, and (admins only) change roles.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { formatIdentity, type Platform } from '../../domain/identities.js';
import { notifyDroppedClaims, notifyIdentityVerified } from '../../notify/events.js';
import type { Role } from '../../domain/permissions.js';
import { listIdentities, setIdentityTrusted, verifyIdentity } from '../../store/identities.js';
import { TRUST_REQUIRED_PLATFORMS } from '../../sync/review-policy.js';
import { changeMemberState, requireMember, setMemberFlags } from '../../store/members.js';
import type { WebContext } from '../context.js';
import { mergeMembers } from '../queries/accounts.js';
import { formBody, paramsOf, redirect, text, type Route } from '../routing.js';
import { requirePermission, requireRoleChange } from '../permission-check.js';
import { memberConsoleRoutes } from './member-console.js';

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
    ...memberConsoleRoutes(context),
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
