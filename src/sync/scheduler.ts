// When the sources run: every enabled source on its own schedule (sources.<name>.schedule, an
// interval or a cron pattern in UTC), as jobs of the `sync` queue (src/jobs/recurring.ts).
// A tick is the same instant in every process (src/jobs/ticks.ts) and its job id is derived
// from the source and the tick, so any number of workers enqueue one job per tick between
// them; the queue's stately policy keyed by source keeps two runs of a source from
// overlapping, on one instance or across several. A source whose time passed while no worker
// ran (judged by its last full run in sync_runs) is caught up when a worker starts.
import type { Kysely } from 'kysely';
import type { ProgramConfig } from '../domain/config-schema.js';
import type { Database } from '../store/schema.js';
import { previousTick } from '../jobs/ticks.js';
import { SOURCES, SOURCE_NAMES, type RegisteredSource } from './registry.js';
import { scheduleSpec, type ScheduleSpec } from './schedule-spec.js';
import { parseSourcesSettings } from './settings.js';

export type SourceName = RegisteredSource['name'];

export type RunTrigger = 'schedule' | 'catch-up' | 'manual';

export interface PlannedSource {
  name: SourceName;
  spec: ScheduleSpec;
}

export interface ScheduleOverrides {
  /** Every source every this many seconds, whatever the config says (trials and tests). */
  intervalSeconds?: number;
  schedules?: Partial<Record<SourceName, ScheduleSpec>>;
}

/** Whether the config lets the worker run the sources on their schedules at all. */
export function scheduleEnabled(config: ProgramConfig): boolean {
  return parseSourcesSettings(config.sources).schedule.enabled;
}

/** The enabled sources, in registry order, with their schedules. */
export function plannedSources(config: ProgramConfig, overrides: ScheduleOverrides = {}): PlannedSource[] {
  const settings = parseSourcesSettings(config.sources);
  return SOURCES.filter((source) => settings[source.name].enabled).map((source) => ({
    name: source.name,
    spec:
      overrides.schedules?.[source.name] ??
      (overrides.intervalSeconds ? { kind: 'interval', seconds: overrides.intervalSeconds, text: `${overrides.intervalSeconds}s` } : scheduleSpec(settings[source.name].schedule)),
  }));
}

/** When each source last started a full run (runs scoped to one member do not count). */
export async function lastFullRuns(db: Kysely<Database>): Promise<Map<string, Date>> {
  const rows = await db
    .selectFrom('sync_runs')
    .select(['source', (eb) => eb.fn.max<Date>('started_at').as('started_at')])
    .where('scope', 'is', null)
    .where('source', 'in', SOURCE_NAMES)
    .groupBy('source')
    .execute();
  return new Map(rows.map((row) => [row.source, new Date(row.started_at)]));
}

/**
 * The tick to run when a worker starts, or null: the latest tick when the source never ran,
 * when its last run is an interval old, or when a cron time fell after its last run.
 */
export function catchUpTick(spec: ScheduleSpec, lastRun: Date | null, now: Date): Date | null {
  const latest = previousTick(spec, now);
  if (!latest) return null;
  if (!lastRun) return latest;
  if (spec.kind === 'interval') return now.getTime() - lastRun.getTime() >= spec.seconds * 1000 ? latest : null;
  return latest.getTime() > lastRun.getTime() ? latest : null;
}
