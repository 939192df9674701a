// `ambassador awards compute|show|publish YEAR`: the frozen, published award snapshot.
import type { Command } from 'commander';
import { yearArgument } from '../arguments.js';
import { withContext, type GlobalOptions } from '../context.js';
import { printJson, printLines } from '../output.js';
import { CATEGORIES, CATEGORY_LABELS } from '../../domain/categories.js';
import type { AwardResults } from '../../domain/awards.js';
import { computeAwardDraft, latestSnapshot, publishAwards, snapshotResults } from '../../store/awards.js';
import { UserError } from '../../store/errors.js';
import type { AwardSnapshotRow } from '../../store/schema.js';

export function snapshotView(snapshot: AwardSnapshotRow) {
  return {
    year: snapshot.year,
    revision: snapshot.revision,
    status: snapshot.status,
    rulesVersion: snapshot.rules_version,
    inputHash: snapshot.input_hash,
    cycle: { start: snapshot.cycle_start, end: snapshot.cycle_end },
    computedAt: snapshot.computed_at.toISOString(),
    publishedAt: snapshot.published_at?.toISOString() ?? null,
    reason: snapshot.reason,
    results: snapshotResults(snapshot),
  };
}

function describe(results: AwardResults, snapshot: AwardSnapshotRow): string[] {
  const lines = [
    `Ambassador Awards ${results.year} — revision ${snapshot.revision}, ${snapshot.status}`,
    `cycle ${results.cycle.start} to ${results.cycle.end}; rules ${results.rulesVersions.join(', ')}; input ${results.inputHash.slice(0, 12)}`,
    '',
    'Top Ambassadors',
    ...results.topAmbassadors.map((entry) => `${String(entry.rank).padStart(3)}. ${entry.handle} (${entry.points}) — ${entry.citation}`),
  ];
  const winners = CATEGORIES.filter((category) => results.categoryWinners[category]);
  if (winners.length > 0) {
    lines.push('', 'Category winners');
    for (const category of winners) {
      const entry = results.categoryWinners[category]!;
      lines.push(`  ${CATEGORY_LABELS[category]}: ${entry.handle} — ${entry.citation}`);
    }
  }
  return lines;
}

export function registerAwardCommands(program: Command, globals: () => GlobalOptions): void {
  const awards = program.command('awards').description('the annual Ambassador Awards');

  awards
    .command('compute <year>')
    .description('compute a draft of the year (unchanged inputs give the same snapshot)')
    .option('--reason <reason>', 'required to recompute a year already published')
    .option('--json', 'print JSON')
    .action(async (yearText: string, options) =>
      withContext(globals(), async ({ store, config, actor }) => {
        const year = yearArgument(yearText);
        const outcome = await computeAwardDraft(store.db, config, year, actor, { reason: options.reason });
        if (options.json) return printJson({ ...snapshotView(outcome.snapshot), created: outcome.created });
        if (!outcome.created) printLines([`inputs unchanged since revision ${outcome.snapshot.revision}; nothing new computed`, '']);
        printLines(describe(snapshotResults(outcome.snapshot), outcome.snapshot));
      }),
    );

  awards
    .command('show <year>')
    .description('the latest snapshot of the year, draft or published')
    .option('--json', 'print JSON')
    .action(async (yearText: string, options) =>
      withContext(globals(), async ({ store }) => {
        const year = yearArgument(yearText);
        const snapshot = await latestSnapshot(store.db, year);
        if (!snapshot) throw new UserError(`no ${year} awards have been computed`, 'not_found');
        if (options.json) return printJson(snapshotView(snapshot));
        printLines(describe(snapshotResults(snapshot), snapshot));
      }),
    );

  awards
    .command('publish <year>')
    .description('publish the latest draft: it becomes public and frozen')
    .option('--json', 'print JSON')
    .action(async (yearText: string, options) =>
      withContext(globals(), async ({ store, actor }) => {
        const published = await publishAwards(store.db, yearArgument(yearText), actor);
        if (options.json) printJson(snapshotView(published));
        else printLines([`published the ${published.year} awards (revision ${published.revision})`]);
      }),
    );
}
