// The review desk's decisions: approve, reject, request changes, assign, revoke an approval
// (after a confirmation page) and bulk decisions. Each checks that the viewer may review that
// person's work (mayActOn), is audited, kept in the item's thread and told to the person.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { mayActOn, type Role } from '../../domain/permissions.js';
import { notifyApprovalRevoked, notifyChangesRequested, notifyReviewDecision } from '../../notify/events.js';
import { decideReview, requireContribution } from '../../store/contributions.js';
import { UserError } from '../../store/errors.js';
import {
  assignReview,
  requestChanges,
  revokeApproval,
} from '../../store/reviews.js';
import type { ContributionRow } from '../../store/schema.js';
import type { WebContext } from '../context.js';
import { html } from '../html.js';
import { formBody, list, page, paramsOf, redirect, text, type Route } from '../routing.js';
import { csrfField } from '../views/components.js';
import { csrfToken } from '../session.js';
import { adminNav } from './nav.js';

/** Reasons a reviewer picks from instead of typing the same words again. */
export const CANNED_REASONS = [
  'The link does not show this contribution.',
  'There is no evidence that you did it: add the slides, a recording or the programme.',
  'The date does not match the event or the publication.',
  'This is already counted.',
  'This kind of work is not part of the program.',
];

export type Viewer = { id: number; role: Role; handle: string };

/** The signed-in reviewer. */
export function viewerOf(request: FastifyRequest): Viewer {
  const member = request.viewer!.member;
  return { id: member.id, role: member.role, handle: member.handle };
}

