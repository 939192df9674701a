// `ambassador submit` and `ambassador review …`: contributions no source can see, submitted
// with evidence and decided by a program manager.
import type { Command } from 'commander';
import { isoDateArgument, positiveIntArgument } from '../arguments.js';
import { withContext, type GlobalOptions } from '../context.js';
import { printJson, printLines, printTable } from '../output.js';
import { contributionView } from '../../store/views.js';
import { decideReview, listPendingReviews, submitContribution } from '../../store/contributions.js';
import { requireMember } from '../../store/members.js';

export function registerReviewCommands(program: Command, globals: () => GlobalOptions): void {
  program
    .command('submit <handle>')
    .description('submit a contribution with evidence; it waits for review')
    .requiredOption('--category <category>', 'code | content | events | documentation | education | leadership')
    .requiredOption('--kind <kind>', 'e.g. talk, eventOrganized, mentoring')
    .requiredOption('--title <title>', 'what it was')
    .requiredOption('--url <url>', 'where it can be seen')
    .requiredOption('--date <date>', 'when, YYYY-MM-DD', isoDateArgument)
    .option('--evidence <url>', 'evidence for the reviewer (slides, recording, event page)')
    .option('--json', 'print JSON')
    .action(async (handle: string, options) =>
      withContext(globals(), async ({ store, config, actor, today }) => {
        const member = await requireMember(store.db, handle);
        const row = await submitContribution(
          store.db,
          config,
          {
            memberId: member.id,
            category: options.category,
            kind: options.kind,
            title: options.title,
            url: options.url,
            date: options.date,
            evidenceUrl: options.evidence,
          },
          actor,
          today,
        );
        if (options.json) printJson(contributionView(row));
        else printLines([`submitted #${row.id} for review (${row.explanation})`]);
      }),
    );

  const review = program.command('review').description('the review queue of submitted contributions');

  review
    .command('list')
    .description('contributions waiting for review, oldest first')
    .option('--json', 'print JSON')
    .action(async (options) =>
      withContext(globals(), async ({ store }) => {
        const items = await listPendingReviews(store.db);
        if (options.json) return printJson(items.map((item) => ({ ...contributionView(item), handle: item.handle })));
        printTable(items, [
          { header: 'ID', value: (i) => i.id, align: 'right' },
          { header: 'HANDLE', value: (i) => i.handle },
          { header: 'DATE', value: (i) => i.occurred_at.toISOString().slice(0, 10) },
          { header: 'KIND', value: (i) => i.kind },
          { header: 'TITLE', value: (i) => i.title },
          { header: 'EVIDENCE', value: (i) => i.evidence_url ?? i.url },
        ]);
      }),
    );

  review
    .command('approve <ids...>')
    .description('count submitted contributions (one or several ids; each decided on its own)')
    .option('--reason <reason>', 'a note for the audit log')
    .option('--json', 'print JSON')
    .action(async (ids: string[], options) =>
      withContext(globals(), async ({ store, config, actor }) => {
        const numbers = ids.map((id) => positiveIntArgument(id));
        const rows = [];
        for (const id of numbers) {
          rows.push(await decideReview(store.db, config, id, { approve: true, reason: options.reason }, actor));
        }
        if (options.json) printJson(rows.length === 1 ? contributionView(rows[0]!) : rows.map(contributionView));
        else printLines(rows.map((row) => `approved #${row.id}: ${row.explanation}`));
      }),
    );

  review
    .command('reject <id>')
    .description('reject a submitted contribution, with the reason shown to the person')
    .requiredOption('--reason <reason>', 'why')
    .option('--json', 'print JSON')
    .action(async (id: string, options) =>
      withContext(globals(), async ({ store, config, actor }) => {
        const row = await decideReview(store.db, config, positiveIntArgument(id), { approve: false, reason: options.reason }, actor);
        if (options.json) printJson(contributionView(row));
        else printLines([`rejected #${row.id}`]);
      }),
    );
}
