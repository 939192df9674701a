// The notifier the CLI tells people through (the same as the server's: SMTP when configured,
// nothing otherwise), for commands whose effect someone must hear about.
import type { ProgramConfig } from '../domain/config-schema.js';
import { withoutTrailingSlashes } from '../domain/untrusted-text.js';
import { smtpMailer } from '../notify/mailer.js';
import { createNotifier, type Notifier } from '../notify/notifier.js';
import { parseNotificationSettings } from '../notify/settings.js';
import type { Store } from '../store/db.js';
import { webDb } from '../web/queries/tables.js';

export function commandNotifier(config: ProgramConfig, store: Store): Notifier {
  const settings = parseNotificationSettings(config.notifications);
  const mailer = settings.email.smtpUrl ? smtpMailer(settings.email.smtpUrl, settings.email.from) : null;
  return createNotifier({ db: webDb(store.db), config, settings, mailer, fetch, now: () => new Date(), baseUrl: withoutTrailingSlashes(config.program.baseUrl) });
}
