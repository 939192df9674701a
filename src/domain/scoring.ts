// Points for contributions, each with the sentence that explains them:
// "60 = merged pull request 10 + 30 (Award: advanced) + 20 (Award: complex)".
// Base points come from the kind, modifiers from the contribution's labels, flags and
// numbers, and caps limit how many of a kind count per member per day or week.
import type { Modifier } from './config-schema.js';
import { isoWeekStart, toIsoDate } from './dates.js';
import { rulesVersionOn, type RulesVersion } from './rules.js';

export interface ScoringInput {
  kind: string;
  /** ISO instant */
  occurredAt: string | Date;
  metadata: Record<string, unknown>;
}

export interface Score {
  points: number;
  explanation: string;
  rulesVersion: string;
}

const round = (value: number) => Math.round(value * 100) / 100;
const show = (value: number) => String(round(value));

export function scoreContribution(versions: RulesVersion[], input: ScoringInput): Score {
  const rules = rulesVersionOn(versions, toIsoDate(input.occurredAt));
  const kind = rules.kinds[input.kind];
  const basePoints = rules.points[input.kind];
  if (!kind || basePoints === undefined) {
    return { points: 0, explanation: `0 = "${input.kind}" is not a kind in rules ${rules.id}`, rulesVersion: rules.id };
  }
  const applying = rules.modifiers.filter((m) => m.kinds.includes(input.kind) && applies(m, input.metadata));

  const replacement = applying.find((m) => m.base !== undefined);
  let points = replacement?.base ?? basePoints;
  let sentence = replacement
    ? `${kind.label} ${show(points)} (${modifierName(replacement)})`
    : `${kind.label} ${show(points)}`;

  const additions = applying.filter((m) => m.add !== undefined || m.perUnit !== undefined);
  for (const modifier of additions) {
    const { amount, detail } = addition(modifier, input.metadata);
    if (amount === 0) continue;
    points += amount;
    sentence += ` + ${show(amount)} (${detail})`;
  }
  const multipliers = applying.filter((m) => m.multiply !== undefined);
  if (multipliers.length > 0 && sentence.includes(' + ')) sentence = `(${sentence})`;
  for (const modifier of multipliers) {
    points *= modifier.multiply ?? 1;
    sentence += ` x ${show(modifier.multiply ?? 1)} (${modifierName(modifier)})`;
  }
  points = round(points);
  return { points, explanation: `${show(points)} = ${sentence}`, rulesVersion: rules.id };
}

function applies(modifier: Modifier, metadata: Record<string, unknown>): boolean {
  if (modifier.label !== undefined) {
    const wanted = modifier.label.toLowerCase();
    const labels = Array.isArray(metadata.labels) ? metadata.labels : [];
    return labels.some((label) => typeof label === 'string' && label.toLowerCase() === wanted);
  }
  if (modifier.flag !== undefined) return metadata[modifier.flag] === true;
  if (modifier.field !== undefined) return typeof metadata[modifier.field] === 'number';
  return false;
}

function addition(modifier: Modifier, metadata: Record<string, unknown>): { amount: number; detail: string } {
  const name = modifierName(modifier);
  if (modifier.perUnit !== undefined && modifier.field !== undefined) {
    const units = Math.max(0, Number(metadata[modifier.field]) || 0);
    const raw = units * modifier.perUnit;
    const amount = modifier.max !== undefined ? Math.min(raw, modifier.max) : raw;
    const limit = modifier.max !== undefined && raw > modifier.max ? `, at most ${show(modifier.max)}` : '';
    return { amount: round(amount), detail: `${name} ${show(units)} x ${show(modifier.perUnit)}${limit}` };
  }
  return { amount: modifier.add ?? 0, detail: name };
}

function modifierName(modifier: Modifier): string {
  return modifier.name ?? modifier.label ?? modifier.flag ?? modifier.field ?? 'modifier';
}

export interface CappableContribution extends ScoringInput {
  /** Stable order among contributions of the same instant (the database id). */
  id: number;
  memberId: number;
  /** Rejected and excluded contributions take no place under a cap. */
  takesCapPlace: boolean;
}

/**
 * Scores a member's contributions together, applying caps: within a day (and an ISO week,
 * Monday to Sunday, UTC) only the first N of a kind earn points, in order of time then id.
 * Rejected and excluded contributions take no place.
 */
export function scoreWithCaps(versions: RulesVersion[], contributions: CappableContribution[]): Map<number, Score> {
  const ordered = contributions
    .map((contribution) => ({ contribution, time: new Date(contribution.occurredAt).getTime() }))
    .sort((a, b) => a.time - b.time || a.contribution.id - b.contribution.id);
  const used = new Map<string, number>();
  const scores = new Map<number, Score>();
  for (const { contribution } of ordered) {
    const score = scoreContribution(versions, contribution);
    if (!contribution.takesCapPlace) {
      scores.set(contribution.id, score);
      continue;
    }
    const day = toIsoDate(contribution.occurredAt);
    const cap = rulesVersionOn(versions, day).caps[contribution.kind];
    if (!cap) {
      scores.set(contribution.id, score);
      continue;
    }
    const dayKey = `${contribution.memberId}|${contribution.kind}|d${day}`;
    const weekKey = `${contribution.memberId}|${contribution.kind}|w${isoWeekStart(day)}`;
    // Every contribution of the day takes a daily place; only those within the daily cap
    // take a weekly place. (The set-based SQL of the store counts the same way.)
    const dayCount = (used.get(dayKey) ?? 0) + 1;
    used.set(dayKey, dayCount);
    if (cap.perDay !== undefined && dayCount > cap.perDay) {
      scores.set(contribution.id, capped(score, `over the cap of ${cap.perDay} a day on ${day}`));
      continue;
    }
    const weekCount = (used.get(weekKey) ?? 0) + 1;
    used.set(weekKey, weekCount);
    if (cap.perWeek !== undefined && weekCount > cap.perWeek) {
      scores.set(contribution.id, capped(score, `over the cap of ${cap.perWeek} a week from ${isoWeekStart(day)}`));
    } else {
      scores.set(contribution.id, score);
    }
  }
  return scores;
}

function capped(score: Score, reason: string): Score {
  const sentence = score.explanation.replace(/^[^=]*= /, '');
  return { points: 0, explanation: `0 = ${sentence}, not counted: ${reason}`, rulesVersion: score.rulesVersion };
}