export function reviewActionRoutes(context: WebContext): Route[] {
  const actorOf = (viewer: Viewer) => `web:${viewer.handle}`;

  /** The item and its person, refused when the viewer may not review that person's work. */
  async function reviewable(viewer: Viewer, id: number) {
    const subject = await context.db
      .selectFrom('contributions')
      .innerJoin('members', 'members.id', 'contributions.member_id')
      .select(['members.id', 'members.role', 'members.name', 'members.email', 'members.handle'])
      .where('contributions.id', '=', Number.isSafeInteger(id) && id > 0 && id <= 2_147_483_647 ? id : -1)
      .executeTakeFirst();
    if (!subject) throw new UserError(`no contribution #${id}`, 'not_found');
    const verdict = mayActOn({ memberId: viewer.id, role: viewer.role }, 'review', { memberId: subject.id, role: subject.role });
    if (!verdict.allowed) throw new UserError(verdict.reason, 'forbidden');
    return subject;
  }

  async function decide(viewer: Viewer, id: number, approve: boolean, reason: string | null) {
    const person = await reviewable(viewer, id);
    const row = await decideReview(context.db, context.config, id, { approve, reason, reviewerId: viewer.id }, actorOf(viewer));
    await notifyReviewDecision(context.notifier, person, row);
    return row;
  }

  /** Where to go back to: the desk page the action came from, never another site. */
  const backTo = (body: Record<string, string | string[]>) => {
    const back = text(body, 'back');
    return back.startsWith('/manage/reviews') && !back.startsWith('//') && back.length < 1000 ? back : '/manage/reviews';
  };

  const reasonOf = (body: Record<string, string | string[]>) => {
    const typed = text(body, 'reason');
    const canned = CANNED_REASONS[Number(text(body, 'canned'))];
    return (typed || (text(body, 'canned') !== '' ? canned : '') || '').slice(0, 500);
  };

  const refuse = (reply: FastifyReply, back: string, error: unknown) => {
    // Refusals by role answer 403; a decision that no longer applies goes back with the reason.
    if (error instanceof UserError && error.code !== 'forbidden') return redirect(context, reply, back, { kind: 'error', text: error.message });
    throw error;
  };

  return [
    {
      method: 'POST',
      url: '/manage/reviews/:id/approve',
      access: 'manager',
      kind: 'page',
      summary: 'approve a contribution',
      handler: async (request, reply) => {
        const back = backTo(formBody(request));
        try {
          const row = await decide(viewerOf(request), Number(paramsOf(request).id), true, null);
          context.cache.clear();
          return redirect(context, reply, back, { kind: 'notice', text: `Approved “${row.title}”.` });
        } catch (error) {
          return refuse(reply, back, error);
        }
      },
    },
    {
      method: 'POST',
      url: '/manage/reviews/:id/reject',
      access: 'manager',
      kind: 'page',
      summary: 'reject a contribution with a reason',
      handler: async (request, reply) => {
        const body = formBody(request);
        const back = backTo(body);
        const reason = reasonOf(body);
        if (!reason) return redirect(context, reply, `/manage/reviews/${Number(paramsOf(request).id) || ''}`, { kind: 'error', text: 'A rejection needs a reason: type one or pick a common reason.' });
        try {
          const row = await decide(viewerOf(request), Number(paramsOf(request).id), false, reason);
          context.cache.clear();
          return redirect(context, reply, back, { kind: 'notice', text: `Rejected “${row.title}”.` });
        } catch (error) {
          return refuse(reply, back, error);
        }
      },
    },
    {
      method: 'POST',
      url: '/manage/reviews/:id/changes',
      access: 'manager',
      kind: 'page',
      summary: 'ask the person for changes',
      handler: async (request, reply) => {
        const body = formBody(request);
        const back = backTo(body);
        const reason = reasonOf(body);
        const id = Number(paramsOf(request).id);
        if (!reason) return redirect(context, reply, `/manage/reviews/${id || ''}`, { kind: 'error', text: 'Asking for changes needs a reason saying what to change.' });
        try {
          const viewer = viewerOf(request);
          const person = await reviewable(viewer, id);
          const row = await requestChanges(context.db, context.config, id, reason, { id: viewer.id, actor: actorOf(viewer) });
          await notifyChangesRequested(context.notifier, person, row);
          context.cache.clear();
          return redirect(context, reply, back, { kind: 'notice', text: `Asked for changes on “${row.title}”.` });
        } catch (error) {
          return refuse(reply, back, error);
        }
      },
    },
    {
      method: 'POST',
      url: '/manage/reviews/:id/assign',
      access: 'manager',
      kind: 'page',
      summary: 'assign a review to a manager',
      handler: async (request, reply) => {
        const body = formBody(request);
        const back = backTo(body);
        const assignee = text(body, 'assignee') ? Number(text(body, 'assignee')) : null;
        try {
          const viewer = viewerOf(request);
          const id = Number(paramsOf(request).id);
          await reviewable(viewer, id);
          if (assignee !== null && !(Number.isSafeInteger(assignee) && assignee > 0 && assignee <= 2_147_483_647)) throw new UserError('items are assigned to a program manager');
          const row = await assignReview(context.db, id, assignee, { id: viewer.id, actor: actorOf(viewer) });
          return redirect(context, reply, back, { kind: 'notice', text: assignee === null ? `“${row.title}” is assigned to nobody.` : `Assigned “${row.title}”.` });
        } catch (error) {
          return refuse(reply, back, error);
        }
      },
    },
    {
      method: 'GET',
      url: '/manage/reviews/:id/revoke',
      access: 'manager',
      kind: 'page',
      summary: 'confirm revoking an approval',
      handler: async (request, reply) => {
        const id = Number(paramsOf(request).id);
        let row: ContributionRow;
        try {
          await reviewable(viewerOf(request), id);
          row = await requireContribution(context.db, id);
        } catch (error) {
          return refuse(reply, '/manage/reviews/decided', error);
        }
        if (row.review_state !== 'counted') return redirect(context, reply, `/manage/reviews/${id}`, { kind: 'error', text: `“${row.title}” is not counted; there is no approval to revoke.` });
        return page(context, request, reply, {
          title: `Revoke the approval of “${row.title}”?`,
          main: html`${adminNav('/manage/reviews')}<div class="narrow card"><h1>Revoke the approval of “${row.title}”?</h1>
            <p>It stops counting now, the person is told by email with your reason, and the audit log keeps the decision.</p>
            <form method="post" action="/manage/reviews/${id}/revoke" class="form">${csrfField(csrfToken(context, request, reply))}
              <div class="field"><label for="f-reason">Reason (the person sees it)</label><input id="f-reason" name="reason" required maxlength="500"></div>
              <button type="submit" class="danger">Revoke the approval</button> <a class="button secondary" href="/manage/reviews/${id}">Keep it</a>
            </form></div>`,
        });
      },
    },
    {
      method: 'POST',
      url: '/manage/reviews/:id/revoke',
      access: 'manager',
      kind: 'page',
      summary: 'revoke an approval with a reason',
      handler: async (request, reply) => {
        const id = Number(paramsOf(request).id);
        const reason = text(formBody(request), 'reason').slice(0, 500);
        if (!reason) return redirect(context, reply, `/manage/reviews/${id || ''}/revoke`, { kind: 'error', text: 'Revoking an approval needs a reason.' });
        try {
          const viewer = viewerOf(request);
          const person = await reviewable(viewer, id);
          const row = await revokeApproval(context.db, context.config, id, reason, { id: viewer.id, actor: actorOf(viewer) });
          await notifyApprovalRevoked(context.notifier, person, row);
          context.cache.clear();
          return redirect(context, reply, '/manage/reviews/decided', { kind: 'notice', text: `The approval of “${row.title}” is revoked; it no longer counts.` });
        } catch (error) {
          return refuse(reply, '/manage/reviews/decided', error);
        }
      },
    },
    {
      method: 'POST',
      url: '/manage/reviews/bulk',
      access: 'manager',
      kind: 'page',
      summary: 'approve or reject many contributions, after a confirmation',
      handler: async (request, reply) => {
        const body = formBody(request);
        const back = backTo(body);
        const ids = [...new Set(list(body, 'ids').slice(0, 500).map(Number).filter((n) => Number.isSafeInteger(n) && n > 0 && n <= 2_147_483_647))];
        const approve = text(body, 'decision') !== 'reject';
        const reason = text(body, 'reason').slice(0, 500) || null;
        if (ids.length === 0) return redirect(context, reply, back, { kind: 'error', text: 'Select at least one contribution.' });
        if (!approve && !reason) return redirect(context, reply, back, { kind: 'error', text: 'A rejection needs a reason.' });
        if (text(body, 'confirm') !== 'yes') {
          const rows = await context.db.selectFrom('contributions').innerJoin('members', 'members.id', 'contributions.member_id').select(['contributions.id', 'contributions.title', 'members.handle']).where('contributions.id', 'in', ids).where('review_state', '=', 'pending').orderBy('contributions.id').execute();
          const verb = approve ? 'Approve' : 'Reject';
          const count = `${rows.length} contribution${rows.length === 1 ? '' : 's'}`;
          return page(context, request, reply, {
            title: `${verb} ${count}?`,
            main: html`${adminNav('/manage/reviews')}<div class="narrow card"><h1>${verb} ${count}?</h1>
              ${reason ? html`<p>Reason the people see: <q>${reason}</q></p>` : ''}
              <ul>${rows.map((r) => html`<li>${r.title} <span class="meta">(@${r.handle})</span></li>`)}</ul>
              <form method="post" action="/manage/reviews/bulk">${csrfField(csrfToken(context, request, reply))}
                ${rows.map((r) => html`<input type="hidden" name="ids" value="${r.id}">`)}
                <input type="hidden" name="decision" value="${approve ? 'approve' : 'reject'}"><input type="hidden" name="reason" value="${reason ?? ''}">
                <input type="hidden" name="back" value="${back}"><input type="hidden" name="confirm" value="yes">
                <button type="submit"${approve ? '' : html` class="danger"`}>Yes, ${verb.toLowerCase()} ${count}</button> <a class="button secondary" href="${back}">Cancel</a>
              </form></div>`,
          });
        }
        const viewer = viewerOf(request);
        const failures: string[] = [];
        for (const id of ids) {
          try {
            await decide(viewer, id, approve, reason);
          } catch (error) {
            if (!(error instanceof UserError)) throw error;
            failures.push(`#${id}: ${error.message}`);
          }
        }
        context.cache.clear();
        const done = ids.length - failures.length;
        return redirect(context, reply, back, {
          kind: failures.length ? 'error' : 'notice',
          text: `${approve ? 'Approved' : 'Rejected'} ${done} contribution${done === 1 ? '' : 's'}.${failures.length ? ` Not done: ${failures.slice(0, 20).join('; ')}` : ''}`,
        });
      },
    },
  ];
}
