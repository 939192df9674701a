// The `web` section of ambassador.config.yaml: sessions, sign-in, GitHub OAuth and the
// tokens external systems use to report contributions. Secrets come from `${ENV}` references.
import { isIP } from 'node:net';
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

/** The source name an external system's contributions are recorded under. */
export const SOURCE_NAME = /^[a-z][a-z0-9-]{1,39}$/;

export const ingestTokenSchema = z.strictObject({
  /** Who uses it, e.g. "events platform". */
  name: z.string().min(1).max(100),
  /** The source name its contributions are recorded under (idempotency key with externalId). */
  source: z.string().regex(SOURCE_NAME, { error: 'expected a source name like events-platform' }),
  /** The contribution kinds it may report (e.g. [eventOrganized, talk]): a token reports nothing else. */
  kinds: z.array(z.string().min(1).max(100), { error: 'expected the list of contribution kinds this token may report, e.g. [eventOrganized]' }).min(1, { error: 'expected at least one contribution kind this token may report' }),
  token: secret('an API token'),
});

/** One per-member limit: how many times an action may be taken in the window. */
const memberLimit = (max: number, windowMinutes: number) =>
  z
    .strictObject({ max: z.number().int().min(1).default(max), windowMinutes: z.number().int().min(1).default(windowMinutes) })
    .default({ max, windowMinutes });

/** An address or a CIDR range, IPv4 or IPv6. */
export function isAddressOrRange(value: string): boolean {
  const slash = value.indexOf('/');
  const address = slash === -1 ? value : value.slice(0, slash);
  const family = isIP(address);
  if (family === 0) return false;
  if (slash === -1) return true;
  const prefix = value.slice(slash + 1);
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * Which proxies' X-Forwarded-For to believe: false (none: the client is the peer), the
 * number of proxies in front of the server (1 behind one load balancer), or their addresses
 * and ranges. `true` would believe the left-most address, which any client can write.
 */
export const trustProxySchema = z.union([
  z.literal(false),
  z.literal(true).transform((_value, ctx) => {
    ctx.addIssue({
      code: 'custom',
      message: 'true would trust any client\'s X-Forwarded-For; give the number of proxies in front of the server (e.g. 1) or their addresses (e.g. [10.0.0.5, 10.1.0.0/16])',
    });
    return z.NEVER;
  }),
  z.number().int().min(1, { error: 'expected the number of proxies in front of the server (1 or more)' }).max(10),
  z
    .array(z.string().refine(isAddressOrRange, { error: 'expected an IP address or a CIDR range, e.g. 10.0.0.0/8' }))
    .min(1, { error: 'expected at least one proxy address; use false for none' }),
], { error: 'expected false, the number of proxies in front of the server, or a list of their addresses' });

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
  ingestTokens: z
    .array(ingestTokenSchema)
    .default([])
    .refine((tokens) => new Set(tokens.map((t) => t.source)).size === tokens.length, { error: 'two tokens may not share a source name' }),
  pageSize: z.number().int().min(5).max(200).default(24),
  trustProxy: trustProxySchema.default(false),
  /** The longest a request may take to arrive whole (a body dripped byte by byte is cut off). */
  requestTimeoutMs: z.number().int().min(1000).max(600_000).default(30_000),
  /** How long a connection may stay silent before it is closed. */
  connectionTimeoutMs: z.number().int().min(1000).max(600_000).default(60_000),
  /** How many identities a member may hold unverified at once. */
  maxUnverifiedIdentities: z.number().int().min(1).max(100).default(5),
  /** Per member: linking identities, "Check now" and submissions, counted across instances. */
  memberRateLimits: z
    .strictObject({ link: memberLimit(10, 60), check: memberLimit(10, 15), submit: memberLimit(20, 60) })
    .default({ link: { max: 10, windowMinutes: 60 }, check: { max: 10, windowMinutes: 15 }, submit: { max: 20, windowMinutes: 60 } }),
});

export type WebSettings = z.infer<typeof webSettingsSchema>;
export type GithubOAuthSettings = z.infer<typeof githubOAuthSchema>;

export function parseWebSettings(raw: unknown): WebSettings {
  return webSettingsSchema.parse(raw ?? {});
}
