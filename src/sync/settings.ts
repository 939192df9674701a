// The `sources` section of ambassador.config.yaml: per source whether it runs and its own
// settings (base URLs, tokens through ${ENV}), plus the HTTP client's settings shared by all.
import { z } from 'zod';
import { discourseSettingsSchema } from '../sources/discourse.js';
import { feedsSettingsSchema } from '../sources/feeds.js';
import { githubSettingsSchema } from '../sources/github.js';
import { icalSettingsSchema } from '../sources/ical.js';
import { packagistSettingsSchema } from '../sources/packagist.js';
import { stackExchangeSettingsSchema } from '../sources/stackexchange.js';

const switchable = <T extends z.ZodObject>(schema: T) =>
  schema.extend({ enabled: z.boolean({ error: 'expected true or false' }).default(true) }).prefault({});

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
    github: switchable(githubSettingsSchema),
    stackexchange: switchable(stackExchangeSettingsSchema),
    feeds: switchable(feedsSettingsSchema),
    discourse: switchable(discourseSettingsSchema),
    packagist: switchable(packagistSettingsSchema),
    ical: switchable(icalSettingsSchema),
    /** dev.to accounts are read through their RSS feed at {baseUrl}/feed/{username}. */
    devto: z.strictObject({ baseUrl: z.url({ error: 'expected an http(s) URL' }).default('https://dev.to') }).prefault({}),
  })
  .prefault({});

export type SourcesSettings = z.infer<typeof sourcesSettingsSchema>;

export function parseSourcesSettings(raw: unknown): SourcesSettings {
  return sourcesSettingsSchema.parse(raw ?? {});
}
