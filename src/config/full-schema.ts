// The schema of the whole config file: the program's rules (domain) plus the settings of
// the shells that read them — the web app, notifications and the sources — so that one validation names
// every problem in the file by its path.
import { configSchema } from '../domain/config-schema.js';
import { notificationSettingsSchema } from '../notify/settings.js';
import { operationsSettingsSchema } from '../ops/settings.js';
import { sourcesSettingsSchema } from '../sync/settings.js';
import { webSettingsSchema } from '../web/settings.js';

export const fullConfigSchema = configSchema.extend({
  web: webSettingsSchema,
  notifications: notificationSettingsSchema,
  sources: sourcesSettingsSchema,
  operations: operationsSettingsSchema,
});
