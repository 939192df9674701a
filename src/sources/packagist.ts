// The Packagist source: new stable releases of Magento packages by a vendor (identity
// externalId = vendor name). Packagist cannot list by maintainer, so the vendor's packages are
// listed (/packages/list.json?vendor=) and each is read from the composer v2 metadata
// (/p2/{vendor}/{package}.json, minified: each version lists only what changed from the one
// before it, '__unset' removes a key). Conditional requests keep re-syncs cheap.

import { z } from 'zod';
import type { LinkedIdentity, NormalizedContribution, SourceBatch, SourceCursor } from './contract.js';
import { identitiesOn, type SourceContext } from './context.js';
import { isoInstant, plainText, safeUrl } from './plain-text.js';
import { withoutTrailingSlashes } from '../domain/untrusted-text.js';

export const packagistSettingsSchema = z.object({
  baseUrl: z.string().url().default('https://packagist.org'),
  /** Composer metadata host; defaults to the base URL (repo.packagist.org serves the same paths). */
  metadataUrl: z.string().url().optional(),
  magentoTypes: z.array(z.string()).default(['magento2-module', 'magento2-theme', 'magento2-language', 'magento2-component', 'magento2-library']),
  maxPackagesPerVendor: z.number().int().positive().default(200),
});
export type PackagistSettings = z.infer<typeof packagistSettingsSchema>;

type Version = Record<string, unknown>;
const SOURCE = 'packagist';

/** Expands composer/2.0 minified version lists into full version objects. */
export function expandMinified(versions: readonly Version[]): Version[] {
  const expanded: Version[] = [];
  let previous: Version = {};
  for (const version of versions) {
    const current: Version = { ...previous };
    for (const [key, value] of Object.entries(version)) {
      if (value === '__unset') delete current[key];
      else current[key] = value;
    }
    expanded.push(current);
    previous = current;
  }
  return expanded;
}

export type Stability = 'stable' | 'RC' | 'beta' | 'alpha' | 'dev';

/**
 * The stability of a version as Composer reads it (composer/semver VersionParser::parseStability):
 * `dev-*` and `*-dev` are dev; a modifier beta/b, alpha/a or RC says so; stable, patch, pl and p
 * (Magento's `2.4.7-p1`) are stable. Null when the version does not start with a number.
 */
export function composerStability(input: string): Stability | null {
  const beforeHash = input.slice(0, 100);
  const version = (beforeHash.includes('#') ? beforeHash.slice(0, beforeHash.indexOf('#')) : beforeHash).trim().toLowerCase();
  if (version.startsWith('dev-') || version.endsWith('-dev')) return 'dev';
  const numeric = /^v?\d+(?:\.\d+)*/.exec(version);
  if (!numeric) return null;
  const afterNumbers = version.slice(numeric[0].length);
  // Build metadata (+build.5) does not change stability.
  const rest = afterNumbers.includes('+') ? afterNumbers.slice(0, afterNumbers.indexOf('+')) : afterNumbers;
  if (!rest) return 'stable';
  const modifier = /^[._-]?(stable|beta|b|rc|alpha|a|patch|pl|p)([\d.-]*?)([.-]?dev)?$/.exec(rest);
  if (!modifier) return /^[.-]?dev$/.test(rest) ? 'dev' : null;
  if (modifier[3]) return 'dev';
  switch (modifier[1]) {
    case 'beta':
    case 'b':
      return 'beta';
    case 'alpha':
    case 'a':
      return 'alpha';
    case 'rc':
      return 'RC';
    default:
      return 'stable';
  }
}

export function isStableVersion(version: Version): boolean {
  const pretty = String(version.version ?? '');
  const normalized = String(version.version_normalized ?? pretty);
  return composerStability(normalized) === 'stable' && composerStability(pretty) === 'stable';
}

