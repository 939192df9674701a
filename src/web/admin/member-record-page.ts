// The console's page of one member: contributions, status history, identities with their
// sync state, private manager notes, and the forms that change the handle and the email.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CATEGORY_LABELS, isCategory } from '../../domain/categories.js';
import { PLATFORM_LABELS, type Platform } from '../../domain/identities.js';
import { needsTrust } from '../../sync/review-policy.js';
import { listMemberContributions } from '../../store/contributions.js';
import { listIdentities } from '../../store/identities.js';
import {
  listNotes,
} from '../../store/member-console.js';
import { requireMember } from '../../store/members.js';
import { memberStatuses } from '../../store/statuses.js';
import type { WebContext } from '../context.js';
import { externalLink, html } from '../html.js';
import { page, paramsOf } from '../routing.js';
import {
  csrfField,
  field,
  formatPoints,
  select,
  statusBadge,
  STATUS_LABELS,
  time,
} from '../views/components.js';
import { csrfToken } from '../session.js';
import { permits } from '../permission-check.js';
import { adminNav } from './nav.js';

export async function memberPage(context: WebContext, request: FastifyRequest, reply: FastifyReply) {
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
