// Every source the sync engine runs, in one list: its name (the key of its settings and of
// its cursor), the identity platforms it reads, and its function.
import type { LinkedIdentity } from '../sources/contract.js';
import type { SourceFunction } from '../sources/context.js';
import { discourseSource } from '../sources/discourse.js';
import { feedsSource } from '../sources/feeds.js';
import { githubSource } from '../sources/github.js';
import { icalSource } from '../sources/ical.js';
import { packagistSource } from '../sources/packagist.js';
import { stackExchangeSource } from '../sources/stackexchange.js';
import { parseSourcesSettings, type SourcesSettings } from './settings.js';
import { withoutTrailingSlashes } from '../domain/untrusted-text.js';

export interface RegisteredSource {
  name: 'github' | 'stackexchange' | 'feeds' | 'discourse' | 'packagist' | 'ical';
  platforms: string[];
  run: SourceFunction<never>;
  /** Turns linked identities into what the source reads (dev.to accounts become feeds). */
  prepare?: (identities: LinkedIdentity[], settings: SourcesSettings) => LinkedIdentity[];
}

export const SOURCES: RegisteredSource[] = [
  { name: 'github', platforms: ['github'], run: githubSource as SourceFunction<never> },
  { name: 'stackexchange', platforms: ['stackexchange'], run: stackExchangeSource as SourceFunction<never> },
  {
    name: 'feeds',
    platforms: ['feed', 'devto'],
    run: feedsSource as SourceFunction<never>,
    prepare: (identities, settings) =>
      identities.map((identity) =>
        identity.platform === 'devto'
          ? {
              ...identity,
              platform: 'feed',
              externalId: `${withoutTrailingSlashes(settings.devto.baseUrl)}/feed/${encodeURIComponent(identity.externalId)}`,
            }
          : identity,
      ),
  },
  { name: 'discourse', platforms: ['discourse'], run: discourseSource as SourceFunction<never> },
  { name: 'packagist', platforms: ['packagist'], run: packagistSource as SourceFunction<never> },
  { name: 'ical', platforms: ['ical'], run: icalSource as SourceFunction<never> },
];

export const SOURCE_NAMES = SOURCES.map((source) => source.name);

/** The sources switched on in the `sources` settings, in registry order. */
export function enabledSourceNames(raw: unknown): string[] {
  const settings = parseSourcesSettings(raw);
  return SOURCES.filter((source) => settings[source.name].enabled).map((source) => source.name);
}
