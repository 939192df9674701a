// Reads ambassador.config.yaml (from --config, AMBASSADOR_CONFIG, or the working folder)
// and validates it. With no file the shipped defaults apply. A bad file stops the program
// with every problem listed by path.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { buildConfig } from '../domain/config.js';
import type { ProgramConfig } from '../domain/config-schema.js';
import { fullConfigSchema } from './full-schema.js';

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`invalid configuration in ${file}:\n${problems.map((problem) => `  ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export interface LoadedConfig {
  config: ProgramConfig;
  /** The file the settings came from, or null for the shipped defaults. */
  file: string | null;
}

export function resolveConfigPath(explicit: string | undefined, env: NodeJS.ProcessEnv, cwd: string): string | null {
  if (explicit) return path.resolve(cwd, explicit);
  if (env.AMBASSADOR_CONFIG) return path.resolve(cwd, env.AMBASSADOR_CONFIG);
  const local = path.join(cwd, 'ambassador.config.yaml');
  return existsSync(local) ? local : null;
}

export function loadConfig(
  options: { file?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {},
): LoadedConfig {
  const env = options.env ?? process.env;
  const file = resolveConfigPath(options.file, env, options.cwd ?? process.cwd());
  if (!file) {
    const defaults = buildConfig({}, env, fullConfigSchema);
    if (!defaults.ok) throw new ConfigError('(defaults)', defaults.problems);
    return { config: defaults.config, file: null };
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(file, [`cannot read the file: ${(error as Error).message}`]);
  }
  return { config: parseConfigText(text, file, env), file };
}

export function parseConfigText(text: string, file: string, env: NodeJS.ProcessEnv): ProgramConfig {
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new ConfigError(
      file,
      document.errors.map((error) => `line ${error.linePos?.[0]?.line ?? '?'}: ${error.message.split('\n')[0]}`),
    );
  }
  const result = buildConfig(document.toJS(), env, fullConfigSchema);
  if (!result.ok) throw new ConfigError(file, result.problems);
  return result.config;
}
