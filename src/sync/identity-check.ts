// Online verification of linked identities, for `ambassador identity check`: every unverified
// identity with a verification code (the one the site shows its owner, identities.verification_code)
// is checked where the code should be (GitHub bio or gist, Stack Exchange "about me", the feed
// or calendar itself) through the sources' HTTP client and settings. An identity that passes is
// verified in the store, audited as actor 'verification', and what it found while it waited
// counts from then on. Each identity gets a verdict; one failing check stops no other.
import { sql, type Kysely } from 'kysely';
import type { ProgramConfig } from '../domain/config-schema.js';
import { PLATFORMS, formatIdentity, type IdentityRef, type Platform } from '../domain/identities.js';
import { createHttpClient, type HttpClient, type HttpClientOptions } from '../sources/http.js';
import { verifyGithub, verifySite, verifyStackExchange, type VerificationResult } from '../sources/verification.js';
import { UserError } from '../store/errors.js';
import { verifyIdentity, type DroppedClaim } from '../store/identities.js';
import { requireMember } from '../store/members.js';
import type { Database } from '../store/schema.js';
import { parseSourcesSettings, type SourcesSettings } from './settings.js';
import { withoutTrailingSlashes } from '../domain/untrusted-text.js';

export const VERIFICATION_ACTOR = 'verification';

export type CheckOutcome = 'verified' | 'not-verified' | 'no-code' | 'manager-only' | 'error';

export interface IdentityVerdict {
  member: string;
  identity: string;
  platform: string;
  externalId: string;
  outcome: CheckOutcome;
  /** How it was verified (github-bio, rel-me, ...), or which check was made. */
  method: string | null;
  detail: string;
  /** Contributions that waited for this identity and count now. */
  releasedContributions: number;
}

export interface IdentityCheckOptions {
  memberHandle?: string;
  platform?: string;
  /** Overrides for the HTTP client (tests pass a fake clock). */
  http?: Partial<HttpClientOptions>;
  /** Told of the unverified claims of other people that a verification dropped. */
  onDroppedClaims?: (claims: DroppedClaim[]) => Promise<void> | void;
}

interface Candidate {
  memberId: number;
  handle: string;
  ref: IdentityRef;
  code: string | null;
}

type Check = (candidate: Candidate & { code: string }) => Promise<VerificationResult>;

export async function checkIdentities(db: Kysely<Database>, config: ProgramConfig, options: IdentityCheckOptions = {}): Promise<IdentityVerdict[]> {
  if (options.platform && !(PLATFORMS as readonly string[]).includes(options.platform)) {
    throw new UserError(`unknown platform "${options.platform}"; expected one of ${PLATFORMS.join(', ')}`);
  }
  if (options.memberHandle) await requireMember(db, options.memberHandle);
  const settings = parseSourcesSettings(config.sources);
  const http = createHttpClient({
    userAgent: settings.http.userAgent,
    timeoutMs: settings.http.timeoutMs,
    maxBytes: settings.http.maxBytes,
    allowPrivateAddresses: settings.http.allowPrivateAddresses,
    ...options.http,
  });
  const baseUrl = withoutTrailingSlashes(config.program.baseUrl);
  const check: Check = (c) => checkOnline(http, settings, c.ref, c.code, `${baseUrl}/ambassadors/${c.handle}`)!;
  const verdicts: IdentityVerdict[] = [];
  for (const candidate of await unverifiedIdentities(db, options)) {
    verdicts.push(await checkOne(db, check, candidate, options.onDroppedClaims));
  }
  return verdicts;
}

async function unverifiedIdentities(db: Kysely<Database>, options: IdentityCheckOptions): Promise<Candidate[]> {
  let query = db
    .selectFrom('identities as i')
    .innerJoin('members as m', 'm.id', 'i.member_id')
    .select(['i.member_id', 'm.handle', 'i.platform', 'i.external_id', 'i.verification_code'])
    .where('i.verified_at', 'is', null)
    .orderBy('m.handle')
    .orderBy('i.id');
  if (options.memberHandle) query = query.where(sql<string>`lower(m.handle)`, '=', options.memberHandle.toLowerCase());
  if (options.platform) query = query.where('i.platform', '=', options.platform);
  return (await query.execute()).map((row) => ({
    memberId: row.member_id,
    handle: row.handle,
    ref: { platform: row.platform as IdentityRef['platform'], externalId: row.external_id },
    code: row.verification_code,
  }));
}

/** The platforms whose codes are checked online; the others are verified by a program manager. */
export const ONLINE_CHECK_PLATFORMS: readonly Platform[] = ['github', 'stackexchange', 'feed', 'ical'];

/**
 * Looks for `code` where the owner of `identity` would have put it, with the sources' settings
 * (base URLs, tokens); null for platforms without an online check. `profileUrl` is the page a
 * site may link back to with rel="me".
 */
export function checkOnline(http: HttpClient, settings: SourcesSettings, identity: IdentityRef, code: string, profileUrl: string): Promise<VerificationResult> | null {
  switch (identity.platform) {
    case 'github':
      return verifyGithub(http, { baseUrl: settings.github.baseUrl, token: settings.github.token }, identity.externalId, code);
    case 'stackexchange':
      return verifyStackExchange(http, { baseUrl: settings.stackexchange.baseUrl, site: settings.stackexchange.site, key: settings.stackexchange.key }, identity.externalId, code);
    case 'feed':
    case 'ical':
      return verifySite(http, identity.externalId, code, profileUrl);
    default:
      return null;
  }
}

async function checkOne(db: Kysely<Database>, check: Check, candidate: Candidate, onDroppedClaims?: IdentityCheckOptions['onDroppedClaims']): Promise<IdentityVerdict> {
  const verdict = (outcome: CheckOutcome, method: string | null, detail: string, releasedContributions = 0): IdentityVerdict => ({
    member: candidate.handle,
    identity: formatIdentity(candidate.ref),
    platform: candidate.ref.platform,
    externalId: candidate.ref.externalId,
    outcome,
    method,
    detail,
    releasedContributions,
  });
  if (!ONLINE_CHECK_PLATFORMS.includes(candidate.ref.platform)) return verdict('manager-only', null, `${candidate.ref.platform} identities are verified by a program manager (ambassador identity verify)`);
  if (!candidate.code) {
    return verdict('no-code', null, 'no verification code issued yet: its owner gets one on the identities page of their account (/me/identities)');
  }
  let result: VerificationResult;
  try {
    result = await check({ ...candidate, code: candidate.code });
  } catch (error) {
    return verdict('error', null, `the check could not be made: ${(error as Error).message}`);
  }
  if (!result.verified) return verdict('not-verified', result.method, result.detail);
  try {
    const { released, dropped } = await verifyIdentity(db, candidate.memberId, candidate.ref, result.method, VERIFICATION_ACTOR);
    if (dropped.length) await onDroppedClaims?.(dropped);
    return verdict('verified', result.method, result.detail, released);
  } catch (error) {
    if (error instanceof UserError) return verdict('error', result.method, `passed, but not recorded: ${error.message}`);
    throw error;
  }
}
