// The member console for a program of a thousand people: search by name, handle or email;
// filters (status, lapsing this month, unverified identities, role, staff, bot, country);
// sortable columns; pages; bulk actions (message, mark staff or bot, suspend with a reason)
// after a confirmation page; messages to a segment (everyone the filters match) that respect
// each person's email preferences; and the member page: contributions, status history,
// identities with their sync state, private notes, handle and email changes. Every write asks
// mayActOn first, per person.
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CATEGORY_LABELS, isCategory } from '../../domain/categories.js';
import { countryChoices, countryName } from '../../domain/countries.js';
import { PLATFORM_LABELS, type Platform } from '../../domain/identities.js';
import { mayActOn, type Role } from '../../domain/permissions.js';
import { needsTrust } from '../../sync/review-policy.js';
import { messages } from '../../notify/messages.js';
import { listMemberContributions } from '../../store/contributions.js';
import { UserError } from '../../store/errors.js';
import { listIdentities } from '../../store/identities.js';
import {
  addNote,
  changeHandle,
  confirmEmailChange,
  consoleMembers,
  filterMembers,
  listNotes,
  SORTS,
  startEmailChange,
  type ConsoleMember,
  type MemberFilters,
  type MemberSort,
} from '../../store/member-console.js';
import { changeMemberState, requireMember, setMemberFlags } from '../../store/members.js';
import { memberStatuses } from '../../store/statuses.js';
import type { WebContext } from '../context.js';
import { externalLink, html, type Html } from '../html.js';
import {
  formBody,
  list,
  page,
  paramsOf,
  positiveInt,
  queryOf,
  redirect,
  text,
  type Route,
} from '../routing.js';
import {
  csrfField,
  emptyState,
  field,
  formatPoints,
  pagination,
  select,
  statusBadge,
  STATUS_LABELS,
  time,
} from '../views/components.js';
import { csrfToken } from '../session.js';
import { permits, requirePermission } from '../permission-check.js';
import { notFound } from '../errors.js';
import { adminNav } from './nav.js';

const PAGE = 50;
const FILTER_KEYS = [
  'q',
  'status',
  'segment',
  'unverified',
  'role',
  'staff',
  'bot',
  'country',
  'sort',
  'dir',
] as const;
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

const actorOf = (request: FastifyRequest) => `web:${request.viewer!.member.handle}`;
const yesNo = (value: string | undefined) => (value === 'yes' ? true : value === 'no' ? false : undefined);

export function filtersFrom(query: Record<string, string>): MemberFilters {
  const status = ['active', 'lapsing', 'inactive', 'suspended'].includes(query.status ?? '')
    ? (query.status as MemberFilters['status'])
    : undefined;
  const role = ['ambassador', 'manager', 'admin'].includes(query.role ?? '')
    ? (query.role as Role)
    : undefined;
  return {
    search: query.q ? query.q.slice(0, 200) : undefined,
    status,
    lapsingThisMonth: query.segment === 'lapsing-this-month' || undefined,
    unverified: query.unverified === 'yes' || undefined,
    role,
    staff: yesNo(query.staff),
    bot: yesNo(query.bot),
    country: query.country ? query.country.slice(0, 100) : undefined,
    sort: (SORTS as readonly string[]).includes(query.sort ?? '') ? (query.sort as MemberSort) : 'name',
    descending: query.dir === 'desc',
  };
}

function keptQuery(query: Record<string, string>): Record<string, string | undefined> {
  return Object.fromEntries(FILTER_KEYS.map((key) => [key, query[key] || undefined]));
}

function queryString(values: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value) params.set(key, value);
  const qs = params.toString();
  return qs ? `?${qs}` : '';
}

