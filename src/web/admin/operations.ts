// The console's overview and the sources' sync health.
import { sql } from 'kysely';
import { failingIdentities, type FailingIdentity } from '../../sync/identity-state.js';
import { enabledSourceNames } from '../../sync/registry.js';
import type { WebContext } from '../context.js';
import { html } from '../html.js';
import { formBody, page, redirect, text, type Route } from '../routing.js';
import { csrfField, emptyState } from '../views/components.js';
import { csrfToken } from '../session.js';
import { adminNav } from './nav.js';

/** The newest sync runs, newest first, with what a manager needs to judge a source's health. */
export async function recentSyncRuns(context: WebContext, limit = 50) {
  return context.db
    .selectFrom('sync_runs')
    .select(['id', 'source', 'scope', 'status', 'started_at', 'finished_at', 'items_new', 'items_updated', 'requests', 'not_modified', 'rate_limited_waits', 'identities_flagged', 'identities_ok', 'identities_failed', 'identities_skipped', 'warnings', 'error'])
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

type SyncRun = Awaited<ReturnType<typeof recentSyncRuns>>[number];

function when(value: Date | null) {
  return value ? value.toISOString().replace('T', ' ').slice(0, 19) : '';
}

function duration(run: SyncRun) {
  if (!run.finished_at) return 'running';
  const seconds = (run.finished_at.getTime() - run.started_at.getTime()) / 1000;
  return seconds < 60 ? `${seconds.toFixed(1)} s` : `${Math.round(seconds / 60)} min`;
}

function syncRunsTable(label: string, runs: SyncRun[]) {
  return html`<div class="table-wrap" tabindex="0" role="region" aria-label="${label}"><table>
    <thead><tr><th scope="col">Source</th><th scope="col">Status</th><th scope="col">Started (UTC)</th><th scope="col">Took</th>
      <th scope="col" class="num">New</th><th scope="col" class="num">Updated</th><th scope="col" class="num">Requests</th><th scope="col" class="num">Answered 304</th>
      <th scope="col" class="num">Rate-limit waits</th><th scope="col" class="num">Links flagged</th>
      <th scope="col" class="num">Identities checked</th><th scope="col" class="num">Failed</th><th scope="col" class="num">Backing off</th><th scope="col">Error and warnings</th></tr></thead>
    <tbody>${runs.map((run) => html`<tr><td>${run.source}${run.scope ? html` <span class="meta">(${run.scope})</span>` : ''}</td>
      <td><span class="status ${run.status === 'failed' ? 'status-suspended' : run.status === 'ok' ? 'status-active' : 'status-lapsing'}">${run.status}</span></td>
      <td>${when(run.started_at)}</td><td>${duration(run)}</td>
      <td class="num">${run.items_new}</td><td class="num">${run.items_updated}</td><td class="num">${run.requests}</td><td class="num">${run.not_modified}</td>
      <td class="num">${run.rate_limited_waits}</td><td class="num">${run.identities_flagged}</td>
      <td class="num">${run.identities_ok}</td><td class="num">${run.identities_failed}</td><td class="num">${run.identities_skipped}</td>
      <td>${(run.error ?? '').slice(0, 300)}${warningsList(run.warnings)}</td></tr>`)}</tbody></table></div>`;
}

function warningsList(warnings: unknown) {
  const list = Array.isArray(warnings) ? warnings.filter((w): w is string => typeof w === 'string') : [];
  if (list.length === 0) return '';
  return html`<ul class="meta">${list.slice(0, 10).map((warning) => html`<li>${warning.slice(0, 300)}</li>`)}${list.length > 10 ? html`<li>and ${list.length - 10} more</li>` : ''}</ul>`;
}

/** Identities whose checks fail, per identity: who, which account, since when, until when it waits, why. */
function failingTable(failing: FailingIdentity[]) {
  return html`<div class="table-wrap" tabindex="0" role="region" aria-label="Failing identities"><table>
    <thead><tr><th scope="col">Source</th><th scope="col">Member</th><th scope="col">Identity</th><th scope="col" class="num">Failed checks in a row</th>
      <th scope="col">Last checked (UTC)</th><th scope="col">Next check (UTC)</th><th scope="col">Last error</th></tr></thead>
    <tbody>${failing.map((f) => html`<tr><td>${f.source}</td><td><a href="/manage/members/${encodeURIComponent(f.memberHandle)}">${f.memberHandle}</a></td>
      <td><span class="code">${f.platform}:${f.externalId.slice(0, 200)}</span></td><td class="num">${f.consecutiveFailures}</td>
      <td>${when(f.lastCheckedAt ? new Date(f.lastCheckedAt) : null)}</td><td>${when(f.nextCheckAt ? new Date(f.nextCheckAt) : null)}</td>
      <td>${(f.lastError ?? '').slice(0, 300)}</td></tr>`)}</tbody></table></div>`;
}

function latestPerSource(runs: SyncRun[]) {
  const seen = new Map<string, SyncRun>();
  for (const run of runs) if (!seen.has(run.source)) seen.set(run.source, run);
  return [...seen.values()].sort((a, b) => a.source.localeCompare(b.source));
}

export function operationsRoutes(context: WebContext): Route[] {
  const sourceNames = enabledSourceNames(context.config.sources);
  return [
    {
      method: 'GET',
      url: '/manage',
      access: 'manager',
      kind: 'page',
      summary: 'manager console overview',
      handler: async (request, reply) => {
        const pending = await context.db.selectFrom('contributions').select(sql<number>`count(*)::int`.as('n')).where('review_state', '=', 'pending').executeTakeFirstOrThrow();
        const unverified = await context.db.selectFrom('identities').select(sql<number>`count(*)::int`.as('n')).where('verified_at', 'is', null).executeTakeFirstOrThrow();
        const failed = await context.wdb.selectFrom('notifications').select(sql<number>`count(*)::int`.as('n')).where('status', '=', 'failed').executeTakeFirstOrThrow();
        return page(context, request, reply, {
          title: 'Manager console',
          main: html`${adminNav('/manage')}<h1>Manager console</h1>
            <dl class="stats">
              <div><dt>Waiting for review</dt><dd><a href="/manage/reviews">${Number(pending.n)}</a></dd></div>
              <div><dt>Unverified identities</dt><dd><a href="/manage/members?unverified=yes">${Number(unverified.n)}</a></dd></div>
              <div><dt>Failed notifications</dt><dd>${Number(failed.n)}</dd></div>
            </dl>`,
        });
      },
    },
    {
      method: 'GET',
      url: '/manage/sync',
      access: 'manager',
      kind: 'page',
      summary: 'sources and sync health',
      handler: async (request, reply) => {
        const runs = await recentSyncRuns(context);
        const failing = await failingIdentities(context.db);
        const token = csrfToken(context, request, reply);
        return page(context, request, reply, {
          title: 'Sources and sync',
          main: html`${adminNav('/manage/sync')}<h1>Sources and sync</h1>
            <p>Configured sources: ${sourceNames.length ? sourceNames.join(', ') : 'none (see the sources section of the config)'}.</p>
            ${context.runSync
              ? html`<form method="post" action="/manage/sync/run" class="inline-form">${csrfField(token)}
                  <label for="f-source">Source</label>
                  <select id="f-source" name="source"><option value="">All sources</option>${sourceNames.map((s) => html`<option value="${s}">${s}</option>`)}</select>
                  <button type="submit">Run now</button></form>`
              : html`<p class="meta">Syncs run on the server's schedule; this server cannot start one from here.</p>`}
            ${runs.length === 0
              ? emptyState('No sync runs yet', 'Runs appear here once a sync has run, on the schedule or from "Run now".')
              : html`<h2>Last run of each source</h2>${syncRunsTable('Last run of each source', latestPerSource(runs))}
                <h2>Failing identities</h2>
                ${failing.length === 0
                  ? html`<p class="meta">No identity is failing: every linked account was read at its last check.</p>`
                  : html`<p class="meta">Each waits longer after every failed check (15 minutes, doubling, at most a day) and fails alone; <code>ambassador sync --retry-failing</code> checks them now.</p>${failingTable(failing)}`}
                <h2>Recent runs</h2>${syncRunsTable('Recent sync runs', runs)}`}`,
        });
      },
    },
    {
      method: 'POST',
      url: '/manage/sync/run',
      access: 'manager',
      kind: 'page',
      summary: 'run a sync now',
      handler: async (request, reply) => {
        if (!context.runSync) return redirect(context, reply, '/manage/sync', { kind: 'error', text: 'This server cannot start a sync.' });
        const source = text(formBody(request), 'source') || undefined;
        if (source && !sourceNames.includes(source)) return redirect(context, reply, '/manage/sync', { kind: 'error', text: `Unknown source ${source}.` });
        const run = context.runSync(source);
        // A sync can take minutes: it runs on, and its record shows up in the table.
        run.catch((error: Error) => request.log.error({ err: error.message, source }, 'sync failed'));
        return redirect(context, reply, '/manage/sync', { kind: 'notice', text: `Sync of ${source ?? 'all sources'} started.` });
      },
    },
  ];
}

