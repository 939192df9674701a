// `ambassador contributions`, `status` and `leaderboard`: what the program knows, read-only.
import type { Command } from 'commander';
import { isoDateArgument, positiveIntArgument, yearArgument } from '../arguments.js';
import { withContext, type GlobalOptions } from '../context.js';
import { printJson, printTable } from '../output.js';
import { contributionView } from '../../store/views.js';
import { awardCycle } from '../../domain/awards.js';
import { CATEGORIES, isCategory } from '../../domain/categories.js';
import { listMemberContributions } from '../../store/contributions.js';
import { UserError } from '../../store/errors.js';
import { requireMember } from '../../store/members.js';
import { queryStandings } from '../../store/standings.js';
import { memberStatuses } from '../../store/statuses.js';

export function registerReportCommands(program: Command, globals: () => GlobalOptions): void {
  program
    .command('contributions <handle>')
    .description("a member's contributions with points and their explanation")
    .option('--year <year>', 'only this calendar year', yearArgument)
    .option('--json', 'print JSON')
    .action(async (handle: string, options) =>
      withContext(globals(), async ({ store }) => {
        const member = await requireMember(store.db, handle);
        const rows = await listMemberContributions(store.db, member.id, { year: options.year });
        if (options.json) return printJson(rows.map(contributionView));
        printTable(rows, [
          { header: 'ID', value: (r) => r.id, align: 'right' },
          { header: 'DATE', value: (r) => r.occurred_at.toISOString().slice(0, 10) },
          { header: 'CATEGORY', value: (r) => r.category },
          { header: 'STATE', value: (r) => r.review_state },
          { header: 'POINTS', value: (r) => r.points, align: 'right' },
          { header: 'TITLE', value: (r) => r.title },
          { header: 'WHY', value: (r) => r.explanation },
        ]);
      }),
    );

  program
    .command('status')
    .description('ambassador status of every member (or one) at a date')
    .option('--at <date>', 'the date, YYYY-MM-DD (default: today)', isoDateArgument)
    .option('--handle <handle>', 'only this member')
    .option('--json', 'print JSON')
    .action(async (options) =>
      withContext(globals(), async ({ store, config, today }) => {
        const at = options.at ?? today;
        const memberIds = options.handle ? [(await requireMember(store.db, options.handle)).id] : undefined;
        const rows = (await memberStatuses(store.db, config, at, { memberIds })).map((row) => ({
          handle: row.handle,
          name: row.name,
          status: row.status,
          lastContributionAt: row.lastContributionAt,
          activeUntil: row.activeUntil,
          daysLeft: row.daysLeft,
        }));
        if (options.json) return printJson(rows);
        printTable(rows, [
          { header: 'HANDLE', value: (r) => r.handle },
          { header: 'STATUS', value: (r) => r.status },
          { header: 'LAST CONTRIBUTION', value: (r) => r.lastContributionAt },
          { header: 'ACTIVE UNTIL', value: (r) => r.activeUntil },
          { header: 'DAYS LEFT', value: (r) => r.daysLeft, align: 'right' },
        ]);
      }),
    );

  program
    .command('leaderboard')
    .description("a year's ranking with the points per category (the award cycle's dates)")
    .requiredOption('--year <year>', 'the award year', yearArgument)
    .option('--category <category>', `rank by one category: ${CATEGORIES.join(', ')}`)
    .option('--limit <n>', 'how many rows', positiveIntArgument)
    .option('--json', 'print JSON')
    .action(async (options) =>
      withContext(globals(), async ({ store, config }) => {
        if (options.category !== undefined && !isCategory(options.category)) {
          throw new UserError(`--category: expected one of ${CATEGORIES.join(', ')}, got "${options.category}"`);
        }
        const cycle = awardCycle(config.awards, options.year);
        const page = await queryStandings(store.db, {
          from: cycle.start,
          to: cycle.end,
          category: options.category,
          limit: options.limit,
        });
        const rows = page.rows.map((row) => ({
          rank: row.rank,
          handle: row.handle,
          name: row.name,
          points: row.points,
          contributions: row.contributions,
          categories: row.categories,
        }));
        if (options.json) return printJson(rows);
        printTable(rows, [
          { header: 'RANK', value: (r) => r.rank, align: 'right' },
          { header: 'HANDLE', value: (r) => r.handle },
          { header: 'NAME', value: (r) => r.name },
          { header: 'POINTS', value: (r) => r.points, align: 'right' },
          ...CATEGORIES.map((category) => ({
            header: category.slice(0, 5).toUpperCase(),
            value: (r: (typeof rows)[number]) => r.categories[category],
            align: 'right' as const,
          })),
        ]);
      }),
    );
}