export function memberConsoleRoutes(context: WebContext): Route[] {
  async function matching(query: Record<string, string>) {
    const today = context.today();
    return filterMembers(await consoleMembers(context.db, context.config, today), filtersFrom(query), today);
  }

  const viewerActor = (request: FastifyRequest) => ({
    memberId: request.viewer!.member.id,
    role: request.viewer!.member.role,
  });

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

  /** Who of `members` the viewer may act on, and who not (with the reason). */
  function partition(request: FastifyRequest, members: Pick<ConsoleMember, 'id' | 'role' | 'handle'>[]) {
    const allowed: typeof members = [];
    const refused: string[] = [];
    for (const member of members) {
      const verdict = mayActOn(viewerActor(request), 'manage', { memberId: member.id, role: member.role });
      if (verdict.allowed) allowed.push(member);
      else refused.push(`@${member.handle}: ${verdict.reason}`);
    }
    return { allowed, refused };
  }

  async function sendMessage(
    request: FastifyRequest,
    recipients: { id: number }[],
    subject: string,
    body: string,
  ) {
    const batch = createHash('sha256')
      .update(`${request.viewer!.member.id}|${subject}|${body}|${context.now().toISOString()}`)
      .digest('hex')
      .slice(0, 16);
    const people = recipients.length
      ? await context.db
          .selectFrom('members')
          .select(['id', 'name', 'email', 'state'])
          .where(
            'id',
            'in',
            recipients.map((r) => r.id),
          )
          .execute()
      : [];
    const outcome = { sent: 0, skipped: 0, failed: 0 };
    for (const person of people) {
      if (!person.email || person.state !== 'registered') {
        outcome.skipped += 1;
        continue;
      }
      const result = await context.notifier.email({
        key: `segment:${batch}:${person.id}`,
        kind: 'segment-message',
        memberId: person.id,
        to: person.email,
        message: messages.programMessage(person.name, subject, body, `${context.baseUrl}/me`),
      });
      if (result === 'sent' || result === 'already-sent') outcome.sent += 1;
      else if (result === 'failed') outcome.failed += 1;
      else outcome.skipped += 1;
    }
    return outcome;
  }

  const messageFields = (values: { subject?: string; body?: string }) =>
    html` ${field({ name: 'subject', label: 'Subject', required: true, maxlength: 200, value: values.subject ?? '' })}
    ${field({ name: 'body', label: 'Message', type: 'textarea', required: true, maxlength: 5000, value: values.body ?? '', hint: 'Plain text; a blank line starts a new paragraph. It is signed with the program name and goes only to people who accept messages from the program managers.' })}`;

  return [
    {
      method: 'GET',
      url: '/manage/members',
      access: 'manager',
      kind: 'page',
      summary: 'member console: search, filters, sorting, pages',
      handler: consolePage,
    },
    {
      method: 'GET',
      url: '/manage/members/message',
      access: 'manager',
      kind: 'page',
      summary: 'write a message to everyone the filters match',
      handler: async (request, reply) => {
        const query = queryOf(request);
        const everyone = await matching(query);
        const { allowed, refused } = partition(request, everyone);
        return page(context, request, reply, {
          title: 'Message a segment',
          main: html`${adminNav('/manage/members')}
            <div class="narrow">
              <h1>
                Message ${allowed.length.toLocaleString('en-US')} member${allowed.length === 1 ? '' : 's'}
              </h1>
              <p>
                Everyone matching
                <a href="/manage/members${queryString(keptQuery(query))}">these filters</a
                >${refused.length ? `, except ${refused.length} you may not message` : ''}. People who turned
                off messages from the program managers are skipped.
              </p>
              <form
                method="post"
                action="/manage/members/message${queryString(keptQuery(query))}"
                class="card form"
              >
                ${csrfField(csrfToken(context, request, reply))} ${messageFields({})}
                <button type="submit">Review before sending…</button>
              </form>
            </div>`,
        });
      },
    },
    {
      method: 'POST',
      url: '/manage/members/message',
      access: 'manager',
      kind: 'page',
      summary: 'send a message to a segment, after a confirmation',
      handler: async (request, reply) => {
        const query = queryOf(request);
        const body = formBody(request);
        const subject = text(body, 'subject').slice(0, 200);
        const message = text(body, 'body').slice(0, 5000);
        const qs = queryString(keptQuery(query));
        if (!subject || !message)
          return redirect(context, reply, `/manage/members/message${qs}`, {
            kind: 'error',
            text: 'A message needs a subject and a text.',
          });
        const { allowed } = partition(request, await matching(query));
        if (text(body, 'confirm') !== 'yes') {
          return page(context, request, reply, {
            title: `Send “${subject}” to ${allowed.length} members?`,
            main: html`${adminNav('/manage/members')}
              <div class="narrow card">
                <h1>
                  Send “${subject}” to ${allowed.length.toLocaleString('en-US')}
                  member${allowed.length === 1 ? '' : 's'}?
                </h1>
                <pre class="message-preview">${message}</pre>
                <form method="post" action="/manage/members/message${qs}">
                  ${csrfField(csrfToken(context, request, reply))}
                  <input type="hidden" name="subject" value="${subject}" /><input
                    type="hidden"
                    name="body"
                    value="${message}"
                  /><input type="hidden" name="confirm" value="yes" />
                  <button type="submit">Yes, send it</button>
                  <a class="button secondary" href="/manage/members${qs}">Cancel</a>
                </form>
              </div>`,
          });
        }
        const outcome = await sendMessage(request, allowed, subject, message);
        await context.db
          .insertInto('audit_log')
          .values({
            actor: actorOf(request),
            action: 'member.message',
            subject_type: 'segment',
            subject_id: qs.slice(0, 500) || 'everyone',
            reason: subject,
            details: JSON.stringify(outcome),
          })
          .execute();
        return redirect(context, reply, `/manage/members${qs}`, {
          kind: 'notice',
          text: `Message sent to ${outcome.sent}; ${outcome.skipped} skipped (preferences or no email)${outcome.failed ? `; ${outcome.failed} failed and will be retried` : ''}.`,
        });
      },
    },
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
    {
      method: 'GET',
      url: '/manage/members/:handle',
      access: 'manager',
      kind: 'page',
      summary: 'one member: contributions, status history, identities, notes and manager actions',
      handler: async (request, reply) => memberPage(context, request, reply),
    },
    {
      method: 'POST',
      url: '/manage/members/:handle/notes',
      access: 'manager',
      kind: 'page',
      summary: 'add a private manager note about a member',
      handler: async (request, reply) => {
        const member = await requireMember(context.db, paramsOf(request).handle ?? '');
        requirePermission(request, 'manage', member);
        const note = text(formBody(request), 'note');
        if (!note)
          return redirect(context, reply, `/manage/members/${member.handle}#notes`, {
            kind: 'error',
            text: 'A note needs some text.',
          });
        await addNote(
          context.db,
          member.id,
          request.viewer!.member.id,
          note.slice(0, 4000),
          actorOf(request),
        );
        return redirect(context, reply, `/manage/members/${member.handle}#notes`, {
          kind: 'notice',
          text: 'Note added.',
        });
      },
    },
    {
      method: 'POST',
      url: '/manage/members/:handle/handle',
      access: 'manager',
      kind: 'page',
      summary: "change a member's handle (the old one redirects)",
      handler: async (request, reply) => {
        const member = await requireMember(context.db, paramsOf(request).handle ?? '');
        requirePermission(request, 'manage', member);
        const body = formBody(request);
        try {
          const updated = await changeHandle(
            context.db,
            member.id,
            text(body, 'handle'),
            text(body, 'reason'),
            actorOf(request),
          );
          context.cache.clear();
          return redirect(context, reply, `/manage/members/${updated.handle}`, {
            kind: 'notice',
            text: `The handle is now @${updated.handle}; /ambassadors/${member.handle} redirects to it.`,
          });
        } catch (error) {
          if (error instanceof UserError)
            return redirect(context, reply, `/manage/members/${member.handle}`, {
              kind: 'error',
              text: error.message,
            });
          throw error;
        }
      },
    },
    {
      method: 'POST',
      url: '/manage/members/:handle/email',
      access: 'manager',
      kind: 'page',
      summary: "start changing a member's email (the new address confirms)",
      handler: async (request, reply) => {
        const member = await requireMember(context.db, paramsOf(request).handle ?? '');
        requirePermission(request, 'manage', member);
        const email = text(formBody(request), 'email');
        try {
          const token = await startEmailChange(
            context.db,
            member.id,
            email,
            request.viewer!.member.id,
            actorOf(request),
            context.now(),
          );
          const link = `${context.baseUrl}/email-change/confirm?token=${token}`;
          await context.notifier.sendTransient(email, {
            subject: `Confirm your new email address for the ${context.config.program.name}`,
            text: `Hello ${member.name},\n\nA program manager changed the email address of your account to this one. Open this link within 48 hours to confirm it; until then the old address stays.\n\n${link}\n`,
            html: `<!doctype html><html><body><p>Hello ${escapeText(member.name)},</p><p>A program manager changed the email address of your account to this one. Open this link within 48 hours to confirm it; until then the old address stays.</p><p><a href="${link}">Confirm the new address</a></p></body></html>`,
          });
          return redirect(context, reply, `/manage/members/${member.handle}`, {
            kind: 'notice',
            text: `A confirmation link went to ${email}; the address changes when it is opened.`,
          });
        } catch (error) {
          if (error instanceof UserError)
            return redirect(context, reply, `/manage/members/${member.handle}`, {
              kind: 'error',
              text: error.message,
            });
          throw error;
        }
      },
    },
    {
      method: 'GET',
      url: '/email-change/confirm',
      access: 'anyone',
      kind: 'page',
      summary: 'confirm a new email address from the link sent to it',
      handler: async (request, reply) => {
        const member = await confirmEmailChange(
          context.db,
          queryOf(request).token ?? '',
          context.now(),
        ).catch((error: unknown) => {
          if (error instanceof UserError) return null;
          throw error;
        });
        return page(
          context,
          request,
          reply,
          member
            ? {
                title: 'Email address confirmed',
                main: html`<div class="narrow card">
                  <h1>Email address confirmed</h1>
                  <p>Sign-in links and messages now go to <strong>${member.email ?? ''}</strong>.</p>
                  <p><a href="/sign-in">Sign in</a></p>
                </div>`,
              }
            : {
                title: 'This link does not work',
                main: html`<div class="narrow card">
                  <h1>This link does not work</h1>
                  <p>
                    It was used already, it expired, or it is not complete. Ask for a new one in your settings, or
                    ask a program manager to send one.
                  </p>
                </div>`,
              },
          member ? 200 : 400,
        );
      },
    },
  ];
}

