// Self-service verification of a linked identity: the person places the code we show them
// where only they can (GitHub bio or gist, Stack Exchange "about me", their feed or site) and
// we read it back through the sources' HTTP client. Platforms without a check are verified
// by a manager.
import type { ProgramConfig } from '../domain/config-schema.js';
import type { IdentityRef, Platform } from '../domain/identities.js';
import { createHttpClient } from '../sources/http.js';
import { verifyGithub, verifySite, verifyStackExchange, type VerificationResult } from '../sources/verification.js';

export type IdentityVerifier = (identity: IdentityRef, code: string, profileUrl: string) => Promise<VerificationResult>;

export const SELF_VERIFIABLE: Platform[] = ['github', 'stackexchange', 'feed', 'ical'];

export function defaultIdentityVerifier(config: ProgramConfig): IdentityVerifier {
  const sources = config.sources as Record<string, Record<string, unknown> | undefined>;
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  return async (identity, code, profileUrl) => {
    const http = createHttpClient({ timeoutMs: 10_000, maxRetries: 1, maxRateLimitWaitMs: 5_000 });
    switch (identity.platform) {
      case 'github':
        return verifyGithub(http, { baseUrl: text(sources.github?.baseUrl), token: text(sources.github?.token) }, identity.externalId, code);
      case 'stackexchange':
        return verifyStackExchange(
          http,
          { baseUrl: text(sources.stackexchange?.baseUrl), site: text(sources.stackexchange?.site), key: text(sources.stackexchange?.key) },
          identity.externalId,
          code,
        );
      case 'feed':
      case 'ical':
        return verifySite(http, identity.externalId, code, profileUrl);
      default:
        return { verified: false, method: 'manager', detail: 'this platform is verified by a program manager' };
    }
  };
}
