// Self-service verification of a linked identity: the person places the code we show them
// where only they can (GitHub bio or gist, Stack Exchange "about me", their feed or site) and
// we read it back through the sources' HTTP client. Platforms without a check are verified
// by a manager.
import type { ProgramConfig } from '../domain/config-schema.js';
import type { IdentityRef } from '../domain/identities.js';
import { createHttpClient } from '../sources/http.js';
import type { VerificationResult } from '../sources/verification.js';
import { checkOnline, ONLINE_CHECK_PLATFORMS } from '../sync/identity-check.js';
import { parseSourcesSettings } from '../sync/settings.js';

export type IdentityVerifier = (identity: IdentityRef, code: string, profileUrl: string) => Promise<VerificationResult>;

export const SELF_VERIFIABLE = ONLINE_CHECK_PLATFORMS;

export function defaultIdentityVerifier(config: ProgramConfig): IdentityVerifier {
  const settings = parseSourcesSettings(config.sources);
  return async (identity, code, profileUrl) => {
    // Someone is waiting on the page: fewer retries and shorter waits than a sync.
    const http = createHttpClient({
      userAgent: settings.http.userAgent,
      allowPrivateAddresses: settings.http.allowPrivateAddresses,
      maxBytes: settings.http.maxBytes,
      timeoutMs: Math.min(settings.http.timeoutMs, 10_000),
      maxRetries: 1,
      maxRateLimitWaitMs: 5_000,
    });
    return checkOnline(http, settings, identity, code, profileUrl) ?? { verified: false, method: 'manager', detail: 'this platform is verified by a program manager' };
  };
}
