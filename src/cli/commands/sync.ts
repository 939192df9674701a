// `ambassador sync` and `ambassador sync status`: collect contributions from the sources.
import type { Command } from 'commander';
import { withContext, type GlobalOptions } from '../context.js';
import { printJson, printTable } from '../output.js';
import { progressBar } from '../progress.js';
import { pino } from 'pino';
import { latestRuns, runSync } from '../../sync/engine.js';
import { SOURCE_NAMES } from '../../sync/registry.js';

export function registerSyncCommands(program: Command, globals: () => GlobalOptions): void {
  const sync = program
    .command('sync')
    .description(`collect contributions from the sources (${SOURCE_NAMES.join(', ')})`)
    .option('--source <source>', 'only this source')
    .option('--member <handle>', "only this member's identities (cursors are left as they are)")
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
              onSource: (source, record, done, total) => {
                Object.assign(found, { done, total }, record === null ? { batches: 0, new: 0 } : {});
                if (record !== null && !terminal) log.info({ source, status: record.status, itemsNew: record.itemsNew, requests: record.requests, error: record.error }, `${source}: ${record.status}`);
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
            { header: 'ERROR', value: (r) => r.error },
          ]);
        }
        if (records.some((record) => record.status === 'failed')) process.exitCode = 1;
      }),
    );

  sync
    .command('status')
    .description('the last run of every source')
    .option('--json', 'print JSON')
    .action(async (options) =>
      withContext(globals(), async ({ store }) => {
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
          error: run.error,
        }));
        if (options.json) return printJson(runs);
        printTable(runs, [
          { header: 'SOURCE', value: (r) => r.source },
          { header: 'STATUS', value: (r) => r.status },
          { header: 'STARTED', value: (r) => r.startedAt.slice(0, 19).replace('T', ' ') },
          { header: 'FINISHED', value: (r) => r.finishedAt?.slice(0, 19).replace('T', ' ') },
          { header: 'NEW', value: (r) => r.itemsNew, align: 'right' },
          { header: 'UPDATED', value: (r) => r.itemsUpdated, align: 'right' },
          { header: 'REQUESTS', value: (r) => r.requests, align: 'right' },
          { header: 'WAITS', value: (r) => r.rateLimitedWaits, align: 'right' },
          { header: 'ERROR', value: (r) => r.error },
        ], 'no sync has run yet');
      }),
    );
}
