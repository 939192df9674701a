// The scoring rules compiled to one set-based SQL expression per column, so the database can
// rescore millions of contributions without shipping them to JavaScript. The pure functions
// in domain/scoring.ts are the reference: tests check that both give the same points and
// the same explanation for random contributions.
import { sql, type RawBuilder } from 'kysely';
import type { Modifier } from '../domain/config-schema.js';
import type { RulesVersion } from '../domain/rules.js';

type Sql = RawBuilder<unknown>;

const meta = sql.ref('s.metadata');

/** The way JavaScript prints a rounded number: 10, 1.5, 17.25. */
const show = (value: Sql) => sql`trim_scale(round((${value})::numeric, 2))::text`;
const lit = (value: number) => sql`${String(value)}::numeric`;
const text = (value: string) => sql`${value}::text`;

/** The row's labels, lowercased, computed once per row (column `labels` of the row source). */
export function lowerLabelsSql(metadata: Sql): Sql {
  return sql`(case jsonb_typeof(${metadata}->'labels') when 'array' then array(
    select lower(l.value #>> '{}') from jsonb_array_elements(${metadata}->'labels') as l(value)
    where jsonb_typeof(l.value) = 'string') else '{}'::text[] end)`;
}

function condition(modifier: Modifier): Sql {
  if (modifier.label !== undefined) return sql`(${modifier.label.toLowerCase()}::text = any(s.labels))`;
  if (modifier.flag !== undefined) return sql`coalesce(${meta}->${modifier.flag} = 'true'::jsonb, false)`;
  return sql`coalesce(jsonb_typeof(${meta}->${modifier.field!}) = 'number', false)`;
}

function modifierName(modifier: Modifier): string {
  return modifier.name ?? modifier.label ?? modifier.flag ?? modifier.field ?? 'modifier';
}

interface KindSql {
  points: Sql;
  sentence: Sql;
}

