// An ambassador's dashboard (status, what waits, where to go next) and their contributions.
import { listMemberContributions } from '../../store/contributions.js';
import { listIdentities } from '../../store/identities.js';
import { memberStatuses } from '../../store/statuses.js';
import type { WebContext } from '../context.js';
import { html, type Html } from '../html.js';
import type { Identity } from '../../store/schema.js';
import { page, type Route } from '../routing.js';
import { emptyState, statusBadge, time } from '../views/components.js';
import { contributionTable, me } from './own.js';

/** Link, verify, contribute: shown until all three are done. */
function firstRunChecklist(identities: Identity[], hasCounted: boolean, hasPending: boolean): Html {
  const steps = [
    { done: identities.length > 0, text: html`<a href="/me/identities">Link an identity</a> (GitHub, Stack Exchange, your blog's feed…)` },
    { done: identities.some((i) => i.verified_at), text: html`<a href="/me/identities">Verify it</a> with the code we give you, so what it finds counts` },
    {
      done: hasCounted,
      text: html`Make your first counted contribution, or <a href="/me/submit">submit one</a>${hasPending && !hasCounted ? ' (one is waiting for review)' : ''}`,
    },
  ];
  if (steps.every((step) => step.done)) return html``;
  const left = steps.filter((step) => !step.done).length;
  return html`<section class="card" aria-labelledby="checklist-title"><h2 id="checklist-title">Getting started: ${left} ${left === 1 ? 'step' : 'steps'} to go</h2>
    <ol class="checklist">${steps.map((step) => html`<li><span class="${step.done ? 'done' : 'todo'}">${step.done ? '✓ Done' : 'To do'}</span> <span>${step.text}</span></li>`)}</ol></section>`;
}

export function dashboardRoutes(context: WebContext): Route[] {
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
        const counted = await context.db.selectFrom('contributions').select('id').where('member_id', '=', member.id).where('review_state', '=', 'counted').limit(1).executeTakeFirst();
        const checklist = firstRunChecklist(identities, Boolean(counted), open.length > 0);
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
              ${status?.daysLeft !== null && status?.daysLeft !== undefined && status.daysLeft >= 0 && (status.status === 'active' || status.status === 'lapsing')
                ? html`<p><span class="days-left">${status.daysLeft}</span> ${status.daysLeft === 1 ? 'day' : 'days'} left in your status window</p>`
                : ''}
            </section>
            ${checklist}
            <div class="tiles">
              <a class="tile card" href="/me/submit"><strong>Submit a contribution</strong><span>Talks, workshops, mentoring…</span></a>
              <a class="tile card" href="/me/identities"><strong>Identities</strong><span>${identities.length} linked, ${identities.filter((i) => i.verified_at).length} verified</span></a>
              <a class="tile card" href="/me/contributions"><strong>My contributions</strong><span>With points and reasons</span></a>
              <a class="tile card" href="/me/profile"><strong>Edit profile</strong><span>Name, bio, avatar</span></a>
              <a class="tile card" href="/me/settings"><strong>Settings</strong><span>Links, privacy, emails</span></a>
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
  ];
}
