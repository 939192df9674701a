// The `sources` section of ambassador.config.yaml: per source whether it runs, when `serve`
// runs it (`schedule`) and its own settings (base URLs, tokens through ${ENV}), plus the HTTP
// client's settings shared by all and the switch of the schedule.
import { z } from 'zod';
import { discourseSettingsSchema } from '../sources/discourse.js';
import { feedsSettingsSchema } from '../sources/feeds.js';
import { githubSettingsSchema } from '../sources/github.js';
import { icalSettingsSchema } from '../sources/ical.js';
import { packagistSettingsSchema } from '../sources/packagist.js';
import { stackExchangeSettingsSchema } from '../sources/stackexchange.js';
import { SCHEDULE_TYPE_ERROR, scheduleProblem } from './schedule-spec.js';

/** An interval ('1h') or a cron pattern; kept as text, read by schedule-spec.ts. */
const scheduleSchema = (fallback: string) =>
  z
    .string({ error: SCHEDULE_TYPE_ERROR })
    .superRefine((text, context) => {
      const problem = scheduleProblem(text);
      if (problem) context.addIssue({ code: 'custom', message: problem });
    })
    .default(fallback);

const switchable = <Shape extends z.ZodRawShape>(schema: z.ZodObject<Shape>, schedule: string) =>
  schema
    .extend({ enabled: z.boolean({ error: 'expected true or false' }).default(true), schedule: scheduleSchema(schedule) })
    // Every setting of a source has a default, so an absent section is an empty one.
    .prefault({} as never);

export const httpSettingsSchema = z
  .strictObject({
    userAgent: z.string().min(1).default('magento-ambassador (+https://github.com/magento/ambassador)'),
    timeoutMs: z.number().int().min(100).max(600_000).default(30_000),
    maxBytes: z.number().int().min(1024).default(10 * 1024 * 1024),
    /**
     * Address ranges allowed for URLs people supply (feeds, calendars, forums) although they
     * are loopback, private or link-local, e.g. ['127.0.0.1/32'] for a forum on this host.
     */
    allowPrivateAddresses: z.array(z.string()).default([]),
  })
  .prefault({});

export const sourcesSettingsSchema = z
  .strictObject({
    http: httpSettingsSchema,
    /** Whether `serve` runs the sources on their schedules (`serve --no-sync` overrides it). */
    schedule: z.strictObject({ enabled: z.boolean({ error: 'expected true or false' }).default(true) }).prefault({}),
    github: switchable(githubSettingsSchema, '1h'),
    stackexchange: switchable(stackExchangeSettingsSchema, '3h'),
    feeds: switchable(feedsSettingsSchema, '1h'),
    discourse: switchable(discourseSettingsSchema, '6h'),
    packagist: switchable(packagistSettingsSchema, '6h'),
    ical: switchable(icalSettingsSchema, '6h'),
    /** dev.to accounts are read through their RSS feed at {baseUrl}/feed/{username}. */
    devto: z.strictObject({ baseUrl: z.url({ error: 'expected an http(s) URL' }).default('https://dev.to') }).prefault({}),
  })
  .prefault({});

export type SourcesSettings = z.infer<typeof sourcesSettingsSchema>;

export function parseSourcesSettings(raw: unknown): SourcesSettings {
  return sourcesSettingsSchema.parse(raw ?? {});
}
