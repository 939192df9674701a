// The review desk for a large program: the true count, pages, oldest first, filters (category,
// kind, age, member, source, assignee), search, anomaly flags and the member's record beside
// each item. Every action has its own <form>, so Enter does that form's action: Enter in the
// reason box rejects. The decisions themselves (with the confirmation pages for bulk decisions
// and revoking an approval) are in review-actions.ts.
import { pointsText } from '../../domain/awards.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CATEGORIES, CATEGORY_LABELS, isCategory } from '../../domain/categories.js';
import { requireContribution } from '../../store/contributions.js';
import {
  anomaliesOf,
  listReviewDesk,
  memberContexts,
  REVIEW_PAGE_SIZE,
  reviewThread,
  type Anomaly,
  type DeskItem,
  type MemberContext,
  type ReviewFilters,
} from '../../store/reviews.js';
import type { ContributionRow } from '../../store/schema.js';
import type { WebContext } from '../context.js';
import { externalLink, html, type Html } from '../html.js';
import { page, paramsOf, positiveInt, queryOf, redirect, type Route } from '../routing.js';
import { csrfField, emptyState, pagination, time } from '../views/components.js';
import { csrfToken } from '../session.js';
import { notFound } from '../errors.js';
import { THREAD_WORDS } from '../account/submissions.js';
import { adminNav } from './nav.js';
import { CANNED_REASONS, reviewActionRoutes, viewerOf } from './review-actions.js';

const AGE_CHOICES = [
  { value: '', label: 'Any age' },
  { value: '1', label: 'Waiting 1 day or more' },
  { value: '7', label: 'Waiting 7 days or more' },
  { value: '14', label: 'Waiting 14 days or more' },
  { value: '30', label: 'Waiting 30 days or more' },
];

export function reviewRoutes(context: WebContext): Route[] {
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

  return [
    { method: 'GET', url: '/manage/reviews', access: 'manager', kind: 'page', summary: 'review desk', handler: desk },
    { method: 'GET', url: '/manage/reviews/decided', access: 'manager', kind: 'page', summary: 'recent review decisions', handler: decided },
    { method: 'GET', url: '/manage/reviews/:id', access: 'manager', kind: 'page', summary: 'one review with its thread and actions', handler: threadPage },
    ...reviewActionRoutes(context),
  ];
}
