// The awards season in the console: a year's cycle and how many days remain, computing a
// draft (before the cycle ends only with a confirmation and a reason; a published year again
// only with a reason), comparing it with the previous revision, and publishing it now or at a
// set time. A refusal is this page again, saying what to do, with the typed values kept.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { awardCycle, cycleTiming, pointsText, type AwardResults } from '../../domain/awards.js';
import { announcePublished } from '../../notify/announcements.js';
import { AwardsGuardError, cancelAnnouncement, computeAwardDraft, listSnapshots, publishAwards, scheduleAnnouncement, snapshotResults } from '../../store/awards.js';
import type { AwardSnapshotRow } from '../../store/schema.js';
import type { WebContext } from '../context.js';
import { HttpProblem } from '../errors.js';
import { html, type Html } from '../html.js';
import { currentYear } from '../queries/public.js';
import { formBody, page, queryOf, redirect, text, type FormBody, type Route } from '../routing.js';
import { csrfToken } from '../session.js';
import { csrfField, emptyState, formatPoints, time } from '../views/components.js';
import { awardsAnnouncement } from '../public/awards.js';
import { adminNav } from './nav.js';

type Problem = { form: 'compute' | 'publish'; field: 'reason' | 'early' | 'announceAt'; message: string };

function yearOf(context: WebContext, value: string | undefined): number {
  const fallback = currentYear(context);
  if (value === undefined || value === '') return fallback;
  const year = Number(value);
  if (!/^\d{4}$/.test(value) || year < 2000 || year > 2999) throw new HttpProblem(404, 'not_found', `"${value.slice(0, 20)}" is not a year the awards can be computed for (2000 to 2999)`);
  return year;
}

