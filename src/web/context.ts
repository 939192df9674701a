// What every route needs: the store, the validated config and settings, the clock, the
// notifier, and the optional hooks other parts of the program plug in (sync, verification).
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { ProgramConfig } from '../domain/config-schema.js';
import { toIsoDate } from '../domain/dates.js';
import type { Store } from '../store/db.js';
import type { Database } from '../store/schema.js';
import { createNotifier, type Notifier } from '../notify/notifier.js';
import { withPreferences } from '../notify/preferences.js';
import { smtpMailer, type Mailer } from '../notify/mailer.js';
import { parseNotificationSettings, type NotificationSettings } from '../notify/settings.js';
import { defaultIdentityVerifier, type IdentityVerifier } from './identity-verification.js';
import { webDb, type WebDatabase } from './queries/tables.js';
import { parseWebSettings, type WebSettings } from './settings.js';
import { PageCache } from './page-cache.js';
import { withoutTrailingSlashes } from '../domain/untrusted-text.js';

export interface AppContext {
  store: Store;
  config: ProgramConfig;
  /** Fastify/pino logger options; false for none. */
  logger?: boolean | object;
  /** The clock (tests pin it). */
  now?: () => Date;
  /** How email leaves; by default SMTP at notifications.email.smtpUrl, or none. */
  mailer?: Mailer | null;
  /** Outbound HTTP for GitHub OAuth and webhooks (tests point it at loopback fakes). */
  fetch?: typeof fetch;
  /** Runs a sync now (all sources, or one); the "run now" button appears when given. */
  runSync?: (source?: string) => Promise<void>;
  /** Checks a verification code for an identity; by default src/sources/verification.ts. */
  verifyIdentity?: IdentityVerifier | null;
  /** Seconds anonymous public pages may be served from memory (0 turns the cache off). */
  pageCacheSeconds?: number;
}

export interface WebContext {
  store: Store;
  /** The core tables (src/store functions take this). */
  db: Kysely<Database>;
  /** The same connection, typed with the web and notification tables too. */
  wdb: Kysely<WebDatabase>;
  config: ProgramConfig;
  web: WebSettings;
  notifications: NotificationSettings;
  now: () => Date;
  today: () => string;
  notifier: Notifier;
  mailer: Mailer | null;
  fetch: typeof fetch;
  runSync?: (source?: string) => Promise<void>;
  verifyIdentity: IdentityVerifier | null;
  secret: Buffer;
  secureCookies: boolean;
  cache: PageCache;
  baseUrl: string;
}

export function resolveContext(context: AppContext): WebContext {
  const web = parseWebSettings(context.config.web);
  const notifications = parseNotificationSettings(context.config.notifications);
  const now = context.now ?? (() => new Date());
  const mailer =
    context.mailer !== undefined
      ? context.mailer
      : notifications.email.smtpUrl
        ? smtpMailer(notifications.email.smtpUrl, notifications.email.from)
        : null;
  const doFetch = context.fetch ?? fetch;
  const wdb = webDb(context.store.db);
  const baseUrl = withoutTrailingSlashes(context.config.program.baseUrl);
  const notifier = withPreferences(createNotifier({ db: wdb, config: context.config, settings: notifications, mailer, fetch: doFetch, now, baseUrl }), context.store.db);
  return {
    store: context.store,
    db: context.store.db,
    wdb,
    config: context.config,
    web,
    notifications,
    now,
    today: () => toIsoDate(now()),
    notifier,
    mailer,
    fetch: doFetch,
    runSync: context.runSync,
    verifyIdentity: context.verifyIdentity !== undefined ? context.verifyIdentity : defaultIdentityVerifier(context.config),
    secret: web.sessionSecret ? Buffer.from(web.sessionSecret) : randomBytes(32),
    secureCookies: web.secureCookies ?? baseUrl.startsWith('https://'),
    cache: new PageCache(context.pageCacheSeconds ?? 30, now),
    baseUrl,
  };
}

