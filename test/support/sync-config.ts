// The whole config (the rules plus the sources' settings) as sync tests need it: validated like
// the config file, with the loopback fakes' addresses allowed.
import { fullConfigSchema } from '../../src/config/full-schema.js';
import { buildConfig } from '../../src/domain/config.js';
import type { ProgramConfig } from '../../src/domain/config-schema.js';

export function syncConfig(sources: Record<string, unknown>, rest: Record<string, unknown> = {}): ProgramConfig {
  const result = buildConfig({ ...rest, sources: { http: { allowPrivateAddresses: ['127.0.0.1/32'] }, ...sources } }, {}, fullConfigSchema);
  if (!result.ok) throw new Error(result.problems.join('\n'));
  return result.config;
}

/** `{ enabled: false }` for each named source. */
export const disabled = (...names: string[]): Record<string, { enabled: false }> => Object.fromEntries(names.map((name) => [name, { enabled: false }]));
