// `ambassador awards compute|show|publish YEAR`: the frozen, published award snapshot.
import type { Command } from 'commander';
import { yearArgument } from '../arguments.js';
import { withContext, type GlobalOptions } from '../context.js';
import { printJson, printLines } from '../output.js';
import { CATEGORIES, CATEGORY_LABELS } from '../../domain/categories.js';
import type { AwardResults } from '../../domain/awards.js';
import { announcePublished, programNotifier, publishDueAnnouncements } from '../../notify/announcements.js';
import { AwardsGuardError, computeAwardDraft, latestSnapshot, publishAwards, scheduleAnnouncement, snapshotResults } from '../../store/awards.js';
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

/** The guards of the awards season, in the CLI's words: which flag gives the reason. */
async function withFlags<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof AwardsGuardError) {
      const flag = error.guard === 'early' ? '--early "why it cannot wait"' : '--reason "why it changes"';
      throw new UserError(`${error.message}: run it again with ${flag}`, 'conflict');
    }
    throw error;
  }
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
    .option('--early <reason>', 'required before the cycle has ended: confirms it, and why')
    .option('--json', 'print JSON')
    .action(async (yearText: string, options) =>
      withContext(globals(), async ({ store, config, actor, today }) => {
        const year = yearArgument(yearText);
        const outcome = await withFlags(() => computeAwardDraft(store.db, config, year, actor, { reason: options.reason, earlyReason: options.early, today }));
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
    .description('publish the latest draft and email its winners, now or --at a time: it becomes public and frozen')
    .option('--early <reason>', 'required before the cycle has ended: confirms it, and why')
    .option('--at <time>', 'schedule it instead, e.g. 2026-12-31T18:00Z (run "awards announce-due" or the job queue)')
    .option('--json', 'print JSON')
    .action(async (yearText: string, options) =>
      withContext(globals(), async ({ store, config, actor }) => {
        const year = yearArgument(yearText);
        const now = new Date();
        if (options.at) {
          const at = new Date(String(options.at));
          if (Number.isNaN(at.getTime())) throw new UserError(`--at: expected a date and time like 2026-12-31T18:00Z, got "${options.at}"`);
          const scheduled = await withFlags(() => scheduleAnnouncement(store.db, year, at, actor, { now, earlyReason: options.early }));
          if (options.json) return printJson({ ...snapshotView(scheduled), announceAt: at.toISOString() });
          return printLines([`the ${year} awards (revision ${scheduled.revision}) will be published and announced at ${at.toISOString()}`]);
        }
        const published = await withFlags(() => publishAwards(store.db, year, actor, { now, earlyReason: options.early }));
        await announcePublished(store, programNotifier(store, config, () => new Date()), published, now);
        if (options.json) printJson(snapshotView(published));
        else printLines([`published the ${published.year} awards (revision ${published.revision}); winners emailed where email is configured`]);
      }),
    );

  awards
    .command('announce-due')
    .description('publish the drafts whose scheduled time has come and email the winners (what the recurring job runs)')
    .option('--json', 'print JSON')
    .action(async (options) =>
      withContext(globals(), async ({ store, config }) => {
        const run = await publishDueAnnouncements(store, config, new Date());
        if (options.json) return printJson(run);
        printLines([
          run.published.length ? `published: ${run.published.map((p) => `${p.year} (revision ${p.revision})`).join(', ')}` : 'nothing due to publish',
          run.announced.length ? `announced: ${run.announced.map((p) => `${p.year} (revision ${p.revision})`).join(', ')}` : 'no announcement waiting',
        ]);
      }),
    );
}
