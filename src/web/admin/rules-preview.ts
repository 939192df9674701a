// What a proposed rules change would do, before anyone applies it: the proposal (YAML that
// overrides the current settings, merged the way the config file merges) is validated, shown
// as a line diff, and scored with the pure domain functions on this cycle's contributions.
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { awardCycle } from '../../domain/awards.js';
import { buildConfig } from '../../domain/config.js';
import type { ProgramConfig } from '../../domain/config-schema.js';
import { rankStandings, tallyStandings, type RankedStanding } from '../../domain/leaderboard.js';
import { rulesVersions } from '../../domain/rules.js';
import { scoreWithCaps } from '../../domain/scoring.js';
import { addDays } from '../../domain/dates.js';
import { queryStandings, standingsCycle } from '../../store/standings.js';
import { previewStandings } from '../../store/standings-preview.js';
import { isAnyOf } from '../../store/id-lists.js';
import type { WebContext } from '../context.js';

export type DiffLine = { kind: 'same' | 'added' | 'removed'; text: string };

/** The settings that decide points, status and awards: what a rules change is about. */
export function rulesDocument(config: ProgramConfig): string {
  return stringifyYaml({ kinds: config.kinds, scoring: config.scoring, activity: config.activity, awards: config.awards }, { lineWidth: 0 });
}

export function mergeSettings(base: unknown, override: unknown): unknown {
  if (override === undefined || override === null) return base;
  if (isRecord(base) && isRecord(override)) {
    const out: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(override)) out[key] = mergeSettings(base[key], value);
    return out;
  }
  return override;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseProposal(current: ProgramConfig, yamlText: string): { ok: true; config: ProgramConfig } | { ok: false; problems: string[] } {
  let raw: unknown;
  try {
    raw = parseYaml(yamlText);
  } catch (error) {
    return { ok: false, problems: [`YAML: ${(error as Error).message}`] };
  }
  if (raw !== null && raw !== undefined && !isRecord(raw)) return { ok: false, problems: ['(root): expected a mapping of settings'] };
  const allowed = new Set(['kinds', 'scoring', 'activity', 'awards', 'visibility']);
  const unknown = Object.keys(raw ?? {}).filter((key) => !allowed.has(key));
  if (unknown.length) return { ok: false, problems: unknown.map((key) => `${key}: not a rules setting (allowed: ${[...allowed].join(', ')})`) };
  const result = buildConfig(mergeSettings(current, raw));
  return result.ok ? { ok: true, config: result.config } : { ok: false, problems: result.problems };
}

/** A line diff (longest common subsequence); small documents, so the quadratic table is fine. */
export function lineDiff(before: string, after: string): DiffLine[] {
  const a = before.split('\n');
  const b = after.split('\n');
  const table: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i -= 1) {
    for (let j = b.length - 1; j >= 0; j -= 1) {
      table[i]![j] = a[i] === b[j] ? table[i + 1]![j + 1]! + 1 : Math.max(table[i + 1]![j]!, table[i]![j + 1]!);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push({ kind: 'same', text: a[i]! });
      i += 1;
      j += 1;
    } else if (table[i + 1]![j]! >= table[i]![j + 1]!) out.push({ kind: 'removed', text: a[i++]! });
    else out.push({ kind: 'added', text: b[j++]! });
  }
  while (i < a.length) out.push({ kind: 'removed', text: a[i++]! });
  while (j < b.length) out.push({ kind: 'added', text: b[j++]! });
  return out;
}

/** Only changed lines with a little context, as a reader of a diff expects. */
export function compactDiff(lines: DiffLine[], context = 2): (DiffLine | { kind: 'gap'; text: string })[] {
  const keep = new Set<number>();
  lines.forEach((line, index) => {
    if (line.kind !== 'same') for (let k = index - context; k <= index + context; k += 1) keep.add(k);
  });
  const out: (DiffLine | { kind: 'gap'; text: string })[] = [];
  let skipped = 0;
  lines.forEach((line, index) => {
    if (keep.has(index)) {
      if (skipped) out.push({ kind: 'gap', text: `… ${skipped} unchanged lines` });
      skipped = 0;
      out.push(line);
    } else skipped += 1;
  });
  return out;
}

