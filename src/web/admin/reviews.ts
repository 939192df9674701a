// The review queue: pending submissions and contributions waiting for a decision, approved or
// rejected (with a reason) one by one or in bulk. Every decision is audited by the store and
// tells the person.
import { pointsText } from '../../domain/awards.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CATEGORY_LABELS, isCategory } from '../../domain/categories.js';
import { notifyReviewDecision } from '../../notify/events.js';
import { decideReview, listPendingReviews } from '../../store/contributions.js';
import { UserError } from '../../store/errors.js';
import { mayActOn } from '../../domain/permissions.js';
import type { WebContext } from '../context.js';
import { externalLink, html } from '../html.js';
import { formBody, list, page, paramsOf, redirect, text, type Route } from '../routing.js';
import { csrfField, emptyState, time } from '../views/components.js';
import { csrfToken } from '../session.js';
import { adminNav } from './nav.js';

export function reviewRoutes(context: WebContext): Route[] {
  async function decide(request: FastifyRequest, id: number, approve: boolean, reason: string | null) {
    const viewer = request.viewer!.member;
    const subject = await context.db
      .selectFrom('contributions')
      .innerJoin('members', 'members.id', 'contributions.member_id')
      .select(['members.id', 'members.role'])
      .where('contributions.id', '=', Number.isSafeInteger(id) ? id : -1)
      .executeTakeFirst();
    if (!subject) throw new UserError(`no contribution #${id}`, 'not_found');
    // Nobody reviews their own work, and a manager reviews only ambassadors' (a bulk decision
    // reports the refusal per item).
    const verdict = mayActOn({ memberId: viewer.id, role: viewer.role }, 'review', { memberId: subject.id, role: subject.role });
    if (!verdict.allowed) throw new UserError(verdict.reason, 'forbidden');
    const row = await decideReview(context.db, context.config, id, { approve, reason, reviewerId: viewer.id }, `web:${viewer.handle}`);
    const member = await context.db.selectFrom('members').select(['id', 'name', 'email', 'handle']).where('id', '=', row.member_id).executeTakeFirstOrThrow();
    await notifyReviewDecision(context.notifier, member, row);
    return row;
  }

  async function queue(request: FastifyRequest, reply: FastifyReply) {
    const items = await listPendingReviews(context.db, 200);
    const token = csrfToken(context, request, reply);
    return page(context, request, reply, {
      title: 'Review queue',
      main: html`${adminNav('/manage/reviews')}<h1>Review queue <span class="subtle">(${items.length})</span></h1>
        ${items.length === 0
          ? emptyState('Nothing to review', 'New submissions appear here.')
          : html`<form method="post" action="/manage/reviews/bulk" class="bulk">${csrfField(token)}
            <div class="bulk-bar card">
              <div class="check"><input type="checkbox" id="select-all" data-select-all="ids"><label for="select-all">Select all</label></div>
              <div class="field inline-field"><label for="f-bulk-reason">Reason (required to reject)</label><input id="f-bulk-reason" name="reason" maxlength="500"></div>
              <button type="submit" name="decision" value="approve">Approve selected</button>
              <button type="submit" name="decision" value="reject" class="danger">Reject selected</button>
            </div>
            <ul class="review-list">${items.map(
              (item) => html`<li class="card review-item">
                <div class="check"><input type="checkbox" name="ids" value="${item.id}" id="pick-${item.id}"><label for="pick-${item.id}"><span class="visually-hidden">Select “${item.title}”</span></label></div>
                <div class="review-body">
                  <h2 class="review-title">${externalLink(item.url, item.title)}</h2>
                  <p class="meta"><a href="/ambassadors/${item.handle}">${item.member_name}</a> (@${item.handle}) · ${context.config.kinds[item.kind]?.label ?? item.kind} ·
                    ${isCategory(item.category) ? CATEGORY_LABELS[item.category] : item.category} · ${time(item.occurred_at)} · ${item.source}</p>
                  ${item.evidence_url ? html`<p>Evidence: ${externalLink(item.evidence_url, item.evidence_url)}</p>` : ''}
                  ${typeof item.metadata.pendingReason === 'string' ? html`<p class="meta">Waiting because ${item.metadata.pendingReason}.</p>` : ''}
                  <p class="explanation"><strong>${pointsText(item.points)} if approved</strong> <span>${item.explanation}</span></p>
                  <p><button type="submit" formaction="/manage/reviews/${item.id}/approve" class="small">Approve</button>
                    <a class="button small secondary" href="/manage/reviews/${item.id}">Reject with a reason…</a></p>
                </div>
              </li>`,
            )}</ul></form>`}`,
    });
  }

  return [
    { method: 'GET', url: '/manage/reviews', access: 'manager', kind: 'page', summary: 'review queue', handler: queue },
    {
      method: 'GET',
      url: '/manage/reviews/:id',
      access: 'manager',
      kind: 'page',
      summary: 'one review with the rejection form',
      handler: async (request, reply) => {
        const id = Number(paramsOf(request).id);
        const item = (await listPendingReviews(context.db, 10_000)).find((row) => row.id === id);
        if (!item) return redirect(context, reply, '/manage/reviews', { kind: 'error', text: `Contribution #${paramsOf(request).id} is not pending.` });
        const token = csrfToken(context, request, reply);
        return page(context, request, reply, {
          title: `Review #${id}`,
          main: html`${adminNav('/manage/reviews')}<div class="narrow"><h1>${item.title}</h1>
            <p class="meta">${item.member_name} (@${item.handle}) · ${context.config.kinds[item.kind]?.label ?? item.kind} · ${time(item.occurred_at)}</p>
            <p>Link: ${externalLink(item.url, item.url ?? '')}</p>${item.evidence_url ? html`<p>Evidence: ${externalLink(item.evidence_url, item.evidence_url)}</p>` : ''}
            <form method="post" action="/manage/reviews/${id}/approve" class="inline">${csrfField(token)}<button type="submit">Approve</button></form>
            <form method="post" action="/manage/reviews/${id}/reject" class="card form">${csrfField(token)}
              <div class="field"><label for="f-reason">Reason for the rejection (the person sees it)</label><textarea id="f-reason" name="reason" required maxlength="500" rows="3"></textarea></div>
              <button type="submit" class="danger">Reject</button></form></div>`,
        });
      },
    },
    {
      method: 'POST',
      url: '/manage/reviews/:id/approve',
      access: 'manager',
      kind: 'page',
      summary: 'approve a contribution',
      handler: async (request, reply) => {
        const row = await decide(request, Number(paramsOf(request).id), true, text(formBody(request), 'note') || null);
        context.cache.clear();
        return redirect(context, reply, '/manage/reviews', { kind: 'notice', text: `Approved “${row.title}”.` });
      },
    },
    {
      method: 'POST',
      url: '/manage/reviews/:id/reject',
      access: 'manager',
      kind: 'page',
      summary: 'reject a contribution',
      handler: async (request, reply) => {
        const reason = text(formBody(request), 'reason');
        if (!reason) return redirect(context, reply, `/manage/reviews/${paramsOf(request).id}`, { kind: 'error', text: 'A rejection needs a reason.' });
        const row = await decide(request, Number(paramsOf(request).id), false, reason);
        context.cache.clear();
        return redirect(context, reply, '/manage/reviews', { kind: 'notice', text: `Rejected “${row.title}”.` });
      },
    },
    {
      method: 'POST',
      url: '/manage/reviews/bulk',
      access: 'manager',
      kind: 'page',
      summary: 'approve or reject many contributions',
      handler: async (request, reply) => {
        const body = formBody(request);
        const ids = list(body, 'ids').map(Number).filter((n) => Number.isInteger(n) && n > 0);
        const approve = text(body, 'decision') !== 'reject';
        const reason = text(body, 'reason') || null;
        if (ids.length === 0) return redirect(context, reply, '/manage/reviews', { kind: 'error', text: 'Select at least one contribution.' });
        if (!approve && !reason) return redirect(context, reply, '/manage/reviews', { kind: 'error', text: 'A rejection needs a reason.' });
        const failures: string[] = [];
        for (const id of ids) {
          try {
            await decide(request, id, approve, reason);
          } catch (error) {
            if (!(error instanceof UserError)) throw error;
            failures.push(`#${id}: ${error.message}`);
          }
        }
        context.cache.clear();
        const done = ids.length - failures.length;
        return redirect(context, reply, '/manage/reviews', {
          kind: failures.length ? 'error' : 'notice',
          text: `${approve ? 'Approved' : 'Rejected'} ${done} contribution${done === 1 ? '' : 's'}.${failures.length ? ` Not done: ${failures.join('; ')}` : ''}`,
        });
      },
    },
  ];
}
