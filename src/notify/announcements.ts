// Award announcements: publishing a year and emailing its winners, now or at a time a manager
// set. publishDueAnnouncements is the recurring job (the job queue calls it; `ambassador
// awards announce-due` runs it once): it publishes every draft whose time has come and
// emails the winners of every published year not yet announced, through the notifier, so
// each winner is told once even when a run is repeated or crashes half-way.
import { withoutTrailingSlashes } from '../domain/untrusted-text.js';
import type { ProgramConfig } from '../domain/config-schema.js';
import { dueAnnouncements, markAnnounced, publishAwards, snapshotResults, unannouncedSnapshots } from '../store/awards.js';
import type { Store } from '../store/db.js';
import type { AwardSnapshotRow } from '../store/schema.js';
import { webDb } from '../web/queries/tables.js';
import { notifyAwardsPublished } from './events.js';
import { smtpMailer, type Mailer } from './mailer.js';
import { createNotifier, type Notifier } from './notifier.js';
import { withPreferences } from './preferences.js';
import { parseNotificationSettings } from './settings.js';

/** The program's notifier outside the web server (jobs, the CLI), minding email preferences. */
export function programNotifier(store: Store, config: ProgramConfig, now: () => Date, options: { mailer?: Mailer | null; fetch?: typeof fetch } = {}): Notifier {
  const settings = parseNotificationSettings(config.notifications);
  const mailer = options.mailer !== undefined ? options.mailer : settings.email.smtpUrl ? smtpMailer(settings.email.smtpUrl, settings.email.from) : null;
  const notifier = createNotifier({
    db: webDb(store.db),
    config,
    settings,
    mailer,
    fetch: options.fetch ?? fetch,
    now,
    baseUrl: withoutTrailingSlashes(config.program.baseUrl),
  });
  return withPreferences(notifier, store.db);
}

/** Emails the winners of a published snapshot (once each) and records the announcement. */
export async function announcePublished(store: Store, notifier: Notifier, snapshot: AwardSnapshotRow, now: Date): Promise<void> {
  await notifyAwardsPublished(notifier, webDb(store.db), snapshot.year, snapshot.revision, snapshotResults(snapshot));
  await markAnnounced(store.db, snapshot.id, now);
}

export interface AnnouncementRun {
  published: { year: number; revision: number }[];
  announced: { year: number; revision: number }[];
}

export async function publishDueAnnouncements(
  store: Store,
  config: ProgramConfig,
  now: Date,
  options: { notifier?: Notifier; mailer?: Mailer | null } = {},
): Promise<AnnouncementRun> {
  const notifier = options.notifier ?? programNotifier(store, config, () => now, { mailer: options.mailer });
  const run: AnnouncementRun = { published: [], announced: [] };
  for (const due of await dueAnnouncements(store.db, now)) {
    const published = await publishAwards(store.db, due.year, due.scheduled_by ?? 'schedule', { now, earlyReason: due.early_reason ?? undefined });
    run.published.push({ year: published.year, revision: published.revision });
  }
  for (const snapshot of await unannouncedSnapshots(store.db)) {
    await announcePublished(store, notifier, snapshot, now);
    run.announced.push({ year: snapshot.year, revision: snapshot.revision });
  }
  return run;
}
