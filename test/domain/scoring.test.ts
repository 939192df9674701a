import { describe, expect, it } from 'vitest';
import { rulesVersions } from '../../src/domain/rules.js';
import { scoreContribution, scoreWithCaps, type CappableContribution } from '../../src/domain/scoring.js';
import { configWith } from './fixtures.js';

const defaults = rulesVersions(configWith());
const at = '2026-03-02T10:00:00Z';

describe('points with their explanation', () => {
  it('gives a merged pull request its base award plus its label awards', () => {
    expect(scoreContribution(defaults, { kind: 'pullRequestMerged', occurredAt: at, metadata: {} })).toMatchObject({
      points: 10,
      explanation: '10 = merged pull request 10',
    });
    const awarded = scoreContribution(defaults, {
      kind: 'pullRequestMerged',
      occurredAt: at,
      metadata: { labels: ['Award: advanced', 'award: COMPLEX', 'Progress: accept'] },
    });
    expect(awarded.points).toBe(60);
    expect(awarded.explanation).toBe('60 = merged pull request 10 + 30 (Award: advanced) + 20 (Award: complex)');
    expect(awarded.rulesVersion).toBe(defaults[0]!.id);
  });

  it('uses the base award of ports and cleanups', () => {
    const port = scoreContribution(defaults, { kind: 'pullRequestMerged', occurredAt: at, metadata: { labels: ['Type: port', 'Award: bug fix'] } });
    expect(port.explanation).toBe('15 = merged pull request 5 (port) + 10 (Award: bug fix)');
    const cleanup = scoreContribution(defaults, { kind: 'pullRequestMerged', occurredAt: at, metadata: { labels: ['Type: cleanup'] } });
    expect(cleanup.points).toBe(1);
  });

  it('scores documentation by size and topic', () => {
    const editorial = scoreContribution(defaults, { kind: 'documentationMerged', occurredAt: at, metadata: { labels: ['Editorial'] } });
    expect(editorial.explanation).toBe('1 = merged documentation pull request 1 (editorial)');
    const newTopic = scoreContribution(defaults, { kind: 'documentationMerged', occurredAt: at, metadata: { labels: ['New Topic', 'Technical'] } });
    expect(newTopic.explanation).toBe('50 = merged documentation pull request 10 + 30 (New Topic) + 10 (Technical)');
  });

  it('rewards accepted answers and score, up to a maximum', () => {
    const answer = scoreContribution(defaults, { kind: 'answerPosted', occurredAt: at, metadata: { accepted: true, score: 14 } });
    expect(answer.explanation).toBe('17 = answer 2 + 5 (accepted answer) + 10 (answer score 14 x 1, at most 10)');
    const plain = scoreContribution(defaults, { kind: 'answerPosted', occurredAt: at, metadata: { accepted: false, score: 0 } });
    expect(plain.explanation).toBe('2 = answer 2');
  });

  it('applies multipliers after additions', () => {
    const versions = rulesVersions(
      configWith({ scoring: { modifiers: [{ kinds: ['pullRequestMerged'], label: 'Award: complex', multiply: 1.5 }] } }),
    );
    expect(scoreContribution(versions, { kind: 'pullRequestMerged', occurredAt: at, metadata: { labels: ['Award: complex'] } }).explanation).toBe(
      '15 = merged pull request 10 x 1.5 (Award: complex)',
    );
    const mixed = rulesVersions(
      configWith({
        scoring: {
          modifiers: [
            { kinds: ['pullRequestMerged'], label: 'Award: complex', multiply: 1.5 },
            { kinds: ['pullRequestMerged'], label: 'Award: bug fix', add: 10 },
          ],
        },
      }),
    );
    expect(
      scoreContribution(mixed, { kind: 'pullRequestMerged', occurredAt: at, metadata: { labels: ['Award: complex', 'Award: bug fix'] } }).explanation,
    ).toBe('30 = (merged pull request 10 + 10 (Award: bug fix)) x 1.5 (Award: complex)');
  });

  it('scores by the rules version in force on the contribution date', () => {
    const versions = rulesVersions(configWith({ scoring: { changes: [{ effectiveFrom: '2027-01-01', points: { talk: 50 } }] } }));
    expect(scoreContribution(versions, { kind: 'talk', occurredAt: '2026-12-31T23:59:59Z', metadata: {} }).points).toBe(30);
    const later = scoreContribution(versions, { kind: 'talk', occurredAt: '2027-01-01T00:00:00Z', metadata: {} });
    expect(later.points).toBe(50);
    expect(later.rulesVersion).toBe(versions[1]!.id);
  });

  it('gives no points to a kind the rules do not know, and says why', () => {
    const score = scoreContribution(defaults, { kind: 'knitting', occurredAt: at, metadata: {} });
    expect(score.points).toBe(0);
    expect(score.explanation).toContain('"knitting" is not a kind');
  });
});

describe('caps against farming', () => {
  const issue = (id: number, occurredAt: string, memberId = 1, takesCapPlace = true): CappableContribution => ({
    id,
    memberId,
    kind: 'issueReported',
    occurredAt,
    metadata: {},
    takesCapPlace,
  });

  it('counts only the first five issues a day', () => {
    const list = Array.from({ length: 7 }, (_, i) => issue(i + 1, `2026-03-02T0${i}:00:00Z`));
    const scores = scoreWithCaps(defaults, list.reverse());
    const points = [1, 2, 3, 4, 5, 6, 7].map((id) => scores.get(id)!.points);
    expect(points).toEqual([2, 2, 2, 2, 2, 0, 0]);
    expect(scores.get(6)!.explanation).toBe('0 = issue reported 2, not counted: over the cap of 5 a day on 2026-03-02');
  });

  it('counts at most fifteen issues a week, Monday to Sunday', () => {
    const list: CappableContribution[] = [];
    let id = 0;
    for (const day of ['2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05']) {
      for (let n = 0; n < 5; n += 1) list.push(issue(++id, `${day}T1${n}:00:00Z`));
    }
    list.push(issue(++id, '2026-03-09T10:00:00Z'));
    const scores = scoreWithCaps(defaults, list);
    const earning = [...scores.values()].filter((s) => s.points > 0).length;
    expect(earning).toBe(16);
    expect(scores.get(16)!.explanation).toContain('over the cap of 15 a week from 2026-03-02');
    expect(scores.get(21)!.points).toBe(2);
  });

  it('lets rejected contributions take no place, and keeps members apart', () => {
    const list = [
      ...Array.from({ length: 5 }, (_, i) => issue(i + 1, `2026-03-02T0${i}:00:00Z`, 1, false)),
      ...Array.from({ length: 5 }, (_, i) => issue(i + 11, `2026-03-02T1${i}:00:00Z`, 1)),
      ...Array.from({ length: 5 }, (_, i) => issue(i + 21, `2026-03-02T1${i}:00:00Z`, 2)),
    ];
    const scores = scoreWithCaps(defaults, list);
    expect([...scores.values()].every((s) => s.points === 2)).toBe(true);
  });
});
