// Rules and awards in the console: the active rules and the preview of a proposed change;
// computing an awards draft, comparing it with the previous draft, publishing it.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { rulesVersions } from '../../domain/rules.js';
import type { AwardResults } from '../../domain/awards.js';
import { notifyAwardsPublished } from '../../notify/events.js';
import { computeAwardDraft, listSnapshots, publishAwards, snapshotResults } from '../../store/awards.js';
import type { AwardSnapshotRow } from '../../store/schema.js';
import type { WebContext } from '../context.js';
import { html } from '../html.js';
import { currentYear } from '../queries/public.js';
import { formBody, page, positiveInt, queryOf, redirect, text, type Route } from '../routing.js';
import { csrfField, emptyState, formatPoints, problemsList, time } from '../views/components.js';
import { csrfToken } from '../session.js';
import { awardsBody } from '../public/standings.js';
import { compactDiff, leaderboardEffect, lineDiff, parseProposal, rulesDocument, type LeaderboardEffect } from './rules-preview.js';
import { adminNav } from './nav.js';

export function rulesAndAwardsRoutes(context: WebContext): Route[] {
  function rulesPage(request: FastifyRequest, reply: FastifyReply, proposal: string, outcome?: { problems?: string[]; diff?: ReturnType<typeof compactDiff>; effect?: LeaderboardEffect }, status = 200) {
    const versions = rulesVersions(context.config);
    const active = versions[versions.length - 1]!;
    return page(context, request, reply, {
      title: 'Rules',
      main: html`${adminNav('/manage/rules')}<h1>Rules</h1>
        <p>Active version <code>${active.id}</code> since ${time(active.effectiveFrom)}. ${versions.length} version${versions.length === 1 ? '' : 's'} in the config.
          The rules live in <code>ambassador.config.yaml</code>; to apply a change, add it there (as a dated entry under <code>scoring.changes</code> to keep history) and run <code>ambassador rescore</code>.</p>
        <details class="card"><summary>Current rules (YAML)</summary><pre class="code-block">${rulesDocument(context.config)}</pre></details>
        <section class="card"><h2>Preview a change</h2>
          <form method="post" action="/manage/rules/preview" class="form">${csrfField(csrfToken(context, request, reply))}
            <div class="field"><label for="f-proposal">Proposed settings (YAML, merged onto the current rules like the config file)</label>
              <p class="hint" id="f-proposal-hint">For example: <code>scoring: { points: { talk: 40 } }</code></p>
              <textarea id="f-proposal" name="proposal" rows="10" class="code" aria-describedby="f-proposal-hint" required>${proposal}</textarea></div>
            <button type="submit">Preview its effect</button></form></section>
        ${outcome?.problems ? problemsList(outcome.problems) : ''}
        ${outcome?.diff ? html`<section class="card"><h2>Diff</h2>${outcome.diff.length === 0 ? html`<p>No change to the rules.</p>` : html`<pre class="diff" aria-label="Changed lines">${outcome.diff.map((line) =>
          html`<span class="diff-${line.kind}">${line.kind === 'added' ? '+ ' : line.kind === 'removed' ? '- ' : line.kind === 'gap' ? '' : '  '}${line.text}</span>\n`)}</pre>`}</section>` : ''}
        ${outcome?.effect ? effectTable(outcome.effect) : ''}`,
    }, status);
  }

  async function awardsPage(request: FastifyRequest, reply: FastifyReply) {
    const year = positiveInt(queryOf(request).year, currentYear(context), 2999);
    const snapshots = await listSnapshots(context.db, year);
    const latest = snapshots[0];
    const previous = snapshots[1];
    const token = csrfToken(context, request, reply);
    return page(context, request, reply, {
      title: `Awards ${year}`,
      main: html`${adminNav('/manage/awards')}<h1>Awards ${year}</h1>
        <form method="get" action="/manage/awards" class="inline-form"><label for="f-year">Year</label><input id="f-year" name="year" type="number" min="2000" max="2999" value="${year}"><button type="submit" class="small">Show</button></form>
        <section class="card"><h2>Compute a draft</h2>
          <form method="post" action="/manage/awards/compute" class="form">${csrfField(token)}<input type="hidden" name="year" value="${year}">
            <div class="field"><label for="f-reason">Reason (needed once the year is published)</label><input id="f-reason" name="reason" maxlength="500"></div>
            <button type="submit">Compute the ${year} draft</button></form></section>
        ${!latest ? emptyState(`No ${year} awards computed`, 'Compute a draft to see the winners before publishing.') : html`
          <section class="card"><h2>Revision ${latest.revision}: ${latest.status}</h2>
            <p class="meta">Computed ${time(latest.computed_at)} by ${latest.computed_by} · rules ${latest.rules_version} · input hash <code>${latest.input_hash.slice(0, 12)}</code>${latest.reason ? ` · reason: ${latest.reason}` : ''}</p>
            ${latest.status === 'draft' ? html`<form method="post" action="/manage/awards/publish" class="inline" data-confirm="Publish the ${year} awards? Winners are told by email.">${csrfField(token)}<input type="hidden" name="year" value="${year}"><button type="submit">Publish revision ${latest.revision}</button></form>` : ''}
          </section>
          ${previous ? compareDrafts(latest, previous) : ''}
          <div class="card">${awardsBody(snapshotResults(latest), true)}</div>`}
        ${snapshots.length ? html`<section class="card"><h2>All revisions</h2><ul class="plain">${snapshots.map((s) => html`<li>Revision ${s.revision}: ${s.status}, computed ${time(s.computed_at)}${s.published_at ? html`, published ${time(s.published_at)}` : ''}</li>`)}</ul></section>` : ''}`,
    });
  }

  return [
    { method: 'GET', url: '/manage/rules', access: 'manager', kind: 'page', summary: 'rules and change preview', handler: async (request, reply) => rulesPage(request, reply, '') },
    {
      method: 'POST',
      url: '/manage/rules/preview',
      access: 'manager',
      kind: 'page',
      summary: 'preview a rules change',
      handler: async (request, reply) => {
        const proposal = text(formBody(request), 'proposal').slice(0, 100_000);
        const parsed = parseProposal(context.config, proposal);
        if (!parsed.ok) return rulesPage(request, reply, proposal, { problems: parsed.problems }, 400);
        const diff = compactDiff(lineDiff(rulesDocument(context.config), rulesDocument(parsed.config)));
        const effect = await leaderboardEffect(context, parsed.config, currentYear(context));
        return rulesPage(request, reply, proposal, { diff, effect });
      },
    },
    { method: 'GET', url: '/manage/awards', access: 'manager', kind: 'page', summary: 'awards drafts and publishing', handler: awardsPage },
    {
      method: 'POST',
      url: '/manage/awards/compute',
      access: 'manager',
      kind: 'page',
      summary: 'compute an awards draft',
      handler: async (request, reply) => {
        const body = formBody(request);
        const year = Number(text(body, 'year'));
        const outcome = await computeAwardDraft(context.db, context.config, year, `web:${request.viewer!.member.handle}`, { reason: text(body, 'reason') || undefined });
        return redirect(context, reply, `/manage/awards?year=${year}`, {
          kind: 'notice',
          text: outcome.created ? `Draft revision ${outcome.snapshot.revision} computed.` : `Nothing changed since revision ${outcome.snapshot.revision}.`,
        });
      },
    },
    {
      method: 'POST',
      url: '/manage/awards/publish',
      access: 'manager',
      kind: 'page',
      summary: 'publish the awards draft',
      handler: async (request, reply) => {
        const year = Number(text(formBody(request), 'year'));
        const published = await publishAwards(context.db, year, `web:${request.viewer!.member.handle}`);
        context.cache.clear();
        await notifyAwardsPublished(context.notifier, context.wdb, year, published.revision, snapshotResults(published));
        return redirect(context, reply, `/manage/awards?year=${year}`, { kind: 'notice', text: `The ${year} awards are published.` });
      },
    },
  ];
}

