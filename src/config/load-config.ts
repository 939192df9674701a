// Reads ambassador.config.yaml (from --config, AMBASSADOR_CONFIG, or the working folder)
// and validates it. With no file the shipped defaults apply. Every setting may also come from
// an environment variable (environment.ts), which wins over the file. A bad file stops the
// program with every problem listed by path.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { buildConfig } from '../domain/config.js';
import type { ProgramConfig } from '../domain/config-schema.js';
import { environmentVariables, nameVariables, readEnvironmentOverrides, type EnvironmentVariable } from './environment.js';
import { fullConfigSchema } from './full-schema.js';

let variables: EnvironmentVariable[] | undefined;
/** The environment variables the whole config schema yields (computed once). */
export function configVariables(): EnvironmentVariable[] {
  variables ??= environmentVariables(fullConfigSchema);
  return variables;
}

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
  /** Whether program.baseUrl was given (file or environment); if not, `serve` uses the address it serves. */
  baseUrlConfigured: boolean;
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
  if (!file) return fromRaw({}, '(defaults)', env, null);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(file, [`cannot read the file: ${(error as Error).message}`]);
  }
  return fromRaw(parseYamlText(text, file), file, env, file);
}

export function parseConfigText(text: string, file: string, env: NodeJS.ProcessEnv): ProgramConfig {
  return fromRaw(parseYamlText(text, file), file, env, file).config;
}

function parseYamlText(text: string, file: string): unknown {
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new ConfigError(
      file,
      document.errors.map((error) => `line ${error.linePos?.[0]?.line ?? '?'}: ${error.message.split('\n')[0]}`),
    );
  }
  return document.toJS() as unknown;
}

function fromRaw(raw: unknown, label: string, env: NodeJS.ProcessEnv, file: string | null): LoadedConfig {
  const overrides = readEnvironmentOverrides(configVariables(), env);
  if (overrides.problems.length > 0) throw new ConfigError(file ? `${file} and the environment` : 'the environment', overrides.problems);
  const result = buildConfig(raw, env, fullConfigSchema, overrides.values);
  if (!result.ok) throw new ConfigError(label, nameVariables(result.problems, overrides.given));
  const program = (raw as { program?: { baseUrl?: unknown } } | null | undefined)?.program;
  const baseUrlConfigured =
    overrides.given.has('program.baseUrl') || (typeof program === 'object' && program !== null && program.baseUrl !== undefined && program.baseUrl !== null);
  return { config: result.config, file, baseUrlConfigured };
}

/** The address people reach a server on that listens on host:port (a wildcard means this machine). */
export function servedBaseUrl(host: string, port: number): string {
  const name = host === '0.0.0.0' || host === '::' || host === '' ? 'localhost' : host;
  return `http://${name.includes(':') ? `[${name}]` : name}:${port}`;
}

/** The config with program.baseUrl set to the served address when none was configured. */
export function withServedBaseUrl(loaded: Pick<LoadedConfig, 'config' | 'baseUrlConfigured'>, host: string, port: number): ProgramConfig {
  if (loaded.baseUrlConfigured) return loaded.config;
  return { ...loaded.config, program: { ...loaded.config.program, baseUrl: servedBaseUrl(host, port) } };
}
