// The required shape of the 1EdTech JSON Schema for AchievementCredential, Open Badges 3.0
// (https://purl.imsglobal.org/spec/ob/v3p0/schema/json/achievementcredentialv3p0.schema.json).
// The official file is published by 1EdTech on GitHub, not on the npm registry, so its
// required properties, types and closed objects are written out here from it: the top level,
// AchievementSubject (closed), Achievement, Criteria, Profile, IdentityObject (closed) and
// Image (closed), with the same draft (2019-09) and the same keywords.
const uri = { type: 'string' } as const;
const typeSet = (must: string) => ({
  oneOf: [
    { type: 'string', const: must },
    { type: 'array', minItems: 1, items: { type: 'string' }, contains: { const: must } },
  ],
});

const image = {
  type: 'object',
  properties: { id: uri, type: { type: 'string', const: 'Image' }, caption: { type: 'string' } },
  required: ['id', 'type'],
  additionalProperties: false,
};

const profile = {
  type: 'object',
  properties: { id: uri, type: typeSet('Profile'), name: { type: 'string' }, url: uri, description: { type: 'string' }, image, email: { type: 'string' } },
  required: ['id', 'type'],
  additionalProperties: true,
};

const identityObject = {
  type: 'object',
  properties: {
    type: { type: 'string', const: 'IdentityObject' },
    hashed: { type: 'boolean' },
    identityHash: { type: 'string' },
    identityType: { anyOf: [{ type: 'string', enum: ['sourcedId', 'systemId', 'productId', 'userName', 'accountId', 'emailAddress', 'nationalIdentityNumber', 'isbn', 'issn', 'lisSourcedId', 'oneRosterSourcedId', 'sisSourcedId', 'ltiContextId', 'ltiDeploymentId', 'ltiToolId', 'ltiPlatformId', 'ltiUserId', 'identifier'] }, { type: 'string', pattern: '(ext:)[a-z|A-Z|0-9|.|-|_]+' }] },
    salt: { type: 'string' },
  },
  required: ['type', 'hashed', 'identityHash', 'identityType'],
  additionalProperties: false,
};

const achievement = {
  type: 'object',
  properties: {
    id: uri,
    type: typeSet('Achievement'),
    achievementType: { anyOf: [{ type: 'string', enum: ['Achievement', 'ApprenticeshipCertificate', 'Assessment', 'Assignment', 'AssociateDegree', 'Award', 'Badge', 'BachelorDegree', 'Certificate', 'CertificateOfCompletion', 'Certification', 'CommunityService', 'Competency', 'Course', 'CoCurricular', 'Degree', 'Diploma', 'DoctoralDegree', 'Fieldwork', 'GeneralEducationDevelopment', 'JourneymanCertificate', 'LearningProgram', 'License', 'Membership', 'ProfessionalDoctorate', 'QualityAssuranceCredential', 'MasterCertificate', 'MasterDegree', 'MicroCredential', 'ResearchDoctorate', 'SecondarySchoolDiploma'] }, { type: 'string', pattern: '(ext:)[a-z|A-Z|0-9|.|-|_]+' }] },
    creator: profile,
    criteria: { type: 'object', properties: { id: uri, narrative: { type: 'string' } }, required: [], additionalProperties: true },
    description: { type: 'string' },
    image,
    name: { type: 'string' },
    tag: { type: 'array', items: { type: 'string' } },
  },
  required: ['id', 'type', 'criteria', 'description', 'name'],
  additionalProperties: true,
};

const achievementSubject = {
  type: 'object',
  properties: {
    id: uri,
    type: typeSet('AchievementSubject'),
    activityEndDate: { type: 'string', format: 'date-time' },
    activityStartDate: { type: 'string', format: 'date-time' },
    creditsEarned: { type: 'number' },
    achievement,
    identifier: { type: 'array', items: identityObject },
    image,
    licenseNumber: { type: 'string' },
    narrative: { type: 'string' },
    result: { type: 'array', items: { type: 'object' } },
    role: { type: 'string' },
    source: profile,
    term: { type: 'string' },
  },
  required: ['type', 'achievement'],
  additionalProperties: false,
};

export const ACHIEVEMENT_CREDENTIAL_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2019-09/schema',
  $id: 'https://purl.imsglobal.org/spec/ob/v3p0/schema/json/achievementcredentialv3p0.schema.json',
  type: 'object',
  properties: {
    '@context': { type: 'array', minItems: 1, items: { anyOf: [{ type: 'object' }, { type: 'string' }] } },
    id: uri,
    type: {
      oneOf: [
        { type: 'string' },
        { type: 'array', minItems: 1, items: { type: 'string' }, allOf: [{ contains: { const: 'VerifiableCredential' } }, { contains: { enum: ['AchievementCredential', 'OpenBadgeCredential'] } }] },
      ],
    },
    name: { type: 'string' },
    description: { type: 'string' },
    image,
    credentialSubject: achievementSubject,
    issuer: profile,
    issuanceDate: { type: 'string', format: 'date-time' },
    expirationDate: { type: 'string', format: 'date-time' },
    awardedDate: { type: 'string', format: 'date-time' },
    proof: { oneOf: [{ type: 'object', required: ['type'] }, { type: 'array', items: { type: 'object', required: ['type'] } }] },
  },
  required: ['@context', 'id', 'type', 'name', 'credentialSubject', 'issuer', 'issuanceDate'],
  additionalProperties: true,
} as const;
