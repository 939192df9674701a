// The `web` section of ambassador.config.yaml: sessions, sign-in, GitHub OAuth and the
// tokens external systems use to report contributions. Secrets come from `${ENV}` references.
import { z } from 'zod';

const secret = (what: string) =>
  z.string({ error: `expected ${what} (at least 24 characters)` }).min(24, { error: `expected ${what} of at least 24 characters` });

export const githubOAuthSchema = z.strictObject({
  clientId: z.string({ error: 'expected the OAuth app client id' }).min(1),
  clientSecret: z.string({ error: 'expected the OAuth app client secret' }).min(1),
  /** Where people are sent to authorise; a loopback fake plays GitHub in tests. */
  authorizeUrl: z.url({ error: 'expected an http(s) URL' }).default('https://github.com/login/oauth/authorize'),
  tokenUrl: z.url({ error: 'expected an http(s) URL' }).default('https://github.com/login/oauth/access_token'),
  apiUrl: z.url({ error: 'expected an http(s) URL' }).default('https://api.github.com'),
});

export const ingestTokenSchema = z.strictObject({
  /** Who uses it, e.g. "events platform". */
  name: z.string().min(1).max(100),
  /** The source name its contributions are recorded under (idempotency key with externalId). */
  source: z.string().regex(/^[a-z][a-z0-9-]{1,39}$/, { error: 'expected a source name like events-platform' }),
  token: secret('an API token'),
});

export const webSettingsSchema = z.strictObject({
  /** Signs cookies. Without one, a random secret per process: sessions end on restart. */
  sessionSecret: secret('a session secret').optional(),
  sessionDays: z.number().int().min(1).max(365).default(30),
  /** Secure cookies; by default when program.baseUrl is https. */
  secureCookies: z.boolean().optional(),
  signInLinkMinutes: z.number().int().min(5).max(1440).default(30),
  signInRateLimit: z
    .strictObject({
      /** Sign-in requests per email address and per client address in the window. */
      max: z.number().int().min(1).default(5),
      windowMinutes: z.number().int().min(1).default(15),
    })
    .default({ max: 5, windowMinutes: 15 }),
  github: githubOAuthSchema.optional(),
  ingestTokens: z.array(ingestTokenSchema).default([]),
  pageSize: z.number().int().min(5).max(200).default(24),
  trustProxy: z.boolean().default(false),
});

export type WebSettings = z.infer<typeof webSettingsSchema>;
export type GithubOAuthSettings = z.infer<typeof githubOAuthSchema>;

export function parseWebSettings(raw: unknown): WebSettings {
  return webSettingsSchema.parse(raw ?? {});
}
