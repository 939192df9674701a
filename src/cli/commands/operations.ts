// Operator commands: `ambassador env` (the environment variables every setting can come from).
import type { Command } from 'commander';
import { environmentTable, PROCESS_VARIABLES } from '../../config/environment.js';
import { configVariables, loadConfig } from '../../config/load-config.js';
import type { GlobalOptions } from '../context.js';
import { printJson, printLines } from '../output.js';

export function registerOperationsCommands(program: Command, _globals: () => GlobalOptions): void {
  program
    .command('env')
    .description('list the environment variables: every setting of the config file can come from one')
    .option('--json', 'print JSON')
    .action((options: { json?: boolean }) => {
      const variables = configVariables();
      if (options.json) {
        printJson({ process: PROCESS_VARIABLES, settings: variables.map((v) => ({ name: v.name, setting: v.path.join('.'), kind: v.kind, choices: v.choices ?? null })) });
        return;
      }
      // The defaults shown are the shipped ones, not this machine's environment.
      const defaults = loadConfig({ env: {}, file: undefined, cwd: '/nonexistent' }).config;
      printLines(environmentTable(variables, defaults));
    });
}