export interface LeaderboardEffect {
  year: number;
  changedContributions: number;
  contributions: number;
  rows: { handle: string; name: string; before: RankedStanding | undefined; after: RankedStanding | undefined }[];
  movedMembers: number;
}

export async function leaderboardEffect(context: WebContext, proposed: ProgramConfig, year: number, top = 25): Promise<LeaderboardEffect> {
  const cycle = awardCycle(context.config.awards, year);
  // From the maintained standings and the change's own rows when they are built for this cycle.
  const maintained = await standingsCycle(context.db);
  if (maintained.start === context.config.awards.cycle.start && maintained.end === context.config.awards.cycle.end) {
    return { year, ...(await previewStandings(context.db, context.config, proposed, cycle, top)) };
  }
  return leaderboardEffectByDomain(context, proposed, year, top);
}

/** The reference: every contribution of the cycle scored again with the domain functions. */
export async function leaderboardEffectByDomain(context: WebContext, proposed: ProgramConfig, year: number, top = 25): Promise<LeaderboardEffect> {
  const cycle = awardCycle(context.config.awards, year);
  // A week either side, so weekly caps at the edges of the cycle see their neighbours.
  const from = new Date(`${addDays(cycle.start, -7)}T00:00:00Z`);
  const until = new Date(`${addDays(cycle.end, 8)}T00:00:00Z`);
  const cycleFrom = new Date(`${cycle.start}T00:00:00Z`).getTime();
  const cycleUntil = new Date(`${addDays(cycle.end, 1)}T00:00:00Z`).getTime();
  const rows = await context.db
    .selectFrom('contributions as c')
    .innerJoin('members as m', 'm.id', 'c.member_id')
    .select(['c.id', 'c.member_id', 'c.kind', 'c.category', 'c.occurred_at', 'c.metadata', 'c.review_state', 'c.points'])
    .where('c.review_state', 'in', ['counted', 'pending'])
    .where('c.occurred_at', '>=', from)
    .where('c.occurred_at', '<', until)
    .where('m.state', '=', 'registered')
    .where('m.is_bot', '=', false)
    .execute();
  const scores = scoreWithCaps(
    rulesVersions(proposed),
    rows.map((r) => ({ id: r.id, memberId: r.member_id, kind: r.kind, occurredAt: r.occurred_at, metadata: r.metadata, takesCapPlace: true })),
  );
  const counted = rows.filter((r) => r.review_state === 'counted' && r.occurred_at.getTime() >= cycleFrom && r.occurred_at.getTime() < cycleUntil);
  const changed = counted.filter((r) => scores.get(r.id)!.points !== r.points).length;
  const memberIds = [...new Set(counted.map((r) => r.member_id))];
  const members = memberIds.length
    ? await context.db.selectFrom('members').select(['id', 'handle', 'name']).where(isAnyOf('id', memberIds)).execute()
    : [];
  const after = rankStandings(
    tallyStandings(
      members.map((m) => ({ memberId: m.id, handle: m.handle, name: m.name })),
      counted.map((r) => ({ memberId: r.member_id, category: proposed.kinds[r.kind]?.category ?? r.category, points: scores.get(r.id)!.points, occurredAt: r.occurred_at })),
    ),
  );
  const before = (await queryStandings(context.db, { from: cycle.start, to: cycle.end })).rows;
  const beforeById = new Map(before.map((s) => [s.memberId, s]));
  const afterById = new Map(after.map((s) => [s.memberId, s]));
  const ids = new Set([...after.slice(0, top).map((s) => s.memberId), ...before.slice(0, top).map((s) => s.memberId)]);
  const list = [...ids]
    .map((id) => {
      const a = afterById.get(id);
      const b = beforeById.get(id);
      return { handle: (a ?? b)!.handle, name: (a ?? b)!.name, before: b, after: a };
    })
    .sort((x, y) => (x.after?.rank ?? 1e9) - (y.after?.rank ?? 1e9));
  const moved = [...afterById.values()].filter((s) => beforeById.get(s.memberId)?.rank !== s.rank).length;
  return { year, changedContributions: changed, contributions: counted.length, rows: list, movedMembers: moved };
}
