// Program configs for domain tests, built through the same validation as a real file.
import { buildConfig } from '../../src/domain/config.js';
import type { ProgramConfig } from '../../src/domain/config-schema.js';

export function configWith(overrides: unknown = {}): ProgramConfig {
  const result = buildConfig(overrides, {});
  if (!result.ok) throw new Error(result.problems.join('\n'));
  return result.config;
}
