// The member console for a program of a thousand people: search by name, handle or email;
// filters (status, lapsing this month, unverified identities, role, staff, bot, country);
// sortable columns; pages; bulk actions (message, mark staff or bot, suspend with a reason)
// after a confirmation page. Segments (filters, who the viewer may act on, messages) are in
// member-segments.ts, messages to a segment in member-messages.ts, the member page and its
// writes in member-page.ts. Every write asks mayActOn first, per person.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { countryChoices, countryName } from '../../domain/countries.js';
import { UserError } from '../../store/errors.js';
import type { MemberSort } from '../../store/member-console.js';
import { changeMemberState, requireMember, setMemberFlags } from '../../store/members.js';
import type { WebContext } from '../context.js';
import { html, type Html } from '../html.js';
import { actorOf, memberRecordRoutes } from './member-page.js';
import { formBody, list, page, positiveInt, queryOf, redirect, text, type Route } from '../routing.js';
import {
  csrfField,
  emptyState,
  field,
  formatPoints,
  pagination,
  statusBadge,
  time,
} from '../views/components.js';
import { csrfToken } from '../session.js';
import { notFound } from '../errors.js';
import { memberMessageRoutes } from './member-messages.js';
import { keptQuery, queryString, segmentTools } from './member-segments.js';
import { adminNav } from './nav.js';

const PAGE = 50;
const SORT_LABELS: Record<MemberSort, string> = {
  name: 'Member',
  handle: 'Handle',
  joined: 'Joined',
  status: 'Status',
  points: 'Points this year',
  last: 'Last contribution',
};
const BULK_ACTIONS = {
  message: 'Send a message',
  staff: 'Mark as program staff',
  bot: 'Mark as bot account',
  suspend: 'Suspend',
} as const;
type BulkAction = keyof typeof BULK_ACTIONS;