export function isMagentoPackage(version: Version, types: readonly string[]): boolean {
  if (typeof version.type === 'string' && types.includes(version.type)) return true;
  const requires = version.require && typeof version.require === 'object' ? Object.keys(version.require) : [];
  return requires.some((name) => name === 'magento/framework' || name.startsWith('magento/module-'));
}

const listSchema = z.object({ packageNames: z.array(z.string()) });
const p2Schema = z.object({ packages: z.record(z.string(), z.array(z.record(z.string(), z.unknown()))), minified: z.string().optional() });

export async function* packagistSource(
  rawSettings: z.input<typeof packagistSettingsSchema>,
  identities: LinkedIdentity[],
  _cursor: SourceCursor,
  context: SourceContext,
): AsyncGenerator<SourceBatch> {
  const settings = packagistSettingsSchema.parse(rawSettings);
  const base = withoutTrailingSlashes(settings.baseUrl);
  const metadata = withoutTrailingSlashes(settings.metadataUrl ?? settings.baseUrl);
  for (const identity of identitiesOn('packagist', identities)) {
    // Each vendor is one identity's check: it fails (and backs off) alone.
    if (identity.due === false) continue;
    const checked = { identityId: identity.identityId };
    const vendor = identity.externalId.trim().toLowerCase();
    if (vendor.length > 100 || !/^[a-z0-9]+(?:[_.-][a-z0-9]+)*$/.test(vendor)) {
      yield { contributions: [], identity: { ...checked, error: `${SOURCE}: ${identity.externalId.slice(0, 100)}: not a Packagist vendor name` } };
      continue;
    }
    try {
      const { data } = await context.http.getJson(`${base}/packages/list.json?vendor=${encodeURIComponent(vendor)}`);
      const list = listSchema.safeParse(data);
      if (!list.success) throw new Error('unexpected response from /packages/list.json: no packageNames');
      if (list.data.packageNames.length === 0) {
        const reason = `Packagist has no packages for vendor ${vendor}`;
        yield { contributions: [], cursor: null, identity: { ...checked, error: reason }, goneIdentities: [{ identityId: identity.identityId, reason }] };
        continue;
      }
      const contributions: NormalizedContribution[] = [];
      for (const name of list.data.packageNames.slice(0, settings.maxPackagesPerVendor)) {
        contributions.push(...(await releasesOf(metadata, name, identity, settings, context)));
      }
      yield { contributions, cursor: null, identity: checked };
    } catch (error) {
      yield { contributions: [], identity: { ...checked, error: `${SOURCE}: vendor ${vendor}: ${(error as Error).message}` } };
    }
  }
}

async function releasesOf(metadata: string, name: string, identity: LinkedIdentity, settings: PackagistSettings, context: SourceContext): Promise<NormalizedContribution[]> {
  const url = `${metadata}/p2/${name}.json`;
  const { data } = await context.http.getJson(url);
  const parsed = p2Schema.safeParse(data);
  if (!parsed.success) throw new Error(`unexpected response from ${url}: no packages map`);
  const raw = parsed.data.packages[name] ?? [];
  const versions = parsed.data.minified === 'composer/2.0' ? expandMinified(raw) : raw;
  const out: NormalizedContribution[] = [];
  for (const version of versions) {
    if (!isStableVersion(version) || !isMagentoPackage(version, settings.magentoTypes)) continue;
    const occurredAt = isoInstant(version.time);
    if (!occurredAt) continue;
    const versionName = plainText(version.version, 60);
    out.push({
      source: SOURCE,
      externalId: `release:${name.toLowerCase()}@${String(version.version_normalized ?? versionName)}`,
      kind: 'packageReleased',
      title: `${name} ${versionName}`,
      url: safeUrl(`https://packagist.org/packages/${name}#${versionName}`),
      occurredAt,
      identityId: identity.identityId,
      metadata: { package: name, version: versionName, type: typeof version.type === 'string' ? version.type : null, description: plainText(version.description, 200) },
    });
  }
  return out;
}