export function awardsConsoleRoutes(context: WebContext): Route[] {
  async function awardsPage(request: FastifyRequest, reply: FastifyReply, year: number, problem?: Problem, values: FormBody = {}, status = 200) {
    const snapshots = await listSnapshots(context.db, year);
    const latest = snapshots[0];
    const previous = snapshots[1];
    const cycle = awardCycle(context.config.awards, year);
    const timing = cycleTiming(cycle, context.today());
    const token = csrfToken(context, request, reply);
    const published = snapshots.find((s) => s.status === 'published');
    return page(context, request, reply, {
      title: `Awards ${year}`,
      main: html`${adminNav('/manage/awards')}<h1>Awards ${year}</h1>
        <form method="get" action="/manage/awards" class="inline-form"><label for="f-year">Year</label><input id="f-year" name="year" type="number" min="2000" max="2999" value="${year}"><button type="submit" class="small">Show</button></form>
        ${problem ? html`<div class="flash error" role="alert"><p><strong>${problem.form === 'compute' ? 'The draft was not computed.' : 'The awards were not published.'}</strong> ${problem.message}</p></div>` : ''}
        <section class="card${timing.ended ? '' : ' warning'}" aria-labelledby="cycle-title"><h2 id="cycle-title">The ${year} cycle</h2>
          <p>${time(cycle.start)} to ${time(cycle.end)}. ${timing.ended
            ? html`The cycle has ended: the awards can be computed and published.`
            : html`<strong>${timing.daysRemaining} ${timing.daysRemaining === 1 ? 'day remains' : 'days remain'}</strong> until it ends. Contributions counted before then still change the result; computing or publishing now needs your confirmation and a reason.`}</p>
        </section>
        ${computeForm(year, token, timing, Boolean(published), problem?.form === 'compute' ? problem : undefined, values)}
        ${!latest ? emptyState(`No ${year} awards computed`, 'Compute a draft to see the winners before publishing.') : html`
          <section class="card" aria-labelledby="revision-title"><h2 id="revision-title">Revision ${latest.revision}: ${latest.status}${latest.announce_at && latest.status === 'draft' ? ', scheduled' : ''}</h2>
            <p class="meta">Computed ${time(latest.computed_at)} by ${latest.computed_by} · rules ${latest.rules_version} · input hash <code>${latest.input_hash.slice(0, 12)}</code>${latest.reason ? ` · reason: ${latest.reason}` : ''}${latest.early_reason ? ` · before the cycle ended: ${latest.early_reason}` : ''}</p>
            ${latest.status === 'draft' ? publishForms(context, year, latest, token, timing, problem?.form === 'publish' ? problem : undefined, values) : ''}
          </section>
          ${previous ? compareDrafts(latest, previous) : ''}
          ${excludedTable(snapshotResults(latest))}
          <div class="card">${awardsAnnouncement(snapshotResults(latest), { showPoints: true, preview: true })}</div>`}
        ${snapshots.length ? html`<section class="card"><h2>All revisions</h2><ul class="plain">${snapshots.map((s) => html`<li>Revision ${s.revision}: ${s.status}, computed ${time(s.computed_at)}${s.published_at ? html`, published ${time(s.published_at)}` : ''}${s.announce_at && s.status === 'draft' ? html`, scheduled for ${s.announce_at.toISOString().slice(0, 16).replace('T', ' ')} UTC` : ''}</li>`)}</ul></section>` : ''}`,
    }, status);
  }

  const actor = (request: FastifyRequest) => `web:${request.viewer!.member.handle}`;

  return [
    {
      method: 'GET',
      url: '/manage/awards',
      access: 'manager',
      kind: 'page',
      summary: 'awards drafts, publishing and scheduling',
      handler: async (request, reply) => awardsPage(request, reply, yearOf(context, queryOf(request).year)),
    },
    {
      method: 'POST',
      url: '/manage/awards/compute',
      access: 'manager',
      kind: 'page',
      summary: 'compute an awards draft',
      handler: async (request, reply) => {
        const body = formBody(request);
        const year = yearOf(context, text(body, 'year') || undefined);
        const confirmedEarly = text(body, 'confirmEarly') === 'yes';
        const early = text(body, 'earlyReason');
        try {
          if (early && !confirmedEarly) throw new ConfirmMissing();
          const outcome = await computeAwardDraft(context.db, context.config, year, actor(request), {
            reason: text(body, 'reason') || undefined,
            earlyReason: confirmedEarly ? early || undefined : undefined,
            today: context.today(),
          });
          return redirect(context, reply, `/manage/awards?year=${year}`, {
            kind: 'notice',
            text: outcome.created ? `Draft revision ${outcome.snapshot.revision} computed.` : `Nothing changed since revision ${outcome.snapshot.revision}.`,
          });
        } catch (error) {
          const problem = guardProblem('compute', error, confirmedEarly);
          if (!problem) throw error;
          return awardsPage(request, reply, year, problem, body, 409);
        }
      },
    },
    {
      method: 'POST',
      url: '/manage/awards/publish',
      access: 'manager',
      kind: 'page',
      summary: 'publish the awards draft now or at a set time',
      handler: async (request, reply) => {
        const body = formBody(request);
        const year = yearOf(context, text(body, 'year') || undefined);
        const confirmedEarly = text(body, 'confirmEarly') === 'yes';
        const early = confirmedEarly ? text(body, 'earlyReason') || undefined : undefined;
        const when = text(body, 'when');
        try {
          if (text(body, 'earlyReason') && !confirmedEarly) throw new ConfirmMissing();
          if (when === 'later') {
            const at = parseUtcDateTime(text(body, 'announceAt'));
            if (!at) return awardsPage(request, reply, year, { form: 'publish', field: 'announceAt', message: 'Give the date and time of the announcement (UTC).' }, body, 400);
            await scheduleAnnouncement(context.db, year, at, actor(request), { now: context.now(), earlyReason: early });
            return redirect(context, reply, `/manage/awards?year=${year}`, { kind: 'notice', text: `The ${year} awards will be published and the winners emailed at ${at.toISOString().slice(0, 16).replace('T', ' ')} UTC.` });
          }
          const published = await publishAwards(context.db, year, actor(request), { now: context.now(), earlyReason: early });
          context.cache.clear();
          await announcePublished(context.store, context.notifier, published, context.now());
          return redirect(context, reply, `/manage/awards?year=${year}`, { kind: 'notice', text: `The ${year} awards are published and the winners have been emailed.` });
        } catch (error) {
          const problem = guardProblem('publish', error, confirmedEarly);
          if (!problem) throw error;
          return awardsPage(request, reply, year, problem, body, 409);
        }
      },
    },
    {
      method: 'POST',
      url: '/manage/awards/unschedule',
      access: 'manager',
      kind: 'page',
      summary: 'cancel a scheduled awards announcement',
      handler: async (request, reply) => {
        const year = yearOf(context, text(formBody(request), 'year') || undefined);
        await cancelAnnouncement(context.db, year, actor(request));
        return redirect(context, reply, `/manage/awards?year=${year}`, { kind: 'notice', text: `The scheduled ${year} announcement is cancelled; the draft stays.` });
      },
    },
  ];
}

