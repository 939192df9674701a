// `ambassador backfill gharchive PATH...`: GitHub history from GH Archive hourly files.
import type { Command } from 'commander';
import { withContext, type GlobalOptions } from '../context.js';
import { printJson, printLines, printTable } from '../output.js';
import { progressBar, type Progress } from '../progress.js';
import { backfillGhArchive, type BackfillProgress, type BackfillSummary } from '../../sync/backfill.js';

const MB = 1024 * 1024;

export function registerBackfillCommands(program: Command, globals: () => GlobalOptions): void {
  const backfill = program.command('backfill').description('load contribution history from archives');
  backfill
    .command('gharchive <paths...>')
    .description('GitHub work of linked people from GH Archive hourly files (.json.gz files, or folders of them, read in time order)')
    .option('--json', 'print JSON')
    .action(async (paths: string[], options) =>
      withContext(globals(), async ({ store, config }) => {
        const progress = progressDisplay();
        let summary: BackfillSummary;
        try {
          summary = await backfillGhArchive(store, config, paths, { onProgress: progress.update });
        } finally {
          progress.stop();
        }
        if (options.json) printJson(summary);
        else printSummary(summary);
        if (summary.run.status === 'failed') process.exitCode = 1;
      }),
    );
}

/** A bar per phase on a terminal (compressed MiB read, then lookups); log lines elsewhere. */
function progressDisplay(): { update: (progress: BackfillProgress) => void; stop: () => void } {
  let phase: BackfillProgress['phase'] | null = null;
  let bar: Progress | null = null;
  return {
    update(progress) {
      if (progress.phase !== phase) {
        bar?.stop();
        phase = progress.phase;
        bar = progressBar(phase === 'reading' ? 'reading GH Archive (MiB, compressed)' : 'looking up slim events on GitHub');
      }
      if (phase === 'resolving') return bar!.update(progress.done, progress.total);
      // Whole MiB: rounded down while reading, so only the end shows done = total.
      const total = Math.max(1, Math.ceil(progress.total / MB));
      bar!.update(progress.done >= progress.total ? total : Math.floor(progress.done / MB), total);
    },
    stop: () => bar?.stop(),
  };
}

function printSummary(summary: BackfillSummary): void {
  printTable(summary.files, [
    { header: 'FILE', value: (f) => f.file },
    { header: 'STATUS', value: (f) => f.status },
    { header: 'FOUND', value: (f) => f.contributions, align: 'right' },
    { header: 'SLIM', value: (f) => f.discoveries, align: 'right' },
    { header: 'ERROR', value: (f) => f.error },
  ]);
  const { run } = summary;
  printLines([
    `contributions: ${run.itemsNew} new, ${run.itemsUpdated} updated, ${run.itemsUnchanged} unchanged`,
    `GitHub API: ${summary.lookups} lookups, ${summary.repositoriesChecked} repositories classified, ${run.requests} requests, ${run.rateLimitedWaits} rate-limit waits`,
    ...(summary.unclassified > 0 ? [`${summary.unclassified} contributions left out: their repository could not be classified`] : []),
    ...(run.error ? [`failed: ${run.error}`] : []),
  ]);
}
