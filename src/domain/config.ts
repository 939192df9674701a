// Turns the raw contents of a config file into validated program settings: `${ENV}`
// interpolation, merging onto the shipped defaults, schema validation and cross-checks.
// Every problem is collected and named by its path; nothing is reported one at a time.
import type { z } from 'zod';
import { configSchema, type ProgramConfig } from './config-schema.js';
import { DEFAULT_CONFIG } from './default-config.js';

export type ConfigResult = { ok: true; config: ProgramConfig } | { ok: false; problems: string[] };

type Env = Record<string, string | undefined>;

/**
 * `schema` is the whole file's schema; the shell passes one extended with the settings of
 * the web app, notifications and sources, which the domain does not know about.
 */
export function buildConfig(
  raw: unknown,
  env: Env = {},
  schema: z.ZodType<ProgramConfig> = configSchema,
  /** Settings that win over the file's (read from environment variables by the shell); not interpolated. */
  overrides?: Record<string, unknown>,
): ConfigResult {
  if (raw !== undefined && raw !== null && !isPlainObject(raw)) {
    return { ok: false, problems: [`(root): expected a mapping of settings, got ${describe(raw)}`] };
  }
  const problems: string[] = [];
  const interpolated = interpolateEnv(raw ?? {}, env, [], problems);
  const merged = mergeOntoDefaults(DEFAULT_CONFIG, overrides ? mergeOntoDefaults(interpolated, overrides) : interpolated);
  const parsed = schema.safeParse(merged, { reportInput: true });
  if (!parsed.success) problems.push(...parsed.error.issues.map((issue) => formatIssue(issue)));
  else problems.push(...crossCheck(parsed.data));
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, config: parsed.success ? parsed.data : DEFAULT_CONFIG };
}

export function defaultConfig(): ProgramConfig {
  const result = buildConfig({});
  if (!result.ok) throw new Error(`the shipped defaults are invalid: ${result.problems.join('; ')}`);
  return result.config;
}

const ENV_REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^{}]*))?\}/g;

function interpolateEnv(value: unknown, env: Env, path: (string | number)[], problems: string[]): unknown {
  if (typeof value === 'string') {
    return value.replace(ENV_REFERENCE, (_match, name: string, fallback: string | undefined) => {
      const found = env[name];
      if (found !== undefined && found !== '') return found;
      if (fallback !== undefined) return fallback;
      problems.push(`${pathText(path)}: environment variable ${name} is not set`);
      return '';
    });
  }
  if (Array.isArray(value)) return value.map((item, index) => interpolateEnv(item, env, [...path, index], problems));
  if (isPlainObject(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, interpolateEnv(item, env, [...path, key], problems)]),
    );
  }
  return value;
}

/**
 * Mappings merge key by key; lists and plain values replace the default. A key left empty in
 * YAML (null) keeps its default.
 */
function mergeOntoDefaults(defaults: unknown, given: unknown): unknown {
  if (given === undefined || given === null) return defaults;
  if (isPlainObject(defaults) && isPlainObject(given)) {
    const result: Record<string, unknown> = { ...defaults };
    for (const [key, value] of Object.entries(given)) result[key] = mergeOntoDefaults(defaults[key], value);
    return result;
  }
  return given;
}

function crossCheck(config: ProgramConfig): string[] {
  const problems: string[] = [];
  const kinds = new Set(Object.keys(config.kinds));
  const checkKindsOf = (record: Record<string, unknown> | undefined, at: string) => {
    for (const kind of Object.keys(record ?? {})) {
      if (!kinds.has(kind)) problems.push(`${at}.${kind}: expected a kind defined under kinds, got "${kind}"`);
    }
  };
  const checkModifiers = (modifiers: ProgramConfig['scoring']['modifiers'] | undefined, at: string) => {
    (modifiers ?? []).forEach((modifier, index) =>
      modifier.kinds.forEach((kind, position) => {
        if (!kinds.has(kind)) {
          problems.push(`${at}.${index}.kinds.${position}: expected a kind defined under kinds, got "${kind}"`);
        }
      }),
    );
  };
  for (const kind of kinds) {
    if (config.scoring.points[kind] === undefined) {
      problems.push(`scoring.points.${kind}: expected a number >= 0 for the kind ${kind}, got nothing`);
    }
  }
  checkKindsOf(config.scoring.points, 'scoring.points');
  checkKindsOf(config.scoring.caps, 'scoring.caps');
  checkModifiers(config.scoring.modifiers, 'scoring.modifiers');
  let previous = config.scoring.effectiveFrom;
  config.scoring.changes.forEach((change, index) => {
    const at = `scoring.changes.${index}`;
    if (change.effectiveFrom <= previous) {
      problems.push(`${at}.effectiveFrom: expected a date after ${previous}, got "${change.effectiveFrom}"`);
    }
    previous = change.effectiveFrom;
    checkKindsOf(change.points, `${at}.points`);
    checkKindsOf(change.caps, `${at}.caps`);
    checkModifiers(change.modifiers, `${at}.modifiers`);
  });
  if (config.awards.cycle.start > config.awards.cycle.end) {
    problems.push(
      `awards.cycle.end: expected a month-day on or after the start ${config.awards.cycle.start}, got "${config.awards.cycle.end}"`,
    );
  }
  return problems;
}

function formatIssue(issue: z.core.$ZodIssue): string {
  const input = (issue as { input?: unknown }).input;
  const at = pathText(issue.path);
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => `${pathText([...issue.path, key])}: unknown setting`).join('\n');
    case 'invalid_type':
      if (input === undefined) return `${at}: ${expectation(issue.message, issue.expected)}, got nothing`;
      return `${at}: ${expectation(issue.message, issue.expected)}, got ${describe(input)}`;
    case 'custom':
      return `${at}: ${issue.message}`;
    case 'too_small':
    case 'too_big':
      if (!issue.message.startsWith('expected')) return `${at}: ${bound(issue)}, got ${describe(input)}`;
      return `${at}: ${issue.message}, got ${describe(input)}`;
    default: {
      const message = issue.message.startsWith('expected') ? issue.message : `expected ${issue.message}`;
      return input === undefined ? `${at}: ${message}` : `${at}: ${message}, got ${describe(input)}`;
    }
  }
}

function bound(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig): string {
  const small = issue.code === 'too_small';
  const limit = Number(small ? (issue as z.core.$ZodIssueTooSmall).minimum : (issue as z.core.$ZodIssueTooBig).maximum);
  const sign = small ? (issue.inclusive ? '>=' : '>') : issue.inclusive ? '<=' : '<';
  if (issue.origin === 'string') return `expected ${small ? 'at least' : 'at most'} ${limit} characters`;
  if (issue.origin === 'array' || issue.origin === 'set') return `expected ${small ? 'at least' : 'at most'} ${limit} items`;
  return `expected a number ${sign} ${limit}`;
}

function expectation(message: string, expected: string): string {
  if (message.startsWith('expected')) return message;
  const names: Record<string, string> = {
    object: 'expected a mapping',
    array: 'expected a list',
    string: 'expected a text',
    number: 'expected a number',
    boolean: 'expected true or false',
    record: 'expected a mapping',
  };
  return names[expected] ?? `expected ${expected}`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function pathText(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(root)' : path.map(String).join('.');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
