// What a change of the scoring rules changes: for two lists of rules versions, the kinds and
// date ranges whose scoring differs. A rescore recomputes only the contributions in these
// scopes (store/rescore.ts), and the rules preview looks only at them.
import type { RulesVersion } from './rules.js';
import { canonicalJson, rulesVersionOn } from './rules.js';
import type { IsoDate } from './dates.js';

export interface RulesScope {
  /** The kinds whose scoring differs; null: every kind the rules do not know (both sides). */
  kinds: string[] | null;
  /** The kinds the rules know, for a scope of unknown kinds (what "every other kind" excludes). */
  knownKinds: string[];
  /** Inclusive UTC date; null: since the beginning. */
  from: IsoDate | null;
  /** Exclusive UTC date; null: onwards. */
  until: IsoDate | null;
  /** Capped kinds: the range is widened to whole ISO weeks, the partitions the caps count in. */
  capped: boolean;
}

const known = (version: RulesVersion, kind: string) => version.points[kind] !== undefined && version.kinds[kind] !== undefined;

/** How one kind is scored under a version (everything that reaches its points or explanation). */
function kindRules(version: RulesVersion, kind: string): string {
  if (!known(version, kind)) return `unknown in ${version.id}`;
  return canonicalJson({
    definition: version.kinds[kind],
    points: version.points[kind],
    modifiers: version.modifiers.filter((m) => m.kinds.includes(kind)),
    cap: version.caps[kind] ?? null,
  });
}

export function rulesScopes(before: RulesVersion[], after: RulesVersion[]): RulesScope[] {
  const dates = [...new Set([...before, ...after].map((v) => v.effectiveFrom))].sort();
  const kinds = [...new Set([...before, ...after].flatMap((v) => [...Object.keys(v.kinds), ...Object.keys(v.points)]))].sort();
  const knownKinds = kinds.filter((kind) => [...before, ...after].some((v) => known(v, kind)));
  // Per kind (and '' for unknown kinds), the intervals where the rules differ, merged.
  const ranges = new Map<string, { from: IsoDate | null; until: IsoDate | null; capped: boolean }[]>();
  dates.forEach((date, index) => {
    const previous = rulesVersionOn(before, date);
    const next = rulesVersionOn(after, date);
    const from = index === 0 ? null : date;
    const until = dates[index + 1] ?? null;
    const differing = kinds
      .filter((kind) => kindRules(previous, kind) !== kindRules(next, kind))
      .map((kind) => ({ key: kind, capped: Boolean(previous.caps[kind] || next.caps[kind]) }));
    if (previous.id !== next.id) differing.push({ key: '', capped: true });
    for (const { key, capped } of differing) {
      const list = ranges.get(key) ?? [];
      const last = list[list.length - 1];
      if (last && last.until === from) {
        last.until = until;
        last.capped ||= capped;
      } else list.push({ from, until, capped });
      ranges.set(key, list);
    }
  });
  const grouped = new Map<string, RulesScope>();
  for (const [key, list] of ranges) {
    for (const range of list) {
      const widened = range.capped ? { from: range.from && weekStart(range.from), until: range.until && weekEnd(range.until) } : range;
      const id = `${key === '' ? 'other' : 'kind'}|${widened.from}|${widened.until}|${range.capped}`;
      const scope = grouped.get(id) ?? { kinds: key === '' ? null : [], knownKinds, from: widened.from, until: widened.until, capped: range.capped };
      if (key !== '') scope.kinds!.push(key);
      grouped.set(id, scope);
    }
  }
  return [...grouped.values()];
}

/** The Monday (UTC) of the ISO week of a date. */
function weekStart(date: IsoDate): IsoDate {
  const at = new Date(`${date}T00:00:00Z`);
  at.setUTCDate(at.getUTCDate() - ((at.getUTCDay() + 6) % 7));
  return at.toISOString().slice(0, 10);
}

/** The Monday after the ISO week that holds the day before an exclusive end. */
function weekEnd(until: IsoDate): IsoDate {
  const before = new Date(`${until}T00:00:00Z`);
  before.setUTCDate(before.getUTCDate() - 1);
  const monday = new Date(`${weekStart(before.toISOString().slice(0, 10))}T00:00:00Z`);
  monday.setUTCDate(monday.getUTCDate() + 7);
  return monday.toISOString().slice(0, 10);
}
