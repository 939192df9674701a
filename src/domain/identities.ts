// The platforms a person can link, and how an identity is written on the command line
// (`github:jdoe`, `feed:https://example.com/feed.xml`) and normalised for storage.
import { createHash } from 'node:crypto';
import { MAX_LENGTH, withoutTrailingSlashes } from './untrusted-text.js';

export const PLATFORMS = ['github', 'stackexchange', 'feed', 'devto', 'packagist', 'discourse', 'ical'] as const;
export type Platform = (typeof PLATFORMS)[number];

export const PLATFORM_LABELS: Record<Platform, string> = {
  github: 'GitHub',
  stackexchange: 'Magento Stack Exchange',
  feed: 'Blog, video or podcast feed',
  devto: 'dev.to',
  packagist: 'Packagist vendor',
  discourse: 'Discourse forum',
  ical: 'Event calendar',
};

export interface IdentityRef {
  platform: Platform;
  externalId: string;
}

export type ParsedIdentity = { ok: true; identity: IdentityRef } | { ok: false; error: string };

const GITHUB_LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
// Runs of letters and digits joined by single separators; no nested quantifier, so linear.
const PACKAGIST_VENDOR = /^[a-z0-9]+(?:[_.-][a-z0-9]+)*$/;
const DEVTO_USER = /^[A-Za-z0-9_]{1,30}$/;

const MAX_IDENTITY_LENGTH: Partial<Record<Platform, number>> = {
  github: MAX_LENGTH.githubLogin,
  stackexchange: 12,
  packagist: MAX_LENGTH.packagistVendor,
  devto: 30,
};

export function parseIdentity(text: string): ParsedIdentity {
  const colon = text.indexOf(':');
  if (colon <= 0) return { ok: false, error: `expected PLATFORM:ID (e.g. github:jdoe), got "${text.slice(0, 80)}"` };
  if (text.length > MAX_LENGTH.url + 20) return { ok: false, error: `expected PLATFORM:ID of at most ${MAX_LENGTH.url} characters` };
  const platform = text.slice(0, colon).toLowerCase();
  const value = text.slice(colon + 1).trim();
  if (!(PLATFORMS as readonly string[]).includes(platform)) {
    return { ok: false, error: `unknown platform "${platform}"; expected one of ${PLATFORMS.join(', ')}` };
  }
  return normalizeIdentity(platform as Platform, value);
}

export function normalizeIdentity(platform: Platform, value: string): ParsedIdentity {
  const fail = (expected: string): ParsedIdentity => ({
    ok: false,
    error: `${platform}: expected ${expected}, got "${value.length > 80 ? `${value.slice(0, 80)}…` : value}"`,
  });
  // Lengths are capped before any pattern looks at the text.
  if (value.length > (MAX_IDENTITY_LENGTH[platform] ?? MAX_LENGTH.url)) return fail(`at most ${MAX_IDENTITY_LENGTH[platform] ?? MAX_LENGTH.url} characters`);
  switch (platform) {
    case 'github':
      return GITHUB_LOGIN.test(value) ? ok(platform, value) : fail('a GitHub login');
    case 'stackexchange':
      return /^[1-9]\d{0,11}$/.test(value) ? ok(platform, value) : fail('a numeric Stack Exchange user id');
    case 'packagist':
      return PACKAGIST_VENDOR.test(value.toLowerCase()) ? ok(platform, value.toLowerCase()) : fail('a Packagist vendor name');
    case 'devto':
      return DEVTO_USER.test(value) ? ok(platform, value) : fail('a dev.to username');
    case 'feed':
    case 'ical': {
      const url = httpUrl(value);
      return url ? ok(platform, url) : fail('an http(s) URL');
    }
    case 'discourse': {
      // https://forum.example:jdoe — the forum's base URL, then the username after the last colon.
      const split = value.lastIndexOf(':');
      const base = split > 0 ? httpUrl(value.slice(0, split)) : null;
      const username = split > 0 ? value.slice(split + 1) : '';
      if (!base || !/^[A-Za-z0-9_.-]{1,60}$/.test(username)) return fail('FORUM_URL:USERNAME');
      return ok(platform, `${withoutTrailingSlashes(base)}:${username}`);
    }
  }
}

function ok(platform: Platform, externalId: string): ParsedIdentity {
  return { ok: true, identity: { platform, externalId } };
}

function httpUrl(value: string): string | null {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    if (url.username || url.password) return null;
    return url.toString();
  } catch {
    return null;
  }
}

export function formatIdentity(identity: IdentityRef): string {
  return `${identity.platform}:${identity.externalId}`;
}

/** What the erasure list keeps of a removed identity: a one-way hash, no personal data. */
export function identityHash(identity: { platform: string; externalId: string }): string {
  return createHash('sha256').update(`${identity.platform}:${identity.externalId.toLowerCase()}`).digest('hex');
}
