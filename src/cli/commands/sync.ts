// `ambassador sync` and `ambassador sync status`: collect contributions from the sources.
import type { Command } from 'commander';
import { withContext, type GlobalOptions } from '../context.js';
import { printJson, printTable } from '../output.js';
import { progressBar } from '../progress.js';
import { pino } from 'pino';
import { latestRuns, runSync } from '../../sync/engine.js';
import { failingIdentities, identityStateSummary } from '../../sync/identity-state.js';
import { SOURCE_NAMES } from '../../sync/registry.js';

export function registerSyncCommands(program: Command, globals: () => GlobalOptions): void {
  const sync = program
    .command('sync')
    .description(`collect contributions from the sources (${SOURCE_NAMES.join(', ')})`)
    .option('--source <source>', 'only this source')
    .option('--member <handle>', "only this member's identities (cursors are left as they are)")
    .option('--retry-failing', 'check identities that are backing off after failures now')
    .option('--json', 'print JSON')
    .action(async (options) =>
      withContext(globals(), async ({ store, config }) => {
        // A bar over the sources on a terminal, structured lines on stderr otherwise (as each
        // batch is stored and each source ends); the summary on stdout.
        const terminal = Boolean(process.stderr.isTTY);
        const log = pino({ base: undefined }, process.stderr);
        const progress = terminal ? progressBar('sync') : null;
        const found = { done: 0, total: 0, batches: 0, new: 0 };
        const records = await (async () => {
          try {
            return await runSync(store, config, {
              source: options.source,
              memberHandle: options.member,
              retryFailing: options.retryFailing === true,
              onSource: (source, record, done, total) => {
                Object.assign(found, { done, total }, record === null ? { batches: 0, new: 0 } : {});
                if (record !== null && !terminal) {
                  log.info({ source, status: record.status, itemsNew: record.itemsNew, requests: record.requests, identitiesOk: record.identitiesOk, identitiesFailed: record.identitiesFailed, identitiesSkipped: record.identitiesSkipped, error: record.error }, `${source}: ${record.status}`);
                  for (const warning of record.warnings) log.warn({ source, warning }, `${source}: warning`);
                }
                progress?.update(done, total, record === null ? `${source}…` : `${source} ${record.status}`);
              },
              onBatch: (source, outcome) => {
                found.batches += 1;
                found.new += outcome.inserted;
                if (!terminal) log.info({ source, ...outcome }, `${source}: batch stored`);
                else progress?.update(found.done, found.total, `${source}: ${found.batches} batches, ${found.new} new`);
              },
            });
          } finally {
            progress?.stop();
          }
        })();
        if (options.json) printJson(records);
        else {
          printTable(records, [
            { header: 'SOURCE', value: (r) => r.source },
            { header: 'STATUS', value: (r) => r.status },
            { header: 'NEW', value: (r) => r.itemsNew, align: 'right' },
            { header: 'UPDATED', value: (r) => r.itemsUpdated, align: 'right' },
            { header: 'REQUESTS', value: (r) => r.requests, align: 'right' },
            { header: '304', value: (r) => r.notModified, align: 'right' },
            { header: 'WAITS', value: (r) => r.rateLimitedWaits, align: 'right' },
            { header: 'IDS OK', value: (r) => r.identitiesOk, align: 'right' },
            { header: 'FAILED', value: (r) => r.identitiesFailed, align: 'right' },
            { header: 'WAITING', value: (r) => r.identitiesSkipped, align: 'right' },
            { header: 'ERROR', value: (r) => r.error },
          ]);
          for (const record of records) for (const warning of record.warnings) process.stdout.write(`warning: ${warning}\n`);
        }
        if (records.some((record) => record.status === 'failed')) process.exitCode = 1;
      }),
    );

  sync
    .command('status')
    .description('the last run of every source, and the identities whose checks fail')
    .option('--json', 'print JSON')
    // `sync status --json`: commander gives a --json after the subcommand to the parent `sync`,
    // which has one too; optsWithGlobals() sees it wherever it landed.
    .action(async (_options, command: Command) =>
      withContext(globals(), async ({ store }) => {
        const options = command.optsWithGlobals<{ json?: boolean }>();
        const failing = await failingIdentities(store.db);
        const identities = await identityStateSummary(store.db, new Date());
        const runs = (await latestRuns(store.db)).map((run) => ({
          source: run.source,
          status: run.status,
          startedAt: run.started_at.toISOString(),
          finishedAt: run.finished_at?.toISOString() ?? null,
          itemsNew: run.items_new,
          itemsUpdated: run.items_updated,
          requests: run.requests,
          notModified: run.not_modified,
          rateLimitedWaits: run.rate_limited_waits,
          identitiesFlagged: run.identities_flagged,
          identitiesOk: run.identities_ok,
          identitiesFailed: run.identities_failed,
          identitiesSkipped: run.identities_skipped,
          warnings: run.warnings,
          error: run.error,
        }));
        if (options.json) return printJson({ runs, identities, failing });
        printTable(runs, [
          { header: 'SOURCE', value: (r) => r.source },
          { header: 'STATUS', value: (r) => r.status },
          { header: 'STARTED', value: (r) => r.startedAt.slice(0, 19).replace('T', ' ') },
          { header: 'FINISHED', value: (r) => r.finishedAt?.slice(0, 19).replace('T', ' ') },
          { header: 'NEW', value: (r) => r.itemsNew, align: 'right' },
          { header: 'UPDATED', value: (r) => r.itemsUpdated, align: 'right' },
          { header: 'REQUESTS', value: (r) => r.requests, align: 'right' },
          { header: 'WAITS', value: (r) => r.rateLimitedWaits, align: 'right' },
          { header: 'FAILED', value: (r) => r.identitiesFailed, align: 'right' },
          { header: 'ERROR', value: (r) => r.error },
        ], 'no sync has run yet');
        if (failing.length > 0) {
          process.stdout.write('\nfailing identities\n');
          printTable(failing, [
            { header: 'SOURCE', value: (f) => f.source },
            { header: 'MEMBER', value: (f) => f.memberHandle },
            { header: 'IDENTITY', value: (f) => `${f.platform}:${f.externalId}` },
            { header: 'FAILURES', value: (f) => f.consecutiveFailures, align: 'right' },
            { header: 'NEXT CHECK', value: (f) => f.nextCheckAt?.slice(0, 16).replace('T', ' ') },
            { header: 'LAST ERROR', value: (f) => f.lastError },
          ]);
        }
      }),
    );
}