function escapeText(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function memberPage(context: WebContext, request: FastifyRequest, reply: FastifyReply) {
  const member = await requireMember(context.db, paramsOf(request).handle ?? '');
  const [identities, statusRows, contributions, history, notes, runs] = await Promise.all([
    listIdentities(context.db, member.id),
    memberStatuses(context.db, context.config, context.today(), { memberIds: [member.id] }),
    listMemberContributions(context.db, member.id),
    context.db
      .selectFrom('status_changes')
      .select(['from_status', 'to_status', 'effective_on', 'reason', 'changed_at', 'actor'])
      .where('member_id', '=', member.id)
      .orderBy('id', 'desc')
      .limit(50)
      .execute(),
    listNotes(context.db, member.id),
    context.db
      .selectFrom('sync_runs')
      .select(['source', 'status', 'started_at', 'finished_at', 'items_new', 'error'])
      .where('scope', '=', `member:${member.handle}`)
      .orderBy('id', 'desc')
      .limit(10)
      .execute(),
  ]);
  const status = statusRows[0];
  const token = csrfToken(context, request, reply);
  const isAdmin = request.viewer!.member.role === 'admin';
  const mayManage = permits(request, 'manage', member);
  const mayVerify = permits(request, 'verify', member);
  const mayMerge = permits(request, 'merge', member);
  const trustControl = (identity: (typeof identities)[number]) => {
    if (!needsTrust({ platform: identity.platform, externalId: identity.external_id }, context.config))
      return '';
    const what = identity.platform === 'ical' ? 'calendar' : 'forum';
    const state = identity.trusted_at
      ? html` <span class="pill">trusted ${what}</span>`
      : html` <span class="pill">${identity.platform === 'ical' ? 'events' : 'posts'} wait for review</span>`;
    if (!mayVerify) return state;
    return html`${state}
      <form method="post" action="/manage/members/${member.handle}/trust" class="inline">
        ${csrfField(token)}<input type="hidden" name="identityId" value="${identity.id}" />
        <input type="hidden" name="trusted" value="${identity.trusted_at ? 'no' : 'yes'}" /><button
          type="submit"
          class="small${identity.trusted_at ? ' secondary' : ''}"
        >
          ${identity.trusted_at ? 'Stop trusting' : `Mark ${what} trusted`}
        </button>
      </form>`;
  };
  const own = request.viewer!.member.id === member.id;
  return page(context, request, reply, {
    title: `${member.name} · Members`,
    main: html`${adminNav('/manage/members')}
      <p><a href="/manage/members">← Members</a></p>
      <h1>${member.name} <span class="subtle">@${member.handle}</span></h1>
      <p>
        ${status ? statusBadge(status.status) : ''}
        ${member.state !== 'registered' ? html`<span class="pill">${member.state}${member.state_reason ? `: ${member.state_reason}` : ''}</span>` : ''}
        <span class="meta"
          >${member.email ?? 'no email'} · role ${member.role} · joined
          ${time(member.joined_at)}${status?.activeUntil ? html` · active until ${time(status.activeUntil)}` : ''}</span
        >
        · <a href="/ambassadors/${member.handle}">public profile</a>
      </p>
      <div class="columns">
        <section class="card" aria-labelledby="identities-title">
          <h2 id="identities-title">Identities</h2>
          ${
            identities.length === 0
              ? html`<p>None linked.</p>`
              : html`<ul class="plain">
                  ${identities.map(
                    (identity) =>
                      html`<li>
                        ${PLATFORM_LABELS[identity.platform as Platform] ?? identity.platform}:
                        <span class="code">${identity.external_id}</span>
                        ${
                          identity.verified_at
                            ? html`<span class="status status-active"
                                  >verified (${identity.verification_method ?? ''})</span
                                >${trustControl(identity)}`
                            : html`<span class="status status-lapsing">not verified</span
                                >${identity.verification_code ? html` <span class="meta">code <code>${identity.verification_code}</code></span>` : ''}
                                ${mayVerify ? html`<form method="post" action="/manage/members/${member.handle}/verify" class="inline">${csrfField(token)}<input type="hidden" name="identityId" value="${identity.id}" /><button type="submit" class="small">Verify</button></form>` : ''}`
                        }
                        ${identity.flagged_at ? html`<br /><span class="meta">Flagged by sync ${time(identity.flagged_at)}: ${identity.flag_reason ?? ''}</span>` : ''}
                      </li>`,
                  )}
                </ul>`
          }
          <h3>Sync of this member</h3>
          ${
            runs.length === 0
              ? html`<p class="meta">
                  No sync of this member alone yet; the scheduled syncs cover everyone.
                </p>`
              : html`<ul class="plain">
                  ${runs.map((run) => html`<li>${run.source}: ${run.status} ${time(run.started_at)}${run.items_new ? ` · ${run.items_new} new` : ''}${run.error ? html` <span class="meta">${run.error}</span>` : ''}</li>`)}
                </ul>`
          }
        </section>
        <section class="card" aria-labelledby="membership-title">
          <h2 id="membership-title">Membership</h2>
          ${
            mayManage
              ? html`<form method="post" action="/manage/members/${member.handle}/state" class="form">
                    ${csrfField(token)}
                    <input
                      type="hidden"
                      name="state"
                      value="${member.state === 'suspended' ? 'registered' : 'suspended'}"
                    />
                    ${field({ name: 'reason', label: member.state === 'suspended' ? 'Reason to reinstate' : 'Reason to suspend', required: true, maxlength: 500 })}
                    <button type="submit" class="${member.state === 'suspended' ? '' : 'danger'}">
                      ${member.state === 'suspended' ? 'Reinstate' : 'Suspend'}
                    </button>
                  </form>
                  <form method="post" action="/manage/members/${member.handle}/flags" class="form">
                    ${csrfField(token)}
                    <div class="check">
                      <input
                        type="checkbox"
                        id="f-staff"
                        name="isStaff"
                        value="yes"
                        ${member.is_staff ? html` checked` : ''}
                      /><label for="f-staff">Program staff (not eligible for awards)</label>
                    </div>
                    <div class="check">
                      <input
                        type="checkbox"
                        id="f-bot"
                        name="isBot"
                        value="yes"
                        ${member.is_bot ? html` checked` : ''}
                      /><label for="f-bot">Bot account (left out of leaderboards)</label>
                    </div>
                    ${isAdmin ? select({ name: 'role', label: 'Role', value: member.role, choices: ['ambassador', 'manager', 'admin'].map((r) => ({ value: r, label: r })) }) : ''}
                    <button type="submit">Save flags</button>
                  </form>
                  <form method="post" action="/manage/members/${member.handle}/handle" class="form">
                    ${csrfField(token)}
                    <div class="field">
                      <label for="f-new-handle">New handle</label>
                      <p class="hint" id="f-new-handle-hint">
                        The old address /ambassadors/${member.handle} keeps working and redirects.
                      </p>
                      <input
                        id="f-new-handle"
                        name="handle"
                        required
                        maxlength="39"
                        aria-describedby="f-new-handle-hint"
                      />
                    </div>
                    <div class="field">
                      <label for="f-handle-reason">Reason for the change</label
                      ><input id="f-handle-reason" name="reason" required maxlength="500" />
                    </div>
                    <button type="submit">Change the handle</button>
                  </form>
                  <form method="post" action="/manage/members/${member.handle}/email" class="form">
                    ${csrfField(token)}
                    <div class="field">
                      <label for="f-new-email">New email address</label>
                      <p class="hint" id="f-new-email-hint">
                        A link goes to the new address; it changes only when the link is opened.
                      </p>
                      <input
                        id="f-new-email"
                        name="email"
                        type="email"
                        required
                        maxlength="254"
                        aria-describedby="f-new-email-hint"
                      />
                    </div>
                    <button type="submit">Send the confirmation link</button>
                  </form>`
              : html`<p class="meta">
                  You may not change this member's account:
                  ${own ? 'it is your own' : `a ${request.viewer!.member.role} acts only on members below them`}.
                </p>`
          }
        </section>
      </div>
      <section class="card" id="notes" aria-labelledby="notes-title">
        <h2 id="notes-title">Private notes <span class="subtle">(managers only)</span></h2>
        ${
          notes.length === 0
            ? html`<p>No notes.</p>`
            : html`<ul class="plain notes">
                ${notes.map(
                  (n) =>
                    html`<li>
                      <p>${n.body}</p>
                      <p class="meta">
                        ${n.author_handle ? `@${n.author_handle}` : 'a former manager'} ·
                        ${time(n.created_at)}
                      </p>
                    </li>`,
                )}
              </ul>`
        }
        ${
          mayManage
            ? html`<form method="post" action="/manage/members/${member.handle}/notes" class="form">
                ${csrfField(token)}
                ${field({ name: 'note', label: 'Add a note', type: 'textarea', required: true, maxlength: 4000 })}<button
                  type="submit"
                >
                  Add the note
                </button>
              </form>`
            : ''
        }
      </section>
      <section class="card" aria-labelledby="contributions-title">
        <h2 id="contributions-title">Contributions <span class="subtle">(${contributions.length})</span></h2>
        ${
          contributions.length === 0
            ? html`<p>None yet.</p>`
            : html`<div
                class="table-wrap"
                tabindex="0"
                role="region"
                aria-label="Contributions of ${member.name}"
              >
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Date</th>
                      <th scope="col">Contribution</th>
                      <th scope="col">State</th>
                      <th scope="col" class="num">Points</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${contributions.slice(0, 100).map(
                      (c) =>
                        html`<tr>
                          <td>${time(c.occurred_at)}</td>
                          <td>
                            ${externalLink(c.url, c.title)}<br /><span class="meta"
                              >${context.config.kinds[c.kind]?.label ?? c.kind} ·
                              ${isCategory(c.category) ? CATEGORY_LABELS[c.category] : c.category} ·
                              ${c.source}</span
                            >
                          </td>
                          <td>
                            <a href="/manage/reviews/${c.id}"
                              >${c.changes_requested ? 'changes requested' : c.review_state}</a
                            >${c.review_reason ? html`<br /><span class="meta">${c.review_reason}</span>` : ''}
                          </td>
                          <td class="num">${formatPoints(c.points)}</td>
                        </tr>`,
                    )}
                  </tbody>
                </table>
              </div>`
        }
      </section>
      <section class="card" aria-labelledby="history-title">
        <h2 id="history-title">Status history</h2>
        ${
          history.length === 0
            ? html`<p>No changes.</p>`
            : html`<ul class="plain">
                ${history.map((h) => html`<li>${h.effective_on ? time(h.effective_on) : time(h.changed_at)} · ${h.from_status ? `${STATUS_LABELS[h.from_status as keyof typeof STATUS_LABELS] ?? h.from_status} → ` : ''}${STATUS_LABELS[h.to_status as keyof typeof STATUS_LABELS] ?? h.to_status}${h.reason ? html` <span class="meta">(${h.reason})</span>` : ''}</li>`)}
              </ul>`
        }
      </section>
      ${
        mayMerge
          ? html`<section class="card" aria-labelledby="merge-title">
              <h2 id="merge-title">Merge a duplicate into ${member.handle}</h2>
              <form
                method="post"
                action="/manage/members/${member.handle}/merge"
                class="form"
                data-confirm="Merge the duplicate into ${member.handle}? Its record is deleted."
              >
                ${csrfField(token)}
                ${field({ name: 'duplicate', label: 'Handle of the duplicate', required: true, hint: 'Its identities and contributions move here; its own record is deleted.' })}
                ${field({ name: 'reason', label: 'Reason', required: true, maxlength: 500 })}
                <button type="submit" class="danger">Merge</button>
              </form>
            </section>`
          : ''
      }`,
  });
}
