// The review desk for a large program: the true count, pages, oldest first, filters (category,
// kind, age, member, source, assignee), search, anomaly flags and the member's record beside
// each item. Every action has its own <form>, so Enter does that form's action: Enter in the
// reason box rejects. Bulk decisions and revoking an approval go through a confirmation page
// (no JavaScript needed). Every decision is audited, kept in the item's thread and told.
import { pointsText } from '../../domain/awards.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CATEGORIES, CATEGORY_LABELS, isCategory } from '../../domain/categories.js';
import { mayActOn, type Role } from '../../domain/permissions.js';
import { notifyApprovalRevoked, notifyChangesRequested, notifyReviewDecision } from '../../notify/events.js';
import { decideReview, requireContribution } from '../../store/contributions.js';
import { UserError } from '../../store/errors.js';
import {
  anomaliesOf,
  assignReview,
  listReviewDesk,
  memberContexts,
  requestChanges,
  REVIEW_PAGE_SIZE,
  revokeApproval,
  reviewThread,
  type Anomaly,
  type DeskItem,
  type MemberContext,
  type ReviewFilters,
} from '../../store/reviews.js';
import type { ContributionRow } from '../../store/schema.js';
import type { WebContext } from '../context.js';
import { externalLink, html, type Html } from '../html.js';
import { formBody, list, page, paramsOf, positiveInt, queryOf, redirect, text, type Route } from '../routing.js';
import { csrfField, emptyState, pagination, time } from '../views/components.js';
import { csrfToken } from '../session.js';
import { notFound } from '../errors.js';
import { THREAD_WORDS } from '../account/submissions.js';
import { adminNav } from './nav.js';

/** Reasons a reviewer picks from instead of typing the same words again. */
export const CANNED_REASONS = [
  'The link does not show this contribution.',
  'There is no evidence that you did it: add the slides, a recording or the programme.',
  'The date does not match the event or the publication.',
  'This is already counted.',
  'This kind of work is not part of the program.',
];

const AGE_CHOICES = [
  { value: '', label: 'Any age' },
  { value: '1', label: 'Waiting 1 day or more' },
  { value: '7', label: 'Waiting 7 days or more' },
  { value: '14', label: 'Waiting 14 days or more' },
  { value: '30', label: 'Waiting 30 days or more' },
];

type Viewer = { id: number; role: Role; handle: string };

