// Open Badges 3.0 credentials (1EdTech): an AchievementCredential per award and one for an
// active ambassador's status, built as plain JSON from what they recognise. The data model is
// OB 3.0 on the W3C Verifiable Credentials Data Model 1.1 (issuanceDate, expirationDate), the
// shape of the 1EdTech JSON schema achievementcredentialv3p0; the proof is a VC-JWT (see
// issuer-key.ts). The recipient is named by a salted SHA-256 hash of their email address
// (IdentityObject) and by their profile URL, so the credential carries no address in clear.
import { createHash } from 'node:crypto';

export const OB3_CONTEXT = ['https://www.w3.org/2018/credentials/v1', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json'];

export interface IssuerProfile {
  id: string;
  type: ['Profile'];
  name: string;
  url: string;
  description: string;
  image?: { id: string; type: 'Image' };
}

export interface CredentialInput {
  /** The credential's own URL, e.g. https://site/awards/2025/ada/top/credential */
  id: string;
  issuer: IssuerProfile;
  name: string;
  description: string;
  achievement: {
    id: string;
    name: string;
    description: string;
    criteria: string;
    criteriaUrl: string;
    achievementType: 'Award' | 'Membership';
    image?: string;
    tags?: string[];
  };
  recipient: { profileUrl: string; email: string | null; salt: string };
  narrative?: string;
  activity?: { start: string; end: string };
  issuedAt: Date;
  awardedAt?: Date;
  expiresAt?: Date;
  image?: string;
}

export type AchievementCredential = ReturnType<typeof buildAchievementCredential>;

export function issuerProfile(baseUrl: string, programName: string, associationUrl: string): IssuerProfile {
  return {
    id: `${baseUrl}/openbadges/issuer`,
    type: ['Profile'],
    name: programName,
    url: baseUrl,
    description: `${programName}, run with the Magento Association (${associationUrl}).`,
    image: { id: `${baseUrl}/apple-touch-icon.png`, type: 'Image' },
  };
}

export function identityHash(email: string, salt: string): string {
  return `sha256$${createHash('sha256').update(`${email.trim().toLowerCase()}${salt}`, 'utf8').digest('hex')}`;
}

/** Seconds-precision ISO timestamps with a Z, as DateTimeZ wants. */
function dateTimeZ(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

export function buildAchievementCredential(input: CredentialInput) {
  const subject = {
    id: input.recipient.profileUrl,
    type: ['AchievementSubject'],
    ...(input.recipient.email
      ? { identifier: [{ type: 'IdentityObject', hashed: true, identityHash: identityHash(input.recipient.email, input.recipient.salt), identityType: 'emailAddress', salt: input.recipient.salt }] }
      : {}),
    ...(input.activity ? { activityStartDate: `${input.activity.start}T00:00:00Z`, activityEndDate: `${input.activity.end}T23:59:59Z` } : {}),
    ...(input.narrative ? { narrative: input.narrative } : {}),
    achievement: {
      id: input.achievement.id,
      type: ['Achievement'],
      achievementType: input.achievement.achievementType,
      name: input.achievement.name,
      description: input.achievement.description,
      criteria: { id: input.achievement.criteriaUrl, narrative: input.achievement.criteria },
      ...(input.achievement.image ? { image: { id: input.achievement.image, type: 'Image' } } : {}),
      ...(input.achievement.tags?.length ? { tag: input.achievement.tags } : {}),
      creator: input.issuer,
    },
  };
  return {
    '@context': OB3_CONTEXT,
    id: input.id,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name: input.name,
    description: input.description,
    ...(input.image ? { image: { id: input.image, type: 'Image' } } : {}),
    issuer: input.issuer,
    issuanceDate: dateTimeZ(input.issuedAt),
    ...(input.awardedAt ? { awardedDate: dateTimeZ(input.awardedAt) } : {}),
    ...(input.expiresAt ? { expirationDate: dateTimeZ(input.expiresAt) } : {}),
    credentialSubject: subject,
  };
}
