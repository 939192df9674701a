// The schema of ambassador.config.yaml: the program's rules and the operator's settings.
// Every message starts with "expected …" so that problems read as
// `scoring.points.pullRequestMerged: expected a number >= 0, got "ten"`.
import { z } from 'zod';
import { CATEGORIES } from './categories.js';

const points = () => z.number({ error: 'expected a number >= 0' }).min(0, { error: 'expected a number >= 0' });
const positive = () => z.number({ error: 'expected a number > 0' }).gt(0, { error: 'expected a number > 0' });
const count = () =>
  z
    .number({ error: 'expected a whole number >= 1' })
    .int({ error: 'expected a whole number >= 1' })
    .min(1, { error: 'expected a whole number >= 1' });
const text = () => z.string({ error: 'expected a text' }).min(1, { error: 'expected a non-empty text' });
const isoDate = () =>
  z
    .string({ error: 'expected a date YYYY-MM-DD' })
    .regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, { error: 'expected a date YYYY-MM-DD' });
const monthDay = () =>
  z
    .string({ error: 'expected a month-day MM-DD' })
    .regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, { error: 'expected a month-day MM-DD' });
export const kindName = () =>
  z
    .string({ error: 'expected a kind name' })
    .regex(/^[a-z][A-Za-z0-9]*$/, { error: 'expected a kind name in camelCase, e.g. blogPost' });

export const categorySchema = z.enum(CATEGORIES, { error: `expected one of ${CATEGORIES.join(', ')}` });

export const kindSchema = z.strictObject({
  category: categorySchema,
  /** How the kind reads in an explanation: "merged pull request". */
  label: text(),
  /** Whether people may submit it by hand for review (talks, meetups, mentoring…). */
  submittable: z.boolean({ error: 'expected true or false' }).default(false),
});

export const modifierSchema = z
  .strictObject({
    /** Shown in explanations; defaults to the label, flag or field it reads. */
    name: text().optional(),
    kinds: z.array(kindName(), { error: 'expected a list of kind names' }).min(1, { error: 'expected at least one kind' }),
    /** Applies when metadata.labels holds this label (case-insensitive). */
    label: text().optional(),
    /** Applies when metadata[flag] is true. */
    flag: text().optional(),
    /** Reads the number metadata[field]: adds `perUnit` points per unit, up to `max`. */
    field: text().optional(),
    perUnit: positive().optional(),
    max: points().optional(),
    /** Replaces the kind's base points. */
    base: points().optional(),
    add: points().optional(),
    multiply: positive().optional(),
  })
  .superRefine((modifier, ctx) => {
    const conditions = [modifier.label, modifier.flag, modifier.field].filter((v) => v !== undefined).length;
    if (conditions !== 1) {
      ctx.addIssue({ code: 'custom', message: 'expected exactly one of label, flag or field' });
    }
    const effects = [modifier.base, modifier.add, modifier.multiply, modifier.perUnit].filter(
      (v) => v !== undefined,
    ).length;
    if (effects !== 1) {
      ctx.addIssue({ code: 'custom', message: 'expected exactly one of base, add, multiply or perUnit' });
    }
    if ((modifier.field === undefined) !== (modifier.perUnit === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'expected field and perUnit together' });
    }
  });

export const capSchema = z
  .strictObject({ perDay: count().optional(), perWeek: count().optional() })
  .refine((cap) => cap.perDay !== undefined || cap.perWeek !== undefined, {
    message: 'expected perDay or perWeek',
  });

const rulesBody = {
  points: z.record(kindName(), points(), { error: 'expected a mapping of kind names to points' }),
  modifiers: z.array(modifierSchema, { error: 'expected a list of modifiers' }),
  caps: z.record(kindName(), capSchema, { error: 'expected a mapping of kind names to caps' }),
};

export const rulesChangeSchema = z.strictObject({
  effectiveFrom: isoDate(),
  /** Why the rules changed, shown on "How scoring works". */
  note: text().optional(),
  points: rulesBody.points.optional(),
  /** When given, replaces the whole list of modifiers. */
  modifiers: rulesBody.modifiers.optional(),
  caps: rulesBody.caps.optional(),
});

export const scoringSchema = z.strictObject({
  effectiveFrom: isoDate().default('2019-01-01'),
  points: rulesBody.points,
  modifiers: rulesBody.modifiers,
  caps: rulesBody.caps,
  /** Later versions of the rules, each applying to contributions from its date on. */
  changes: z.array(rulesChangeSchema, { error: 'expected a list of rule changes' }).default([]),
});

export const activitySchema = z.strictObject({
  windowMonths: count(),
  lapseWarningDays: count(),
});

export const awardsSchema = z.strictObject({
  topN: count(),
  categoryWinners: z.boolean({ error: 'expected true or false' }),
  timezone: z.literal('UTC', { error: 'expected UTC (the program keeps every date in UTC)' }),
  cycle: z.strictObject({
    /** First day of an award year's cycle, month-day, e.g. 01-01 or 02-01. */
    start: monthDay(),
    /** Last day (inclusive), month-day, in the same calendar year. */
    end: monthDay(),
    /** When the cycle is reviewed and announced, shown to people. */
    review: text().optional(),
    announcement: text().optional(),
  }),
  eligibility: z.strictObject({
    minPoints: points(),
    excludeStaff: z.boolean({ error: 'expected true or false' }),
    excludeBots: z.boolean({ error: 'expected true or false' }),
    /** Only people whose ambassador status is active on the cycle's last day. */
    requireActiveAtCycleEnd: z.boolean({ error: 'expected true or false' }),
  }),
});

export const visibilitySchema = z.strictObject({
  /** public: points and explanations on public pages; private: only the person and managers. */
  scores: z.enum(['public', 'private'], { error: 'expected public or private' }),
  /** private: a suspension shows to the public as "inactive" (the person and managers see it); public: as "suspended". */
  suspensions: z.enum(['public', 'private'], { error: 'expected public or private' }).default('private'),
});

export const programSchema = z.strictObject({
  name: text(),
  /** Public address of the site, used in links in emails, feeds and badges. */
  baseUrl: z.url({ error: 'expected an http(s) URL' }),
  associationUrl: z.url({ error: 'expected an http(s) URL' }),
});

export const configSchema = z.strictObject({
  program: programSchema,
  kinds: z.record(kindName(), kindSchema, { error: 'expected a mapping of kind names' }),
  scoring: scoringSchema,
  activity: activitySchema,
  awards: awardsSchema,
  visibility: visibilitySchema,
  /** Settings of the upstream sources (see the sources reference). */
  sources: z.record(z.string(), z.unknown()).default({}),
  /** Web server and accounts settings (see the web reference). */
  web: z.record(z.string(), z.unknown()).default({}),
  /** Email and webhook settings (see the notifications reference). */
  notifications: z.record(z.string(), z.unknown()).default({}),
  /** Metrics, retention and alert settings (see "Running in production"). */
  operations: z.record(z.string(), z.unknown()).default({}),
});

export type ProgramConfig = z.infer<typeof configSchema>;
export type KindDefinition = z.infer<typeof kindSchema>;
export type Modifier = z.infer<typeof modifierSchema>;
export type Cap = z.infer<typeof capSchema>;
export type ScoringConfig = z.infer<typeof scoringSchema>;
export type AwardsConfig = z.infer<typeof awardsSchema>;
