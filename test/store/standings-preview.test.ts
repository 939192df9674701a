// The rules preview computed from the change's partitions and the maintained standings gives
// what scoring the whole cycle again with the domain functions gives, on both engines.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertContributions, type ContributionInput } from '../../src/store/contributions.js';
import { addMember } from '../../src/store/members.js';
import { leaderboardEffect, leaderboardEffectByDomain, parseProposal } from '../../src/web/admin/rules-preview.js';
import { resolveContext } from '../../src/web/context.js';
import { configWith } from '../domain/fixtures.js';
import { ENGINES, freshStore, type TestStore } from '../support/engines.js';

const config = configWith({ scoring: { caps: { blogPost: { perWeek: 2 } } } });
const proposals = [
  'scoring:\n  changes:\n    - effectiveFrom: "2026-06-03"\n      points: { blogPost: 12 }\n',
  'scoring:\n  changes:\n    - effectiveFrom: "2026-03-04"\n      points: { talk: 1 }\n      caps: { blogPost: { perWeek: 1 }, answerPosted: { perDay: 1 } }\n',
  'scoring:\n  points: { pullRequestMerged: 3 }\n',
];

describe.each(ENGINES)('rules preview on %s', (engine) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await freshStore(engine);
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const members = [];
    for (let n = 0; n < 30; n += 1) members.push(await addMember(store.db, { handle: `p${n}`, name: `P ${n}`, email: `p${n}@example.org`, joinedAt: '2025-01-01' }, 'test'));
    const kinds = ['blogPost', 'talk', 'answerPosted', 'pullRequestMerged', 'documentationMerged'];
    const inputs: ContributionInput[] = [];
    for (let n = 0; n < 400; n += 1) {
      const day = Math.floor(random() * 380) - 7;
      inputs.push({
        memberId: members[Math.floor(random() * members.length)]!.id, source: 'gen', externalId: `c${n}`,
        kind: kinds[Math.floor(random() * kinds.length)]!, title: `c${n}`, url: null,
        occurredAt: new Date(Date.UTC(2026, 0, 1 + day, Math.floor(random() * 24))).toISOString(),
        reviewState: random() < 0.85 ? 'counted' : 'pending', metadata: { accepted: random() < 0.3, score: Math.floor(random() * 4) },
      });
    }
    await upsertContributions(store.db, config, inputs);
  }, 300_000);
  afterAll(async () => {
    await store.dispose();
  });

  it.each(proposals)('agrees with scoring the cycle again: %s', async (proposal) => {
    const context = resolveContext({ store, config, now: () => new Date('2026-12-01T12:00:00Z'), logger: false });
    const parsed = parseProposal(config, proposal);
    if (!parsed.ok) throw new Error(parsed.problems.join('; '));
    const fast = await leaderboardEffect(context, parsed.config, 2026, 10);
    const reference = await leaderboardEffectByDomain(context, parsed.config, 2026, 10);
    expect(fast.changedContributions).toBeGreaterThan(0);
    expect(fast).toEqual(reference);
  }, 300_000);
});
