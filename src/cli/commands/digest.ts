// `ambassador digest`: the daily email to program managers (new submissions, what waits,
// failing sources). Sent once per manager per day; run it from cron or the job scheduler.
import type { Command } from 'commander';
import { withContext, type GlobalOptions } from '../context.js';
import { printJson, printLines } from '../output.js';
import { sendManagersDigest } from '../../notify/digest.js';
import { commandNotifier } from '../notifier.js';

export function registerDigestCommands(program: Command, globals: () => GlobalOptions): void {
  program
    .command('digest')
    .description("email program managers the day's digest: new submissions, the review queue, failing sources")
    .option('--json', 'print JSON')
    .action(async (options) =>
      withContext(globals(), async ({ store, config }) => {
        const { content, outcomes } = await sendManagersDigest(store.db, { notifier: commandNotifier(config, store), config }, new Date());
        const sent = outcomes.filter((o) => o === 'sent').length;
        if (options.json) return printJson({ ...content, sent, outcomes });
        printLines([`digest for ${content.date}: ${content.newSubmissions.length} new, ${content.pending} pending, ${content.failingSources.length} failing source(s); sent to ${sent} of ${outcomes.length} manager(s)`]);
      }),
    );
}
