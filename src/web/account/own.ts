// What an ambassador's own pages share: who is signed in, how their contributions are shown
// and finding one of their own identities.
import type { FastifyRequest } from 'fastify';
import { CATEGORY_LABELS, isCategory } from '../../domain/categories.js';
import type { listMemberContributions } from '../../store/contributions.js';
import type { Member } from '../../store/schema.js';
import type { WebContext } from '../context.js';
import { externalLink, html } from '../html.js';
import { formatPoints, time } from '../views/components.js';
import { notFound } from '../errors.js';

export const me = (request: FastifyRequest): Member => request.viewer!.member;
export const actorOf = (request: FastifyRequest) => `web:${me(request).handle}`;

const STATE_LABELS: Record<string, string> = { counted: 'Counted', pending: 'Pending review', rejected: 'Not approved', excluded: 'Excluded' };

export function contributionTable(context: WebContext, rows: Awaited<ReturnType<typeof listMemberContributions>>, showPoints: boolean) {
  return html`<div class="table-wrap" tabindex="0" role="region" aria-label="Contributions"><table>
    <thead><tr><th scope="col">Date</th><th scope="col">Contribution</th><th scope="col">State</th>${showPoints ? html`<th scope="col">Points</th>` : ''}</tr></thead>
    <tbody>${rows.map(
      (row) => html`<tr><td>${time(row.occurred_at)}</td>
        <td>${externalLink(row.url, row.title)}<br><span class="meta">${context.config.kinds[row.kind]?.label ?? row.kind} · ${isCategory(row.category) ? CATEGORY_LABELS[row.category] : row.category}</span></td>
        <td><span class="state state-${row.review_state}">${row.changes_requested ? 'Changes requested' : (STATE_LABELS[row.review_state] ?? row.review_state)}</span>${row.review_reason ? html`<br><span class="meta">Reason: ${row.review_reason}</span>` : ''}
          ${row.source === 'submission' && (row.review_state === 'pending' || row.review_state === 'rejected')
            ? html`<br><a href="/me/submissions/${row.id}/edit">${row.review_state === 'pending' ? html`Edit or withdraw<span class="visually-hidden"> “${row.title}”</span>` : html`Fix and resubmit<span class="visually-hidden"> “${row.title}”</span>`}</a>`
            : ''}</td>
        ${showPoints ? html`<td><strong>${formatPoints(row.points)}</strong><br><span class="meta">${row.explanation}</span></td>` : ''}</tr>`,
    )}</tbody></table></div>`;
}

export async function ownIdentity(context: WebContext, memberId: number, id: number) {
  const identity = Number.isSafeInteger(id) && id > 0 && id <= 2_147_483_647
    ? await context.db.selectFrom('identities').selectAll().where('id', '=', id).where('member_id', '=', memberId).executeTakeFirst()
    : undefined;
  if (!identity) throw notFound('no such identity on your profile');
  return identity;
}
