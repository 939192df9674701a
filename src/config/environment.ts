// Every setting of ambassador.config.yaml can also come from an environment variable whose
// name is derived from the setting's path in the schema: `web.sessionSecret` is
// AMBASSADOR_WEB_SESSION_SECRET (segments joined by "_", camelCase split into SNAKE_CASE).
// Values are read as the schema expects them: text as is, numbers and true/false checked,
// lists and mappings as YAML or JSON. A variable overrides the file; an empty one is unset.
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';

export type VariableKind = 'text' | 'number' | 'boolean' | 'choice' | 'yaml';

export interface EnvironmentVariable {
  name: string;
  /** The setting's path in the config file, e.g. ['web', 'sessionSecret']. */
  path: string[];
  kind: VariableKind;
  /** For a choice: the values allowed. */
  choices?: string[];
}

/** The variables the process itself reads, outside the config file's schema. */
export const PROCESS_VARIABLES: { name: string; meaning: string }[] = [
  { name: 'DATABASE_URL', meaning: 'PostgreSQL connection URL; without it the embedded database (PGlite) in AMBASSADOR_DATA_DIR is used' },
  { name: 'AMBASSADOR_DATA_DIR', meaning: 'folder of the embedded database (default ./data)' },
  { name: 'AMBASSADOR_CONFIG', meaning: 'path of the config file (default ./ambassador.config.yaml)' },
  { name: 'PORT', meaning: 'port `serve` listens on (default 3000; `--port` wins)' },
  { name: 'HOST', meaning: 'address `serve` listens on (default localhost; the container sets 0.0.0.0; `--host` wins)' },
  { name: 'LOG_LEVEL', meaning: 'pino log level (default info)' },
  { name: 'AMBASSADOR_DEBUG', meaning: 'when set, errors print their stack trace' },
];

const PREFIX = 'AMBASSADOR';

export function variableName(path: readonly string[]): string {
  return [PREFIX, ...path.map((segment) => segment.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/-/g, '_').toUpperCase())].join('_');
}

type Def = { type: string; [key: string]: unknown };
const defOf = (schema: unknown): Def => (schema as { _zod: { def: Def } })._zod.def;

/** Strips the wrappers that do not change what a value looks like. */
function unwrap(schema: unknown): Def {
  let def = defOf(schema);
  for (;;) {
    if (['optional', 'default', 'prefault', 'nullable', 'readonly', 'catch', 'nonoptional'].includes(def.type)) def = defOf(def.innerType);
    else if (def.type === 'pipe') def = defOf(def.in);
    else return def;
  }
}

function literalValues(def: Def): unknown[] | null {
  if (def.type === 'literal') return def.values as unknown[];
  if (def.type === 'enum') return Object.values(def.entries as Record<string, unknown>);
  if (def.type === 'union') {
    const all = (def.options as unknown[]).map((option) => literalValues(unwrap(option)));
    return all.every((values) => values !== null) ? all.flat() : null;
  }
  return null;
}

function leaf(def: Def): Pick<EnvironmentVariable, 'kind' | 'choices'> {
  if (def.type === 'string') return { kind: 'text' };
  if (def.type === 'number') return { kind: 'number' };
  if (def.type === 'boolean') return { kind: 'boolean' };
  const values = literalValues(def);
  if (values && values.every((value) => typeof value === 'string')) return { kind: 'choice', choices: values as string[] };
  return { kind: 'yaml' };
}

/** The variables a schema yields: one per setting that is not a fixed-shape mapping. */
export function environmentVariables(schema: z.ZodType): EnvironmentVariable[] {
  const found: EnvironmentVariable[] = [];
  const visit = (node: unknown, path: string[]) => {
    const def = unwrap(node);
    if (def.type === 'object') {
      for (const [key, child] of Object.entries(def.shape as Record<string, unknown>)) visit(child, [...path, key]);
      return;
    }
    found.push({ name: variableName(path), path, ...leaf(def) });
  };
  visit(schema, []);
  return found;
}

type Env = Record<string, string | undefined>;

export interface EnvironmentOverrides {
  /** A partial config document holding the values read from the environment. */
  values: Record<string, unknown>;
  /** Which variables were read, by dotted setting path. */
  given: Map<string, string>;
  problems: string[];
}

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);
const NUMBER = /^-?\d+(?:\.\d+)?$/;

export function readEnvironmentOverrides(variables: EnvironmentVariable[], env: Env): EnvironmentOverrides {
  const values: Record<string, unknown> = {};
  const given = new Map<string, string>();
  const problems: string[] = [];
  for (const variable of variables) {
    const text = env[variable.name];
    if (text === undefined || text === '') continue;
    const value = coerce(variable, text);
    if (!value.ok) {
      problems.push(`${variable.name}: ${value.problem}, got ${JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text)}`);
      continue;
    }
    setIn(values, variable.path, value.value);
    given.set(variable.path.join('.'), variable.name);
  }
  return { values, given, problems };
}

function coerce(variable: EnvironmentVariable, text: string): { ok: true; value: unknown } | { ok: false; problem: string } {
  switch (variable.kind) {
    case 'text':
    case 'choice':
      return { ok: true, value: text };
    case 'number':
      return NUMBER.test(text.trim()) ? { ok: true, value: Number(text.trim()) } : { ok: false, problem: 'expected a number' };
    case 'boolean': {
      const lower = text.trim().toLowerCase();
      if (TRUE.has(lower)) return { ok: true, value: true };
      if (FALSE.has(lower)) return { ok: true, value: false };
      return { ok: false, problem: 'expected true or false' };
    }
    case 'yaml':
      try {
        return { ok: true, value: parseYaml(text, { maxAliasCount: 0 }) as unknown };
      } catch (error) {
        return { ok: false, problem: `expected YAML or JSON (${(error as Error).message.split('\n')[0]})` };
      }
  }
}

function setIn(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const segment of path.slice(0, -1)) {
    const next = node[segment];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[segment] = {};
    node = node[segment] as Record<string, unknown>;
  }
  node[path.at(-1)!] = value;
}

/** Adds "(from NAME)" to problems about a setting that came from the environment. */
export function nameVariables(problems: string[], given: Map<string, string>): string[] {
  if (given.size === 0) return problems;
  return problems.map((problem) => {
    const at = problem.slice(0, problem.indexOf(':'));
    for (const [path, name] of given) {
      if (at === path || at.startsWith(`${path}.`)) return `${problem} (from ${name})`;
    }
    return problem;
  });
}

function describeKind(variable: EnvironmentVariable): string {
  switch (variable.kind) {
    case 'choice':
      return variable.choices!.join(' \\| ');
    case 'yaml':
      return 'YAML/JSON';
    default:
      return variable.kind;
  }
}

function describeDefault(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'object' && value !== null) {
    if (Array.isArray(value) && value.length === 0) return '`[]`';
    return '(see the file reference)';
  }
  return `\`${String(value)}\``;
}

/** The README's table: one row per variable, with the setting, its type and its default. */
export function environmentTable(variables: EnvironmentVariable[], defaults: unknown): string[] {
  const lines = ['| Variable | Setting | Type | Default |', '| --- | --- | --- | --- |'];
  for (const variable of variables) {
    let value: unknown = defaults;
    for (const segment of variable.path) value = (value as Record<string, unknown> | undefined)?.[segment];
    lines.push(`| \`${variable.name}\` | \`${variable.path.join('.')}\` | ${describeKind(variable)} | ${describeDefault(value)} |`);
  }
  return lines;
}
