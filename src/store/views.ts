// The JSON shapes of rows as the CLI, exports and the API print them: stable camelCase keys, no private data (emails appear only
// in `member show` for the operator), dates as YYYY-MM-DD and instants as ISO strings.
import type { ContributionRow, Identity, Member } from './schema.js';

export function memberView(member: Member) {
  return {
    handle: member.handle,
    name: member.name,
    country: member.country,
    company: member.company,
    joinedAt: member.joined_at,
    role: member.role,
    state: member.state,
    stateReason: member.state_reason,
    isStaff: member.is_staff,
    isBot: member.is_bot,
  };
}

export function identityView(identity: Identity) {
  return {
    platform: identity.platform,
    externalId: identity.external_id,
    verified: identity.verified_at !== null,
    verificationMethod: identity.verification_method,
    flagged: identity.flagged_at !== null ? identity.flag_reason : null,
  };
}

export function contributionView(row: ContributionRow) {
  return {
    id: row.id,
    source: row.source,
    externalId: row.external_id,
    kind: row.kind,
    category: row.category,
    title: row.title,
    url: row.url,
    occurredAt: row.occurred_at.toISOString(),
    points: row.points,
    explanation: row.explanation,
    rulesVersion: row.rules_version,
    reviewState: row.review_state,
    reviewReason: row.review_reason,
    evidenceUrl: row.evidence_url,
  };
}
