// `ambassador standings verify`: the maintained standings against a recomputation from
// contributions; exit status 1 with the differences when they disagree (--repair rebuilds).
import type { Command } from 'commander';
import { withContext, type GlobalOptions } from '../context.js';
import { printJson } from '../output.js';
import { repairStandings, verifyStandings } from '../../store/standings-verify.js';

export function registerStandingsCommands(program: Command, globals: () => GlobalOptions): void {
  const standings = program.command('standings').description('the maintained leaderboard totals');
  standings
    .command('verify')
    .description('compare the maintained standings with a recomputation from contributions (exit 1 on differences)')
    .option('--repair', 'rebuild the standings from contributions when they differ')
    .option('--json', 'print JSON')
    .action(async (options: { repair?: boolean; json?: boolean }) =>
      withContext(globals(), async ({ store }) => {
        const result = await verifyStandings(store.db);
        const differ = result.differences.length + result.countDifferences.length > 0;
        const repaired = options.repair === true && differ;
        if (repaired) await repairStandings(store.db);
        if (options.json) printJson({ rows: result.rows, differences: result.differences, countDifferences: result.countDifferences, repaired });
        else if (!differ) console.log(`standings verified: ${result.rows} rows and the ranked counts equal a recomputation from contributions`);
        else {
          if (result.differences.length > 0) console.log(`standings differ from contributions in ${result.differences.length} rows${repaired ? ' (rebuilt)' : ''}:`);
          for (const d of result.differences) {
            console.log(`  member ${d.memberId} ${d.cycleYear} ${d.category}: maintained ${JSON.stringify(d.maintained)}, recomputed ${JSON.stringify(d.recomputed)}`);
          }
          if (result.countDifferences.length > 0) console.log(`ranked counts differ from the listed standings in ${result.countDifferences.length} years and categories${repaired ? ' (rebuilt)' : ''}:`);
          for (const d of result.countDifferences) console.log(`  ${d.cycleYear} ${d.category}: maintained ${d.maintained}, recomputed ${d.recomputed}`);
        }
        if (differ) process.exitCode = 1;
      }),
    );
}
