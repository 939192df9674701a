// How a contribution a source found starts out: counted, or waiting. The one place the sync
// decides it, so each anti-gaming rule about where evidence comes from is written once:
// - what an unverified identity finds waits for the identity to be verified (anybody can
//   claim anybody's account; only the owner can place the code);
// - what a calendar publishes waits for a manager's review until a manager marks that calendar
//   trusted: a calendar is published by the person it credits, so it proves they wrote the
//   entries, not that a community event took place;
// - the same holds for a Discourse forum the operator has not listed in
//   sources.discourse.allowedForums: anybody can run a forum and post to it; its topics and
//   replies wait until a manager trusts that forum identity.
// Feeds and Packagist are self-published too, but there the publication is the contribution
// (a post, a release): their rules (Magento relevance, stable releases of Magento packages,
// caps) live with each source and are described in the README and on "How scoring works".
import type { ProgramConfig } from '../domain/config-schema.js';
import { withoutTrailingSlashes } from '../domain/untrusted-text.js';
import type { LinkedIdentity, NormalizedContribution } from '../sources/contract.js';
import type { ReviewState } from '../store/schema.js';

/** Platforms whose entries are written by the person they credit, and wait until trusted. */
export const TRUST_REQUIRED_PLATFORMS: readonly string[] = ['ical', 'discourse'];

/** The forums the operator vouches for (sources.discourse.allowedForums). */
function allowedForums(config: ProgramConfig | undefined): string[] {
  const discourse = (config?.sources as { discourse?: { allowedForums?: unknown } } | undefined)?.discourse;
  const list = Array.isArray(discourse?.allowedForums) ? discourse.allowedForums : [];
  return list.filter((f): f is string => typeof f === 'string').map((f) => withoutTrailingSlashes(f).toLowerCase());
}

/** Whether what `identity` publishes needs a manager's trust before it counts. */
export function needsTrust(identity: Pick<LinkedIdentity, 'platform' | 'externalId'>, config?: ProgramConfig): boolean {
  if (identity.platform === 'ical') return true;
  if (identity.platform !== 'discourse') return false;
  const forum = withoutTrailingSlashes(identity.externalId.slice(0, Math.max(0, identity.externalId.lastIndexOf(':')))).toLowerCase();
  return !allowedForums(config).includes(forum);
}

export interface InitialReview {
  reviewState: ReviewState;
  metadata: Record<string, unknown>;
}

export function initialReview(identity: LinkedIdentity, found: NormalizedContribution, config?: ProgramConfig): InitialReview {
  const waits: Record<string, unknown> = {};
  const reasons: string[] = [];
  if (!identity.verified) {
    waits.awaitsIdentity = String(identity.identityId);
    reasons.push('the identity is not verified yet');
  }
  if (needsTrust(identity, config) && !identity.trusted) {
    waits.awaitsTrust = String(identity.identityId);
    reasons.push(
      identity.platform === 'ical'
        ? 'events from a calendar wait for review until a manager marks the calendar trusted'
        : 'posts on a forum the program does not list wait for review until a manager marks the forum trusted',
    );
  }
  if (reasons.length === 0) return { reviewState: 'counted', metadata: found.metadata };
  return { reviewState: 'pending', metadata: { ...found.metadata, ...waits, pendingReason: reasons.join('; ') } };
}
