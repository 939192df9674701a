// The README's "Running in production" covers what an operator needs, and names every metric
// /metrics exports and every operations setting.
import { readFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { metricsRegistry } from '../../src/ops/metrics.js';
import { configVariables } from '../../src/config/load-config.js';
import type { Database } from '../../src/store/schema.js';

const readme = readFileSync('README.md', 'utf8');
const production = readme.slice(readme.indexOf('## Running in production'), readme.indexOf('\n## ', readme.indexOf('## Running in production') + 5));

describe('README: Running in production', () => {
  it('has the sections an operator looks for', () => {
    const headings = [...production.matchAll(/^### (.+)$/gm)].map((match) => match[1]);
    const wanted = ['The container', 'Process roles and scaling', 'Environment variables', 'Backups', 'Retention', 'Metrics', 'Alerts'];
    expect(headings.filter((heading) => wanted.includes(heading!))).toEqual(wanted);
    for (const command of ['`ambassador serve`', '`ambassador serve --no-worker`', '`ambassador worker`', 'pg_dump', 'pg_restore', 'ambassador backup FILE', '`ambassador restore FILE`', '`ambassador retention`']) {
      expect(production).toContain(command);
    }
  });

  it('names every metric and every operations setting', () => {
    const { registry } = metricsRegistry({ db: {} as Kysely<Database> });
    const names = registry.getMetricsAsArray().map((metric) => metric.name).filter((name) => !/^ambassador_(process|nodejs)_/.test(name));
    expect(names.length).toBeGreaterThan(10);
    for (const name of names) {
      const short = name.replace(/^(ambassador_upstream_quota)_(limit|observed_timestamp_seconds)$/, '…_$2');
      expect(production, name).toContain(`\`${short}\``);
    }
    for (const variable of configVariables().filter((v) => v.path[0] === 'operations')) expect(production).toContain(variable.path.slice(1).join('.'));
  });
});