class ConfirmMissing extends Error {}

function guardProblem(form: Problem['form'], error: unknown, confirmedEarly: boolean): Problem | null {
  if (error instanceof ConfirmMissing) {
    return { form, field: 'early', message: 'Tick the confirmation to go ahead before the cycle ends.' };
  }
  if (!(error instanceof AwardsGuardError)) return null;
  if (error.guard === 'early') {
    const days = error.detail.daysRemaining ?? 0;
    const remain = `${days} ${days === 1 ? 'day remains' : 'days remain'}`;
    return {
      form,
      field: 'early',
      message: confirmedEarly
        ? `The cycle runs until ${error.detail.cycleEnd} (${remain}). Say why this cannot wait in “Reason for going ahead now”.`
        : `The cycle runs until ${error.detail.cycleEnd} (${remain}). To go ahead anyway, tick “Go ahead before the cycle ends” and give a reason.`,
    };
  }
  return {
    form,
    field: 'reason',
    message: `Revision ${error.detail.revision} is published and the contributions behind it have changed since. To compute a new draft, say why in “Reason for recomputing” and compute again; the published revision stays public until you publish the new one.`,
  };
}

function earlyFields(prefix: string, timing: { ended: boolean; daysRemaining: number }, problem: Problem | undefined, values: FormBody): Html {
  if (timing.ended) return html``;
  const invalid = problem?.field === 'early';
  return html`<fieldset class="${invalid ? 'has-error' : ''}"><legend>Before the cycle ends (${timing.daysRemaining} ${timing.daysRemaining === 1 ? 'day remains' : 'days remain'})</legend>
    ${invalid ? html`<p class="error" id="${prefix}-early-error">${problem!.message}</p>` : ''}
    <div class="check"><input type="checkbox" id="${prefix}-confirm" name="confirmEarly" value="yes"${text(values, 'confirmEarly') === 'yes' ? html` checked` : ''}${invalid ? html` aria-invalid="true" aria-describedby="${prefix}-early-error"` : ''}>
      <label for="${prefix}-confirm">Go ahead before the cycle ends</label></div>
    <div class="field"><label for="${prefix}-early">Reason for going ahead now</label>
      <input id="${prefix}-early" name="earlyReason" maxlength="500" value="${text(values, 'earlyReason')}"${invalid ? html` aria-invalid="true" aria-describedby="${prefix}-early-error"` : ''}></div>
  </fieldset>`;
}

function computeForm(year: number, token: string, timing: { ended: boolean; daysRemaining: number }, published: boolean, problem: Problem | undefined, values: FormBody): Html {
  const reasonInvalid = problem?.field === 'reason';
  return html`<section class="card" aria-labelledby="compute-title"><h2 id="compute-title">Compute a draft</h2>
    <form method="post" action="/manage/awards/compute" class="form">${csrfField(token)}<input type="hidden" name="year" value="${year}">
      ${earlyFields('c', timing, problem, values)}
      <div class="field${reasonInvalid ? ' has-error' : ''}"><label for="f-reason">Reason for recomputing${published ? '' : ' (needed once the year is published)'}</label>
        ${reasonInvalid ? html`<p class="error" id="f-reason-error">${problem!.message}</p>` : ''}
        <input id="f-reason" name="reason" maxlength="500" value="${text(values, 'reason')}"${reasonInvalid ? html` aria-invalid="true" aria-describedby="f-reason-error"` : ''}></div>
      <button type="submit">Compute the ${year} draft</button></form></section>`;
}