function effectTable(effect: LeaderboardEffect) {
  const delta = (before: number | undefined, after: number | undefined) => {
    const d = (after ?? 0) - (before ?? 0);
    return d === 0 ? '' : d > 0 ? `+${formatPoints(d)}` : formatPoints(d);
  };
  return html`<section class="card"><h2>Effect on the ${effect.year} leaderboard</h2>
    <p>${effect.changedContributions} of ${effect.contributions} counted contributions change points; ${effect.movedMembers} ambassadors change rank.</p>
    <div class="table-wrap" tabindex="0" role="region" aria-label="Leaderboard effect"><table>
      <thead><tr><th scope="col">Ambassador</th><th scope="col" class="num">Rank now</th><th scope="col" class="num">Rank after</th><th scope="col" class="num">Points now</th><th scope="col" class="num">Points after</th><th scope="col" class="num">Change</th></tr></thead>
      <tbody>${effect.rows.map((row) => html`<tr><td>${row.name} <span class="meta">@${row.handle}</span></td>
        <td class="num">${row.before?.rank ?? '—'}</td><td class="num">${row.after?.rank ?? '—'}</td>
        <td class="num">${formatPoints(row.before?.points ?? 0)}</td><td class="num">${formatPoints(row.after?.points ?? 0)}</td>
        <td class="num">${delta(row.before?.points, row.after?.points)}</td></tr>`)}</tbody></table></div></section>`;
}

function compareDrafts(latest: AwardSnapshotRow, previous: AwardSnapshotRow) {
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
      html`<li><strong>${c.handle}</strong>: ${c.before ? `rank ${c.before.rank} (${formatPoints(c.before.points)} pts)` : 'not listed'} → ${c.after ? `rank ${c.after.rank} (${formatPoints(c.after.points)} pts)` : 'not listed'}</li>`)}</ul>`}
  </section>`;
}
