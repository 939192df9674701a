// The versions of the scoring rules. Each version applies to contributions from its
// effective date on; its id carries the date and a digest of its content, so an edit made in
// place (instead of as a dated change) still shows as a different version.
import { createHash } from 'node:crypto';
import type { Cap, KindDefinition, Modifier, ProgramConfig } from './config-schema.js';
import type { IsoDate } from './dates.js';

export interface RulesVersion {
  /** e.g. "2019-01-01.3f9a2c1b" */
  id: string;
  effectiveFrom: IsoDate;
  note?: string;
  kinds: Record<string, KindDefinition>;
  points: Record<string, number>;
  modifiers: Modifier[];
  caps: Record<string, Cap>;
}

export function rulesVersions(config: ProgramConfig): RulesVersion[] {
  const { scoring, kinds } = config;
  let current = {
    effectiveFrom: scoring.effectiveFrom,
    note: undefined as string | undefined,
    points: { ...scoring.points },
    modifiers: scoring.modifiers,
    caps: { ...scoring.caps },
  };
  const versions = [withId(current, kinds)];
  for (const change of scoring.changes) {
    current = {
      effectiveFrom: change.effectiveFrom,
      note: change.note,
      points: { ...current.points, ...change.points },
      modifiers: change.modifiers ?? current.modifiers,
      caps: { ...current.caps, ...change.caps },
    };
    versions.push(withId(current, kinds));
  }
  return versions;
}

function withId(body: Omit<RulesVersion, 'id' | 'kinds'>, kinds: Record<string, KindDefinition>): RulesVersion {
  const digest = createHash('sha256')
    .update(canonicalJson({ kinds, points: body.points, modifiers: body.modifiers, caps: body.caps }))
    .digest('hex')
    .slice(0, 8);
  return { id: `${body.effectiveFrom}.${digest}`, kinds, ...body };
}

/** The version in force on a date: the latest whose effective date is not after it. */
export function rulesVersionOn(versions: RulesVersion[], date: IsoDate): RulesVersion {
  let chosen = versions[0];
  if (!chosen) throw new Error('no rules versions');
  for (const version of versions) if (version.effectiveFrom <= date) chosen = version;
  return chosen;
}

/** JSON with object keys sorted, so equal content always hashes the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}
