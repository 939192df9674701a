// `ambassador rescore`, `export` and `import`.
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { withContext, type GlobalOptions } from '../context.js';
import { printJson, printLines } from '../output.js';
import { progressBar } from '../progress.js';
import { recordAudit } from '../../store/audit.js';
import { rescoreAll } from '../../store/rescore.js';
import { UserError } from '../../store/errors.js';
import { exportContributions, exportMembers, toCsv } from '../../transfer/export-data.js';
import { importFile } from '../../transfer/import-file.js';

export function registerDataCommands(program: Command, globals: () => GlobalOptions): void {
  program
    .command('rescore')
    .description('recompute every contribution\'s points with the current rules (after a rules change)')
    .option('--jobs <n>', 'database connections to rescore on at once, each for a share of the members (1-8, default 2)')
    .option('--json', 'print JSON')
    .action(async (options) =>
      withContext(globals(), async ({ store, config, actor }) => {
        const jobs = options.jobs === undefined ? undefined : Number(options.jobs);
        if (jobs !== undefined && (!Number.isInteger(jobs) || jobs < 1 || jobs > 8)) throw new UserError(`--jobs: expected a whole number from 1 to 8, got "${String(options.jobs).slice(0, 20)}"`);
        const bar = options.json ? null : progressBar('rescoring members');
        const result = await rescoreAll(store.db, config, { jobs, onProgress: (done, total) => bar?.update(done, total) });
        bar?.stop();
        await recordAudit(store.db, { actor, action: 'scores.rescore', subjectType: 'contributions', details: { ...result } });
        if (options.json) printJson(result);
        else printLines([`rescored ${result.contributions} contributions of ${result.members} members; ${result.changed} changed`]);
      }),
    );

  program
    .command('export')
    .description('export members and contributions')
    .requiredOption('--format <format>', 'json | csv')
    .option('--what <what>', 'members | contributions (csv exports one table; default contributions)')
    .option('--include-email', 'include members\' private email addresses')
    .option('--output <file>', 'write to a file instead of standard output')
    .action(async (options) =>
      withContext(globals(), async ({ store }) => {
        if (!['json', 'csv'].includes(options.format)) throw new UserError(`--format: expected json or csv, got "${options.format}"`);
        if (options.what && !['members', 'contributions'].includes(options.what)) {
          throw new UserError(`--what: expected members or contributions, got "${options.what}"`);
        }
        const wants = (what: string) => !options.what || options.what === what;
        const members = wants('members') ? await exportMembers(store.db, { includeEmail: options.includeEmail }) : undefined;
        const contributions = wants('contributions') ? await exportContributions(store.db) : undefined;
        let text: string;
        if (options.format === 'json') text = `${JSON.stringify({ members, contributions }, null, 2)}\n`;
        else text = toCsv(options.what === 'members' ? members! : (contributions ?? (await exportContributions(store.db))));
        if (options.output) writeFileSync(options.output, text);
        else process.stdout.write(text);
      }),
    );

  program
    .command('import <file>')
    .description('import members or contributions from CSV or JSON (idempotent; all or nothing)')
    .option('--json', 'print JSON')
    .action(async (file: string, options) =>
      withContext(globals(), async ({ store, config, actor }) => {
        const outcome = await importFile(store.db, config, file, actor);
        if (options.json) return printJson(outcome);
        const { members: m, contributions: c } = outcome;
        printLines([
          `members: ${m.inserted} new, ${m.updated} updated, ${m.unchanged} unchanged`,
          `contributions: ${c.inserted} new, ${c.updated} updated, ${c.unchanged} unchanged`,
        ]);
      }),
    );
}