export function reviewRoutes(context: WebContext): Route[] {
  const viewerOf = (request: FastifyRequest): Viewer => {
    const member = request.viewer!.member;
    return { id: member.id, role: member.role, handle: member.handle };
  };
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

  function filtersOf(query: Record<string, string>): ReviewFilters {
    const age = Number(query.age);
    const assigned = query.assigned === 'me' || query.assigned === 'none' ? query.assigned : undefined;
    return {
      category: query.category && isCategory(query.category) ? query.category : undefined,
      kind: query.kind && context.config.kinds[query.kind] ? query.kind : undefined,
      source: query.source ? query.source.slice(0, 40) : undefined,
      member: query.member ? query.member.replace(/^@/, '').slice(0, 39) : undefined,
      olderThanDays: Number.isInteger(age) && age > 0 && age <= 3650 ? age : undefined,
      search: query.q ? query.q.slice(0, 200) : undefined,
      assigned,
      sort: query.sort === 'newest' ? 'newest' : 'oldest',
    };
  }

  async function managers() {
    return context.db.selectFrom('members').select(['id', 'handle', 'name']).where('role', 'in', ['manager', 'admin']).where('state', '=', 'registered').orderBy('handle').execute();
  }

  async function sourcesInQueue() {
    const rows = await context.db.selectFrom('contributions').select('source').distinct().where('review_state', '=', 'pending').orderBy('source').execute();
    return rows.map((r) => r.source);
  }

  function anomalyList(anomalies: Anomaly[]): Html {
    if (anomalies.length === 0) return html``;
    return html`<ul class="anomalies" aria-label="Look twice">${anomalies.map((a) => html`<li class="anomaly anomaly-${a.code}"><strong>Check:</strong> ${a.text}</li>`)}</ul>`;
  }

  function memberLine(item: DeskItem, record: MemberContext | undefined): Html {
    if (!record) return html``;
    return html`<p class="meta member-context">Member since ${time(item.member_joined_at)} · ${record.counted} counted · ${record.rejected} not approved · ${record.pending} waiting ·
      ${record.verifiedIdentities} verified identit${record.verifiedIdentities === 1 ? 'y' : 'ies'}${record.lastCounted ? html` · last counted ${time(record.lastCounted)}` : ''}
      · <a href="/manage/members/${item.handle}">member page<span class="visually-hidden"> of ${item.member_name}</span></a></p>`;
  }

  function actionForms(token: string, item: ContributionRow, back: string, people: { id: number; handle: string }[]): Html {
    const id = item.id;
    const label = (words: string) => html`${words}<span class="visually-hidden"> “${item.title}”</span>`;
    return html`<div class="review-actions">
      <form method="post" action="/manage/reviews/${id}/approve" class="inline approve-form">${csrfField(token)}<input type="hidden" name="back" value="${back}">
        <button type="submit" class="small">${label('Approve')}</button></form>
      <form method="post" action="/manage/reviews/${id}/reject" class="reject-form">${csrfField(token)}<input type="hidden" name="back" value="${back}">
        <div class="field inline-field"><label for="reason-${id}">Reason (the person sees it)</label>
          <input id="reason-${id}" name="reason" maxlength="500" list="canned-reasons" autocomplete="off"></div>
        <div class="field"><label for="canned-${id}">Or a common reason</label>
          <select id="canned-${id}" name="canned"><option value="">—</option>${CANNED_REASONS.map((r, n) => html`<option value="${n}">${r}</option>`)}</select></div>
        <button type="submit" class="small danger">${label('Reject')}</button>
        <button type="submit" class="small secondary" formaction="/manage/reviews/${id}/changes">${label('Ask for changes')}</button>
      </form>
      <form method="post" action="/manage/reviews/${id}/assign" class="assign-form">${csrfField(token)}<input type="hidden" name="back" value="${back}">
        <div class="field"><label for="assignee-${id}">Reviewer</label>
          <select id="assignee-${id}" name="assignee"><option value="">Nobody</option>${people.map((p) => html`<option value="${p.id}"${p.id === item.assigned_to ? html` selected` : ''}>@${p.handle}</option>`)}</select></div>
        <button type="submit" class="small secondary">${label('Assign')}</button>
      </form></div>`;
  }

  async function desk(request: FastifyRequest, reply: FastifyReply) {
    const viewer = viewerOf(request);
    const query = queryOf(request);
    const filters = filtersOf(query);
    const pageNumber = positiveInt(query.page, 1, 100_000);
    const now = context.now();
    const { items, total, allPending } = await listReviewDesk(context.db, filters, { page: pageNumber, viewerId: viewer.id, now });
    const pages = Math.max(1, Math.ceil(total / REVIEW_PAGE_SIZE));
    // After a decision the last page may be gone: go to the page that is now the last.
    if (pageNumber > pages) {
      const params = new URLSearchParams(Object.entries(query).filter(([key, value]) => key !== 'page' && value));
      if (pages > 1) params.set('page', String(pages));
      return redirect(context, reply, `/manage/reviews${params.size ? `?${params}` : ''}`);
    }
    const [anomalies, records, people, sources] = await Promise.all([anomaliesOf(context.db, items, now), memberContexts(context.db, items.map((i) => i.member_id)), managers(), sourcesInQueue()]);
    const token = csrfToken(context, request, reply);
    const back = request.url.length < 1000 ? request.url : '/manage/reviews';
    const first = (pageNumber - 1) * REVIEW_PAGE_SIZE + 1;
    const keep: Record<string, string | undefined> = { q: query.q, category: query.category, kind: query.kind, source: query.source, member: query.member, age: query.age, assigned: query.assigned, sort: query.sort };
    const filtering = total !== allPending;
    return page(context, request, reply, {
      title: `Review desk (${allPending} pending)`,
      main: html`${adminNav('/manage/reviews')}
        <h1>Review desk <span class="subtle">(${allPending.toLocaleString('en-US')} pending)</span></h1>
        <p><a href="/manage/reviews/decided">Recent decisions (revoke an approval)</a></p>
        <form method="get" action="/manage/reviews" class="filters card" role="search" aria-label="Filter the review queue">
          <div class="field"><label for="q">Search titles and links</label><input id="q" name="q" type="search" value="${query.q ?? ''}" maxlength="200"></div>
          <div class="field"><label for="filter-category">Category</label><select id="filter-category" name="category"><option value="">All categories</option>${CATEGORIES.map((c) => html`<option value="${c}"${filters.category === c ? html` selected` : ''}>${CATEGORY_LABELS[c]}</option>`)}</select></div>
          <div class="field"><label for="filter-kind">Kind</label><select id="filter-kind" name="kind"><option value="">All kinds</option>${Object.entries(context.config.kinds).map(([name, k]) => html`<option value="${name}"${filters.kind === name ? html` selected` : ''}>${k.label}</option>`)}</select></div>
          <div class="field"><label for="filter-source">Source</label><select id="filter-source" name="source"><option value="">All sources</option><option value="submission"${filters.source === 'submission' ? html` selected` : ''}>Submitted by people</option><option value="sources"${filters.source === 'sources' ? html` selected` : ''}>Found by sources</option>${sources.filter((s) => s !== 'submission').map((s) => html`<option value="${s}"${filters.source === s ? html` selected` : ''}>${s}</option>`)}</select></div>
          <div class="field"><label for="filter-member">Member handle</label><input id="filter-member" name="member" value="${query.member ?? ''}" maxlength="40"></div>
          <div class="field"><label for="filter-age">Age</label><select id="filter-age" name="age">${AGE_CHOICES.map((a) => html`<option value="${a.value}"${(query.age ?? '') === a.value ? html` selected` : ''}>${a.label}</option>`)}</select></div>
          <div class="field"><label for="filter-assigned">Assigned</label><select id="filter-assigned" name="assigned"><option value="">Anyone or nobody</option><option value="me"${filters.assigned === 'me' ? html` selected` : ''}>To me</option><option value="none"${filters.assigned === 'none' ? html` selected` : ''}>To nobody</option></select></div>
          <div class="field"><label for="filter-sort">Order</label><select id="filter-sort" name="sort"><option value="oldest">Oldest first</option><option value="newest"${filters.sort === 'newest' ? html` selected` : ''}>Newest first</option></select></div>
          <button type="submit">Filter</button>${filtering || query.q ? html` <a href="/manage/reviews">Clear filters</a>` : ''}
        </form>
        <p class="result-count" role="status">${total === 0 ? 'No pending items match.' : html`Showing ${first.toLocaleString('en-US')}–${(first + items.length - 1).toLocaleString('en-US')} of ${total.toLocaleString('en-US')} ${filtering ? 'matching' : 'pending'} item${total === 1 ? '' : 's'}${filtering ? html` (${allPending.toLocaleString('en-US')} pending in all)` : ''}, ${filters.sort === 'newest' ? 'newest' : 'oldest'} first.`}</p>
        ${items.length === 0
          ? emptyState('Nothing to review', filtering ? 'Nothing matches these filters.' : 'New submissions appear here.')
          : html`<form method="post" action="/manage/reviews/bulk" id="bulk" class="bulk-bar card">${csrfField(token)}<input type="hidden" name="back" value="${back}">
              <div class="check"><input type="checkbox" id="select-all" data-select-all="ids"><label for="select-all">Select all on this page</label></div>
              <div class="field"><label for="bulk-decision">With the selected</label><select id="bulk-decision" name="decision"><option value="approve">Approve</option><option value="reject">Reject</option></select></div>
              <div class="field inline-field"><label for="bulk-reason">Reason (required to reject)</label><input id="bulk-reason" name="reason" maxlength="500"></div>
              <button type="submit">Review the selected…</button>
            </form>
            <datalist id="canned-reasons">${CANNED_REASONS.map((r) => html`<option value="${r}"></option>`)}</datalist>
            <ul class="review-list">${items.map(
              (item) => html`<li class="card review-item" id="item-${item.id}">
                <div class="check"><input type="checkbox" name="ids" value="${item.id}" id="pick-${item.id}" form="bulk"><label for="pick-${item.id}"><span class="visually-hidden">Select “${item.title}”</span></label></div>
                <div class="review-body">
                  <h2 class="review-title">${externalLink(item.url, item.title)}</h2>
                  <p class="meta"><a href="/manage/members/${item.handle}">${item.member_name}</a> (@${item.handle}) · ${context.config.kinds[item.kind]?.label ?? item.kind} ·
                    ${isCategory(item.category) ? CATEGORY_LABELS[item.category] : item.category} · dated ${time(item.occurred_at)} · ${item.source === 'submission' ? 'submitted' : `found by ${item.source}`} ${time(item.created_at)}
                    ${item.assignee_handle ? html` · assigned to @${item.assignee_handle}` : ''} · <a href="/manage/reviews/${item.id}">thread #${item.id}</a></p>
                  ${memberLine(item, records.get(item.member_id))}
                  ${anomalyList(anomalies.get(item.id) ?? [])}
                  ${item.evidence_url ? html`<p>Evidence: ${externalLink(item.evidence_url, item.evidence_url)}</p>` : ''}
                  ${typeof item.metadata.pendingReason === 'string' ? html`<p class="meta">Waiting because ${item.metadata.pendingReason}.</p>` : ''}
                  <p class="explanation"><strong>${pointsText(item.points)} if approved</strong> <span>${item.explanation}</span></p>
                  ${actionForms(token, item, back, people)}
                </div>
              </li>`,
            )}</ul>`}
        ${pagination('/manage/reviews', keep, pageNumber, pages)}`,
    });
  }

  const reasonOf = (body: Record<string, string | string[]>) => {
    const typed = text(body, 'reason');
    const canned = CANNED_REASONS[Number(text(body, 'canned'))];
    return (typed || (text(body, 'canned') !== '' ? canned : '') || '').slice(0, 500);
  };

  async function threadPage(request: FastifyRequest, reply: FastifyReply) {
    const id = Number(paramsOf(request).id);
    const viewer = viewerOf(request);
    let row: ContributionRow;
    try {
      row = await requireContribution(context.db, Number.isSafeInteger(id) && id > 0 && id <= 2_147_483_647 ? id : -1);
    } catch {
      throw notFound(`no contribution #${paramsOf(request).id}`);
    }
    const member = await context.db.selectFrom('members').select(['id', 'handle', 'name', 'joined_at', 'role']).where('id', '=', row.member_id).executeTakeFirstOrThrow();
    const item: DeskItem = { ...row, handle: member.handle, member_name: member.name, member_joined_at: member.joined_at, member_role: member.role, assignee_handle: null };
    const [thread, anomalies, records, people] = await Promise.all([reviewThread(context.db, id), anomaliesOf(context.db, [item], context.now()), memberContexts(context.db, [row.member_id]), managers()]);
    const token = csrfToken(context, request, reply);
    const own = member.id === viewer.id;
    return page(context, request, reply, {
      title: `Review #${id}: ${row.title}`,
      main: html`${adminNav('/manage/reviews')}<div class="narrow"><p><a href="/manage/reviews">← Review desk</a></p><h1>${row.title}</h1>
        <p class="meta">${member.name} (@${member.handle}) · ${context.config.kinds[row.kind]?.label ?? row.kind} · dated ${time(row.occurred_at)} · ${row.review_state === 'pending' ? 'waiting for review' : row.changes_requested ? 'changes requested' : row.review_state}</p>
        ${memberLine(item, records.get(member.id))}
        ${anomalyList(anomalies.get(id) ?? [])}
        <p>Link: ${externalLink(row.url, row.url ?? '')}</p>${row.evidence_url ? html`<p>Evidence: ${externalLink(row.evidence_url, row.evidence_url)}</p>` : ''}
        ${row.review_reason ? html`<p>Reason given: ${row.review_reason}</p>` : ''}
        ${own ? html`<p class="meta">This is your own contribution; another manager reviews it.</p>`
          : row.review_state === 'pending' ? actionForms(token, row, `/manage/reviews/${id}`, people)
          : row.review_state === 'counted' ? html`<p><a class="button secondary" href="/manage/reviews/${id}/revoke">Revoke the approval…</a></p>` : ''}
        <section class="card" aria-labelledby="thread-title"><h2 id="thread-title">Thread</h2>
          ${thread.length === 0 ? html`<p>No events recorded.</p>` : html`<ol class="thread">${thread.map((e) => html`<li>${time(e.at)} · ${THREAD_WORDS[e.action] ?? e.action}${e.actor_handle ? html` by @${e.actor_handle}` : ''}${e.note ? html`: <q>${e.note}</q>` : ''}</li>`)}</ol>`}
        </section></div>`,
    });
  }

  async function decided(request: FastifyRequest, reply: FastifyReply) {
    const query = queryOf(request);
    const pageNumber = positiveInt(query.page, 1, 100_000);
    const base = context.db.selectFrom('contributions').where('reviewed_at', 'is not', null).where('review_state', 'in', ['counted', 'rejected']);
    const { n } = await base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    const total = Number(n);
    const pages = Math.max(1, Math.ceil(total / REVIEW_PAGE_SIZE));
    if (pageNumber > pages) throw notFound(`there are ${pages} pages of decisions`);
    const rows = await base
      .innerJoin('members', 'members.id', 'contributions.member_id')
      .leftJoin('members as reviewer', 'reviewer.id', 'contributions.reviewed_by')
      .select(['contributions.id', 'contributions.title', 'contributions.url', 'contributions.review_state', 'contributions.changes_requested', 'contributions.review_reason', 'contributions.reviewed_at', 'members.handle', 'reviewer.handle as reviewer_handle'])
      .orderBy('contributions.reviewed_at', 'desc')
      .orderBy('contributions.id', 'desc')
      .limit(REVIEW_PAGE_SIZE)
      .offset((pageNumber - 1) * REVIEW_PAGE_SIZE)
      .execute();
    return page(context, request, reply, {
      title: 'Recent review decisions',
      main: html`${adminNav('/manage/reviews')}<h1>Recent review decisions <span class="subtle">(${total.toLocaleString('en-US')})</span></h1>
        <p><a href="/manage/reviews">← Review desk</a></p>
        ${rows.length === 0 ? emptyState('No decisions yet', 'Approvals and rejections appear here.') : html`<div class="table-wrap" tabindex="0" role="region" aria-label="Decisions"><table>
          <thead><tr><th scope="col">Decided</th><th scope="col">Contribution</th><th scope="col">Decision</th><th scope="col">Action</th></tr></thead>
          <tbody>${rows.map((r) => html`<tr><td>${r.reviewed_at ? time(r.reviewed_at) : ''}</td>
            <td><a href="/manage/reviews/${r.id}">${r.title}</a><br><span class="meta">@${r.handle}</span></td>
            <td>${r.review_state === 'counted' ? 'Approved' : r.changes_requested ? 'Changes requested' : 'Not approved'}${r.reviewer_handle ? html` by @${r.reviewer_handle}` : ''}${r.review_reason ? html`<br><span class="meta">${r.review_reason}</span>` : ''}</td>
            <td>${r.review_state === 'counted' ? html`<a href="/manage/reviews/${r.id}/revoke">Revoke<span class="visually-hidden"> the approval of “${r.title}”</span>…</a>` : ''}</td></tr>`)}</tbody></table></div>`}
        ${pagination('/manage/reviews/decided', {}, pageNumber, pages)}`,
    });
  }

  const refuse = (reply: FastifyReply, back: string, error: unknown) => {
    // Refusals by role answer 403; a decision that no longer applies goes back with the reason.
    if (error instanceof UserError && error.code !== 'forbidden') return redirect(context, reply, back, { kind: 'error', text: error.message });
    throw error;
  };

  return [
    { method: 'GET', url: '/manage/reviews', access: 'manager', kind: 'page', summary: 'review desk', handler: desk },
    { method: 'GET', url: '/manage/reviews/decided', access: 'manager', kind: 'page', summary: 'recent review decisions', handler: decided },
    { method: 'GET', url: '/manage/reviews/:id', access: 'manager', kind: 'page', summary: 'one review with its thread and actions', handler: threadPage },
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