function publishForms(context: WebContext, year: number, latest: AwardSnapshotRow, token: string, timing: { ended: boolean; daysRemaining: number }, problem: Problem | undefined, values: FormBody): Html {
  const results = snapshotResults(latest);
  const winners = new Set([...results.topAmbassadors, ...Object.values(results.categoryWinners)].map((e) => e?.memberId)).size;
  const whenInvalid = problem?.field === 'announceAt';
  const scheduled = latest.announce_at
    ? html`<p>Scheduled for <strong>${latest.announce_at.toISOString().slice(0, 16).replace('T', ' ')} UTC</strong> by ${latest.scheduled_by ?? 'a manager'}.</p>
      <form method="post" action="/manage/awards/unschedule" class="inline">${csrfField(token)}<input type="hidden" name="year" value="${year}"><button type="submit" class="secondary small">Cancel the schedule</button></form>`
    : '';
  const defaultAt = text(values, 'announceAt') || (latest.announce_at ? latest.announce_at.toISOString().slice(0, 16) : `${awardCycle(context.config.awards, year).end}T18:00`);
  return html`${scheduled}
    <form method="post" action="/manage/awards/publish" class="form" data-confirm="Publish the ${year} awards? ${winners} ${winners === 1 ? 'winner is' : 'winners are'} emailed.">${csrfField(token)}<input type="hidden" name="year" value="${year}">
      <fieldset><legend>When</legend>
        <div class="check"><input type="radio" id="p-now" name="when" value="now"${text(values, 'when') !== 'later' ? html` checked` : ''}><label for="p-now">Publish now and email the ${winners} ${winners === 1 ? 'winner' : 'winners'}</label></div>
        <div class="check"><input type="radio" id="p-later" name="when" value="later"${text(values, 'when') === 'later' ? html` checked` : ''}><label for="p-later">At a set time</label></div>
        <div class="field${whenInvalid ? ' has-error' : ''}"><label for="p-at">Date and time (UTC)</label>
          ${whenInvalid ? html`<p class="error" id="p-at-error">${problem!.message}</p>` : ''}
          <input id="p-at" name="announceAt" type="datetime-local" value="${defaultAt}"${whenInvalid ? html` aria-invalid="true" aria-describedby="p-at-error"` : ''}></div>
      </fieldset>
      ${earlyFields('p', timing, problem, values)}
      <button type="submit">Publish revision ${latest.revision}</button></form>`;
}

/** "2026-12-31T18:00" from a datetime-local field, read as UTC. */
export function parseUtcDateTime(value: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value.slice(0, 16));
  if (!match) return null;
  const date = new Date(`${value.slice(0, 16)}:00Z`);
  return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 16) !== value.slice(0, 16) ? null : date;
}

function excludedTable(results: AwardResults): Html {
  const excluded = results.ineligible.filter((e) => e.rank !== undefined).sort((a, b) => (a.rank ?? 0) - (b.rank ?? 0));
  if (excluded.length === 0) return html``;
  return html`<section class="card" aria-labelledby="excluded-title"><h2 id="excluded-title">Not eligible</h2>
    <p>On the ${results.year} leaderboard but not eligible for the awards. Program staff and bots are named on the public page; other reasons stay here.</p>
    <div class="table-wrap" tabindex="0" role="region" aria-label="Not eligible, table"><table><thead><tr><th scope="col" class="num">Leaderboard rank</th><th scope="col">Ambassador</th><th scope="col" class="num">Points</th><th scope="col">Reason</th></tr></thead>
    <tbody>${excluded.map((e) => html`<tr><td class="num">${e.rank}</td><td>${e.name ?? e.handle} <span class="meta">@${e.handle}</span></td><td class="num">${formatPoints(e.points ?? 0)}</td><td>${e.reason}</td></tr>`)}</tbody></table></div></section>`;
}

function compareDrafts(latest: AwardSnapshotRow, previous: AwardSnapshotRow): Html {
  const a = snapshotResults(previous);
  const b = snapshotResults(latest);
  const rankOf = (results: AwardResults) => new Map(results.topAmbassadors.map((e) => [e.handle, e]));
  const before = rankOf(a);
  const after = rankOf(b);
  const handles = [...new Set([...after.keys(), ...before.keys()])];
  const changes = handles
    .map((handle) => ({ handle, before: before.get(handle), after: after.get(handle) }))
    .filter((c) => c.before?.rank !== c.after?.rank || c.before?.points !== c.after?.points);
  return html`<section class="card"><h2>Compared with revision ${previous.revision} (${previous.status})</h2>
    ${changes.length === 0 ? html`<p>The Top Ambassadors are the same.</p>` : html`<ul class="plain">${changes.map((c) =>
      html`<li><strong>${c.handle}</strong>: ${c.before ? `rank ${c.before.rank} (${pointsText(c.before.points)})` : 'not listed'} → ${c.after ? `rank ${c.after.rank} (${pointsText(c.after.points)})` : 'not listed'}</li>`)}</ul>`}
  </section>`;
}
