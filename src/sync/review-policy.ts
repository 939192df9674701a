// How a contribution a source found starts out: counted, or waiting. The one place the sync
// decides it, so each anti-gaming rule about where evidence comes from is written once:
// - what an unverified identity finds waits for the identity to be verified (anybody can
//   claim anybody's account; only the owner can place the code);
// - what a calendar publishes waits for a manager's review until a manager marks that calendar
//   trusted: a calendar is published by the person it credits, so it proves they wrote the
//   entries, not that a community event took place.
// Feeds, Packagist and Discourse are self-published too; their rules (Magento relevance, caps,
// the operator's list of forums) live with each source and are described in the README.
import type { LinkedIdentity, NormalizedContribution } from '../sources/contract.js';
import type { ReviewState } from '../store/schema.js';

/** Platforms whose entries are written by the person they credit, and wait until trusted. */
export const TRUST_REQUIRED_PLATFORMS: readonly string[] = ['ical'];

export interface InitialReview {
  reviewState: ReviewState;
  metadata: Record<string, unknown>;
}

export function initialReview(identity: LinkedIdentity, found: NormalizedContribution): InitialReview {
  const waits: Record<string, unknown> = {};
  const reasons: string[] = [];
  if (!identity.verified) {
    waits.awaitsIdentity = String(identity.identityId);
    reasons.push('the identity is not verified yet');
  }
  if (TRUST_REQUIRED_PLATFORMS.includes(identity.platform) && !identity.trusted) {
    waits.awaitsTrust = String(identity.identityId);
    reasons.push('events from a calendar wait for review until a manager marks the calendar trusted');
  }
  if (reasons.length === 0) return { reviewState: 'counted', metadata: found.metadata };
  return { reviewState: 'pending', metadata: { ...found.metadata, ...waits, pendingReason: reasons.join('; ') } };
}
