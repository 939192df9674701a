// `ambassador audit`: the log of every manager action, newest first.
import type { Command } from 'commander';
import { positiveIntArgument } from '../arguments.js';
import { withContext, type GlobalOptions } from '../context.js';
import { printJson, printTable } from '../output.js';
import { listAudit } from '../../store/audit.js';

export function registerAuditCommands(program: Command, globals: () => GlobalOptions): void {
  program
    .command('audit')
    .description('the audit log: who did what, when and why')
    .option('--limit <n>', 'how many entries (default 100)', positiveIntArgument)
    .option('--action <action>', 'only this action, e.g. review.approve')
    .option('--json', 'print JSON')
    .action(async (options) =>
      withContext(globals(), async ({ store }) => {
        const entries = (await listAudit(store.db, { limit: options.limit ?? 100, action: options.action })).map((entry) => ({
          at: entry.at.toISOString(),
          actor: entry.actor,
          action: entry.action,
          subject: entry.subject_id ? `${entry.subject_type} ${entry.subject_id}` : entry.subject_type,
          reason: entry.reason,
          details: entry.details,
        }));
        if (options.json) return printJson(entries);
        printTable(entries, [
          { header: 'AT', value: (e) => e.at.slice(0, 19).replace('T', ' ') },
          { header: 'ACTOR', value: (e) => e.actor },
          { header: 'ACTION', value: (e) => e.action },
          { header: 'SUBJECT', value: (e) => e.subject },
          { header: 'REASON', value: (e) => e.reason },
        ]);
      }),
    );
}
