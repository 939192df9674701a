// Rules in the console: the active rules and the preview of a proposed change (the awards
// season has its own page, admin/awards.ts).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { rulesVersions } from '../../domain/rules.js';
import type { WebContext } from '../context.js';
import { html } from '../html.js';
import { currentYear } from '../queries/public.js';
import { formBody, page, text, type Route } from '../routing.js';
import { csrfField, formatPoints, problemsList, time } from '../views/components.js';
import { csrfToken } from '../session.js';
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