export function memberConsoleRoutes(context: WebContext): Route[] {
  const { matching, partition, sendMessage, messageFields } = segmentTools(context);

  function sortHeader(query: Record<string, string>, sort: MemberSort): Html {
    const current = (query.sort || 'name') === sort;
    const descending = current && query.dir === 'desc';
    const target = queryString({
      ...keptQuery(query),
      sort,
      dir: current && !descending ? 'desc' : undefined,
      page: undefined,
    });
    const ariaSort = current ? (descending ? 'descending' : 'ascending') : null;
    return html`<th scope="col" ${ariaSort ? html` aria-sort="${ariaSort}"` : ''}>
      <a href="/manage/members${target}"
        >${SORT_LABELS[sort]}${current ? (descending ? ' ↓' : ' ↑') : ''}<span class="visually-hidden"
          >${current ? '' : ', sort by this column'}</span
        ></a
      >
    </th>`;
  }

  async function consolePage(request: FastifyRequest, reply: FastifyReply) {
    const query = queryOf(request);
    const all = await matching(query);
    const pages = Math.max(1, Math.ceil(all.length / PAGE));
    const pageNumber = positiveInt(query.page, 1, 100_000);
    if (pageNumber > pages)
      throw notFound(
        `there ${pages === 1 ? 'is 1 page' : `are ${pages} pages`} of members for these filters`,
      );
    const rows = all.slice((pageNumber - 1) * PAGE, pageNumber * PAGE);
    const token = csrfToken(context, request, reply);
    const kept = keptQuery(query);
    const back = `/manage/members${queryString({ ...kept, page: query.page })}`;
    const choice = (name: string, label: string, choices: [string, string][]) =>
      html`<div class="field">
        <label for="filter-${name}">${label}</label
        ><select id="filter-${name}" name="${name}">
          ${choices.map(([value, words]) => html`<option value="${value}" ${(query[name] ?? '') === value ? html` selected` : ''}>${words}</option>`)}
        </select>
      </div>`;
    return page(context, request, reply, {
      title: `Members (${all.length})`,
      main: html`${adminNav('/manage/members')}
        <h1>Members <span class="subtle">(${all.length.toLocaleString('en-US')})</span></h1>
        <p>
          Segments: <a href="/manage/members?segment=lapsing-this-month">Lapsing this month</a> ·
          <a href="/manage/members?status=inactive">Inactive</a> ·
          <a href="/manage/members?unverified=yes">Unverified identities</a> ·
          <a href="/manage/members?staff=yes">Staff</a>
        </p>
        <form
          method="get"
          action="/manage/members"
          class="filters card"
          role="search"
          aria-label="Find members"
        >
          <div class="field">
            <label for="filter-q">Name, handle or email</label
            ><input id="filter-q" type="search" name="q" value="${query.q ?? ''}" maxlength="200" />
          </div>
          ${choice('status', 'Status', [
            ['', 'Any status'],
            ['active', 'Active'],
            ['lapsing', 'Lapsing soon'],
            ['inactive', 'Inactive'],
            ['suspended', 'Suspended'],
          ])}
          ${choice('segment', 'Segment', [
            ['', 'Everyone'],
            ['lapsing-this-month', 'Lapsing this month'],
          ])}
          ${choice('unverified', 'Identities', [
            ['', 'Any'],
            ['yes', 'With unverified identities'],
          ])}
          ${choice('role', 'Role', [
            ['', 'Any role'],
            ['ambassador', 'Ambassador'],
            ['manager', 'Manager'],
            ['admin', 'Administrator'],
          ])}
          ${choice('staff', 'Staff', [
            ['', 'Staff or not'],
            ['yes', 'Staff'],
            ['no', 'Not staff'],
          ])}
          ${choice('bot', 'Bots', [
            ['', 'Bots or not'],
            ['yes', 'Bots'],
            ['no', 'Not bots'],
          ])}
          <div class="field">
            <label for="filter-country">Country</label
            ><select id="filter-country" name="country">
              <option value="">Any country</option>
              ${countryChoices().map((c) => html`<option value="${c.code}" ${query.country === c.code ? html` selected` : ''}>${c.name}</option>`)}
            </select>
          </div>
          <input type="hidden" name="sort" value="${query.sort ?? ''}" /><input
            type="hidden"
            name="dir"
            value="${query.dir ?? ''}"
          />
          <div class="filter-actions">
            <button type="submit">Find</button> <a href="/manage/members">Clear</a>
          </div>
        </form>
        <p>
          <a class="button secondary" href="/manage/members/message${queryString(kept)}"
            >Message everyone matching (${all.length.toLocaleString('en-US')})…</a
          >
          <a class="button secondary" href="/manage/exports/members.csv">Members CSV</a>
        </p>
        ${
          rows.length === 0
            ? emptyState('No members match', 'Try another search or fewer filters.')
            : html` <form method="post" action="/manage/members/bulk" id="bulk" class="bulk-bar card">
                  ${csrfField(token)}<input type="hidden" name="back" value="${back}" />
                  <div class="check">
                    <input type="checkbox" id="select-all" data-select-all="handles" /><label for="select-all"
                      >Select all on this page</label
                    >
                  </div>
                  <div class="field">
                    <label for="bulk-action">With the selected</label
                    ><select id="bulk-action" name="action">
                      ${Object.entries(BULK_ACTIONS).map(([value, label]) => html`<option value="${value}">${label}</option>`)}
                    </select>
                  </div>
                  <button type="submit">Continue…</button>
                </form>
                <div class="table-wrap" tabindex="0" role="region" aria-label="Members">
                  <table class="members-table">
                    <thead>
                      <tr>
                        <th scope="col"><span class="visually-hidden">Select</span></th>
                        ${sortHeader(query, 'name')}
                        <th scope="col">Email</th>
                        <th scope="col">Role</th>
                        ${sortHeader(query, 'status')}
                        <th scope="col">Active until</th>
                        ${sortHeader(query, 'points')}${sortHeader(query, 'last')}
                        <th scope="col">Country</th>
                        ${sortHeader(query, 'joined')}
                      </tr>
                    </thead>
                    <tbody>
                      ${rows.map(
                        (m) =>
                          html`<tr>
                            <td>
                              <input
                                type="checkbox"
                                name="handles"
                                value="${m.handle}"
                                id="pick-${m.id}"
                                form="bulk"
                              /><label for="pick-${m.id}"
                                ><span class="visually-hidden">Select ${m.name}</span></label
                              >
                            </td>
                            <td>
                              <a href="/manage/members/${m.handle}">${m.name}</a>
                              <span class="meta">@${m.handle}</span
                              >${m.isStaff ? html` <span class="pill">staff</span>` : ''}${m.isBot ? html` <span class="pill">bot</span>` : ''}${m.unverifiedIdentities ? html` <span class="pill">${m.unverifiedIdentities} unverified</span>` : ''}
                            </td>
                            <td>${m.email ?? ''}</td>
                            <td>${m.role}</td>
                            <td>${m.status ? statusBadge(m.status) : m.state}</td>
                            <td>${m.activeUntil ? time(m.activeUntil) : ''}</td>
                            <td class="num">${formatPoints(m.pointsThisYear)}</td>
                            <td>${m.lastContribution ? time(m.lastContribution) : ''}</td>
                            <td>${m.country ? countryName(m.country) : ''}</td>
                            <td>${time(m.joinedAt)}</td>
                          </tr>`,
                      )}
                    </tbody>
                  </table>
                </div>`
        }
        ${pagination('/manage/members', kept, pageNumber, pages)}`,
    });
  }

  return [
    {
      method: 'GET',
      url: '/manage/members',
      access: 'manager',
      kind: 'page',
      summary: 'member console: search, filters, sorting, pages',
      handler: consolePage,
    },
    ...memberMessageRoutes(context),
    {
      method: 'POST',
      url: '/manage/members/bulk',
      access: 'manager',
      kind: 'page',
      summary: 'message, mark or suspend many members, after a confirmation',
      handler: async (request, reply) => {
        const body = formBody(request);
        const backRaw = text(body, 'back');
        const back =
          backRaw.startsWith('/manage/members') && backRaw.length < 1000 ? backRaw : '/manage/members';
        const action = (
          Object.keys(BULK_ACTIONS).includes(text(body, 'action')) ? text(body, 'action') : 'message'
        ) as BulkAction;
        const handles = [
          ...new Set(
            list(body, 'handles')
              .slice(0, 1000)
              .filter((h) => h.length <= 39),
          ),
        ];
        if (handles.length === 0)
          return redirect(context, reply, back, { kind: 'error', text: 'Select at least one member.' });
        const people = await context.db
          .selectFrom('members')
          .select(['id', 'handle', 'name', 'role'])
          .where('handle', 'in', handles)
          .orderBy('handle')
          .execute();
        const { allowed, refused } = partition(request, people);
        const reason = text(body, 'reason').slice(0, 500);
        const subject = text(body, 'subject').slice(0, 200);
        const message = text(body, 'body').slice(0, 5000);
        const ready =
          text(body, 'confirm') === 'yes' &&
          (action === 'suspend'
            ? Boolean(reason)
            : action === 'message'
              ? Boolean(subject && message)
              : true);
        if (!ready) {
          const token = csrfToken(context, request, reply);
          const count = `${allowed.length} member${allowed.length === 1 ? '' : 's'}`;
          return page(context, request, reply, {
            title: `${BULK_ACTIONS[action]}: ${count}?`,
            main: html`${adminNav('/manage/members')}
              <div class="narrow card">
                <h1>${BULK_ACTIONS[action]}: ${count}?</h1>
                <ul>
                  ${allowed.map((p) => html`<li>${people.find((x) => x.id === p.id)!.name} <span class="meta">@${p.handle}</span></li>`)}
                </ul>
                ${refused.length ? html`<p class="meta">Left out: ${refused.join('; ')}</p>` : ''}
                <form method="post" action="/manage/members/bulk" class="form">
                  ${csrfField(token)}
                  ${allowed.map((p) => html`<input type="hidden" name="handles" value="${p.handle}" />`)}
                  <input type="hidden" name="action" value="${action}" /><input
                    type="hidden"
                    name="back"
                    value="${back}"
                  /><input type="hidden" name="confirm" value="yes" />
                  ${action === 'suspend' ? field({ name: 'reason', label: 'Reason for the suspension (kept private, told to each person)', required: true, maxlength: 500, value: reason }) : ''}
                  ${action === 'message' ? messageFields({ subject, body: message }) : ''}
                  <button type="submit" ${action === 'suspend' ? html` class="danger"` : ''}>
                    Yes, ${BULK_ACTIONS[action].toLowerCase()}: ${count}
                  </button>
                  <a class="button secondary" href="${back}">Cancel</a>
                </form>
              </div>`,
          });
        }
        let done = 0;
        const failures = [...refused];
        if (action === 'message') {
          const outcome = await sendMessage(request, allowed, subject, message);
          done = outcome.sent;
          await context.db
            .insertInto('audit_log')
            .values({
              actor: actorOf(request),
              action: 'member.message',
              subject_type: 'members',
              subject_id: allowed
                .map((p) => p.handle)
                .join(',')
                .slice(0, 500),
              reason: subject,
              details: JSON.stringify(outcome),
            })
            .execute();
        } else {
          for (const person of allowed) {
            try {
              if (action === 'suspend')
                await changeMemberState(
                  context.db,
                  person.handle,
                  { state: 'suspended', reason, effectiveOn: context.today() },
                  actorOf(request),
                );
              else {
                const current = await requireMember(context.db, person.handle);
                await setMemberFlags(
                  context.db,
                  person.handle,
                  {
                    isStaff: action === 'staff' ? true : current.is_staff,
                    isBot: action === 'bot' ? true : current.is_bot,
                  },
                  actorOf(request),
                );
              }
              done += 1;
            } catch (error) {
              if (!(error instanceof UserError)) throw error;
              failures.push(`@${person.handle}: ${error.message}`);
            }
          }
          context.cache.clear();
        }
        return redirect(context, reply, back, {
          kind: failures.length ? 'error' : 'notice',
          text: `${BULK_ACTIONS[action]}: done for ${done}.${failures.length ? ` Not done: ${failures.slice(0, 20).join('; ')}` : ''}`,
        });
      },
    },
    ...memberRecordRoutes(context),
  ];
}