function compileKind(label: string, base: number, modifiers: Modifier[]): KindSql {
  const replacements = modifiers.filter((m) => m.base !== undefined);
  const basePoints = replacements.length
    ? sql`(case ${sql.join(
        replacements.map((m) => sql`when ${condition(m)} then ${lit(m.base!)}`),
        sql` `,
      )} else ${lit(base)} end)`
    : lit(base);
  const baseText = replacements.length
    ? sql`(case ${sql.join(
        replacements.map(
          (m) =>
            sql`when ${condition(m)} then ${text(`${label} `)} || ${show(lit(m.base!))} || ${text(` (${modifierName(m)})`)}`,
        ),
        sql` `,
      )} else ${text(`${label} `)} || ${show(lit(base))} end)`
    : sql`${text(`${label} `)} || ${show(lit(base))}`;

  const amounts: Sql[] = [];
  const addTexts: Sql[] = [];
  for (const m of modifiers.filter((m) => m.add !== undefined || m.perUnit !== undefined)) {
    if (m.perUnit !== undefined && m.field !== undefined) {
      const units = sql`greatest(0, (${meta}->>${m.field})::numeric)`;
      const raw = sql`(${units} * ${lit(m.perUnit)})`;
      const amount = sql`round(${m.max !== undefined ? sql`least(${raw}, ${lit(m.max)})` : raw}, 2)`;
      const guarded = sql`(case when ${condition(m)} then ${amount} else 0 end)`;
      const atMost =
        m.max !== undefined
          ? sql`(case when ${raw} > ${lit(m.max)} then ${text(`, at most `)} || ${show(lit(m.max))} else '' end)`
          : text('');
      amounts.push(guarded);
      addTexts.push(
        sql`(case when ${guarded} <> 0 then ' + ' || ${show(guarded)} || ${text(` (${modifierName(m)} `)} || ${show(units)} || ${text(' x ')} || ${show(lit(m.perUnit))} || ${atMost} || ')' else '' end)`,
      );
    } else {
      const guarded = sql`(case when ${condition(m)} then ${lit(m.add!)} else 0 end)`;
      amounts.push(guarded);
      addTexts.push(
        sql`(case when ${guarded} <> 0 then ' + ' || ${show(guarded)} || ${text(` (${modifierName(m)})`)} else '' end)`,
      );
    }
  }
  const multipliers = modifiers.filter((m) => m.multiply !== undefined);
  const factors = multipliers.map(
    (m) => sql`(case when ${condition(m)} then ${lit(m.multiply!)} else 1 end)`,
  );
  const multiplyTexts = multipliers.map(
    (m) =>
      sql`(case when ${condition(m)} then ${text(` x ${Math.round(m.multiply! * 100) / 100} (${modifierName(m)})`)} else '' end)`,
  );
  const sum = sql.join([basePoints, ...amounts], sql` + `);
  const points = sql`round((${sum}) * ${factors.length ? sql.join(factors, sql` * `) : lit(1)}, 2)`;
  const additions = addTexts.length ? sql.join(addTexts, sql` || `) : text('');
  const multiplied = multiplyTexts.length ? sql.join(multiplyTexts, sql` || `) : text('');
  const sentence = sql`(case when ${multiplied} <> '' and ${additions} <> '' then '(' || ${baseText} || ${additions} || ')' else ${baseText} || ${additions} end) || ${multiplied}`;
  return { points, sentence };
}

/** Which version applies: by the UTC date of occurrence, as rulesVersionOn does. */
export function versionIndexSql(versions: RulesVersion[], occurredAt: Sql): Sql {
  if (versions.length === 1) return sql`0`;
  const whens = versions
    .map((version, index) => ({ version, index }))
    .slice(1)
    .reverse()
    .map(
      ({ version, index }) =>
        sql`when ${occurredAt} >= ${`${version.effectiveFrom}T00:00:00Z`}::timestamptz then ${sql.lit(index)}`,
    );
  return sql`(case ${sql.join(whens, sql` `)} else 0 end)`;
}

export interface ScoringSql {
  points: Sql;
  /** The explanation without its leading "N = " */
  sentence: Sql;
  rulesVersion: Sql;
  capPerDay: Sql;
  capPerWeek: Sql;
}

/** Expressions over a row source aliased `s` with columns kind, metadata, labels and version_index. */
export function compileScoring(versions: RulesVersion[]): ScoringSql {
  const byVersion = (pick: (version: RulesVersion, index: number) => Sql) =>
    versions.length === 1
      ? pick(versions[0]!, 0)
      : sql`(case s.version_index ${sql.join(
          versions.map((v, i) => sql`when ${sql.lit(i)} then ${pick(v, i)}`),
          sql` `,
        )} end)`;
  const byKind = (version: RulesVersion, pick: (kind: string) => Sql, otherwise: Sql) => {
    const kinds = Object.keys(version.kinds).filter((kind) => version.points[kind] !== undefined);
    return sql`(case s.kind ${sql.join(
      kinds.map((kind) => sql`when ${kind} then ${pick(kind)}`),
      sql` `,
    )} else ${otherwise} end)`;
  };
  const compiled = versions.map((version) => {
    const kinds = new Map<string, KindSql>();
    for (const [kind, definition] of Object.entries(version.kinds)) {
      const base = version.points[kind];
      if (base === undefined) continue;
      kinds.set(
        kind,
        compileKind(
          definition.label,
          base,
          version.modifiers.filter((m) => m.kinds.includes(kind)),
        ),
      );
    }
    return kinds;
  });
  const capOf = (which: 'perDay' | 'perWeek') =>
    byVersion((version) => {
      const capped = Object.entries(version.caps).filter(([, cap]) => cap[which] !== undefined);
      if (capped.length === 0) return sql`null::int`;
      return sql`(case s.kind ${sql.join(
        capped.map(([kind, cap]) => sql`when ${kind} then ${sql.lit(cap[which]!)}`),
        sql` `,
      )} else null::int end)`;
    });
  return {
    points: byVersion((version, i) =>
      byKind(version, (kind) => compiled[i]!.get(kind)!.points, sql`0::numeric`),
    ),
    sentence: byVersion((version, i) =>
      byKind(
        version,
        (kind) => compiled[i]!.get(kind)!.sentence,
        sql`'"' || s.kind || ${text(`" is not a kind in rules ${version.id}`)}`,
      ),
    ),
    rulesVersion: byVersion((version) => text(version.id)),
    capPerDay: capOf('perDay'),
    capPerWeek: capOf('perWeek'),
  };
}
