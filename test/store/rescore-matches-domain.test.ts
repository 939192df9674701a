// The store scores in set-based SQL; the pure functions in domain/scoring.ts are the
// reference. Random contributions must get the same points and the same explanation from both.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rulesVersions } from '../../src/domain/rules.js';
import type { ContributionInput } from '../../src/store/contributions.js';
import { addMember } from '../../src/store/members.js';
import { rescoreAll } from '../../src/store/rescore.js';
import { configWith } from '../domain/fixtures.js';
import { rowsWithDomainScores } from '../support/domain-scores.js';
import { ENGINES, freshStore, type TestStore } from '../support/engines.js';

const config = configWith({
  scoring: {
    modifiers: [
      { kinds: ['pullRequestMerged'], label: 'Type: port', name: 'port', base: 5 },
      { kinds: ['pullRequestMerged'], label: 'Award: complex', add: 20 },
      { kinds: ['pullRequestMerged'], label: 'Award: Special', multiply: 1.5 },
      { kinds: ['pullRequestMerged', 'documentationMerged'], label: 'Editorial', name: 'editorial', base: 1 },
      { kinds: ['answerPosted'], flag: 'accepted', name: 'accepted answer', add: 5 },
      { kinds: ['answerPosted'], field: 'score', name: 'answer score', perUnit: 0.5, max: 4 },
      { kinds: ['blogPost'], flag: 'featured', multiply: 2 },
    ],
    caps: { issueReported: { perDay: 2, perWeek: 3 }, blogPost: { perWeek: 2 }, answerPosted: { perDay: 3 } },
    changes: [
      {
        effectiveFrom: '2026-03-04',
        points: { issueReported: 3, talk: 45 },
        caps: { issueReported: { perDay: 1, perWeek: 4 } },
      },
    ],
  },
});
const versions = rulesVersions(config);

const contributionArb = fc.record({
  member: fc.integer({ min: 0, max: 2 }),
  kind: fc.constantFrom(
    'pullRequestMerged',
    'documentationMerged',
    'answerPosted',
    'blogPost',
    'issueReported',
    'talk',
    'retiredKind',
  ),
  day: fc.integer({ min: 0, max: 13 }),
  hour: fc.integer({ min: 0, max: 23 }),
  labels: fc.subarray(['Type: port', 'award: COMPLEX', 'Award: Special', 'Editorial', 'other']),
  accepted: fc.boolean(),
  score: fc.oneof(fc.integer({ min: -3, max: 15 }), fc.constant('7')),
  featured: fc.boolean(),
  state: fc.constantFrom('counted', 'counted', 'pending', 'rejected', 'excluded'),
});

describe.each(ENGINES)('set-based rescore on %s', (engine) => {
  let store: TestStore;
  let members: number[];
  beforeAll(async () => {
    store = await freshStore(engine);
    members = [];
    for (const handle of ['ana', 'ben', 'cat']) {
      members.push(
        (
          await addMember(
            store.db,
            { handle, name: handle, email: `${handle}@example.org`, joinedAt: '2025-01-01' },
            'test',
          )
        ).id,
      );
    }
  });
  afterAll(async () => {
    await store.dispose();
  });

  it('gives the same points and explanations as the domain functions', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(contributionArb, { minLength: 1, maxLength: 40 }), async (list) => {
        run += 1;
        await store.db.deleteFrom('contributions').execute();
        const inputs: ContributionInput[] = list.map((c, index) => ({
          memberId: members[c.member]!,
          source: 'prop',
          externalId: `${run}-${index}`,
          kind: c.kind,
          title: `c${index}`,
          url: null,
          occurredAt: new Date(Date.UTC(2026, 2, 1 + c.day, c.hour, index % 60)).toISOString(),
          reviewState: c.state as ContributionInput['reviewState'],
          metadata: { labels: c.labels, accepted: c.accepted, score: c.score, featured: c.featured },
        }));
        // Insert unscored rows directly (upsert refuses kinds the rules do not know), then score in SQL.
        for (const input of inputs) {
          await store.db
            .insertInto('contributions')
            .values({
              member_id: input.memberId,
              source: input.source,
              external_id: input.externalId,
              kind: input.kind,
              category: 'code',
              title: input.title,
              url: null,
              occurred_at: input.occurredAt as string,
              review_state: input.reviewState,
              metadata: JSON.stringify(input.metadata),
            })
            .execute();
        }
        await rescoreAll(store.db, config, { chunkSize: 2 });
        for (const { row, score } of await rowsWithDomainScores(store.db, versions)) {
          expect({
            id: row.id,
            points: row.points,
            explanation: row.explanation,
            rulesVersion: row.rules_version,
          }).toEqual({
            id: row.id,
            ...score,
          });
        }
      }),
      { numRuns: engine === 'pglite' ? 25 : 40 },
    );
    // Sanity: the tricky paths were exercised.
    expect(run).toBeGreaterThan(10);
  });
});
