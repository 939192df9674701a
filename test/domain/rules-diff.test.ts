// What a rules change changes: kinds and date ranges, whole ISO weeks for capped kinds.
import { describe, expect, it } from 'vitest';
import { rulesScopes } from '../../src/domain/rules-diff.js';
import { rulesVersions } from '../../src/domain/rules.js';
import { configWith } from './fixtures.js';

const base = configWith({ scoring: { caps: { issueReported: { perDay: 5 } } } });
const versionsOf = (overrides: unknown) => rulesVersions(configWith(overrides));

describe('rulesScopes', () => {
  it('finds nothing when the rules are the same', () => {
    expect(rulesScopes(rulesVersions(base), rulesVersions(base))).toEqual([]);
  });

  it('names one kind from the date of a dated change, and the unknown kinds of the new version', () => {
    const scopes = rulesScopes(rulesVersions(configWith()), versionsOf({ scoring: { changes: [{ effectiveFrom: '2026-01-07', points: { blogPost: 12 } }] } }));
    expect(scopes.find((s) => s.kinds !== null)).toMatchObject({ kinds: ['blogPost'], from: '2026-01-05', until: null, capped: true }); // blog posts are capped a week: from Monday
    // Rows of kinds no version knows carry the version's id in their explanation: a week-widened scope.
    expect(scopes.find((s) => s.kinds === null)).toMatchObject({ from: '2026-01-05', until: null, capped: true });
  });

  it('widens a capped kind to whole ISO weeks and stops where the versions agree again', () => {
    const before = versionsOf({ scoring: { changes: [{ effectiveFrom: '2026-03-04', caps: { issueReported: { perDay: 1 } } }, { effectiveFrom: '2026-05-01', caps: { issueReported: { perDay: 5 } } }] } });
    const after = versionsOf({ scoring: { changes: [{ effectiveFrom: '2026-03-04', caps: { issueReported: { perDay: 2 } } }, { effectiveFrom: '2026-05-01', caps: { issueReported: { perDay: 5 } } }] } });
    const scopes = rulesScopes(before, after).filter((s) => s.kinds !== null);
    // 2026-03-04 is a Wednesday, 2026-05-01 a Friday: Monday 2026-03-02 to Monday 2026-05-04.
    expect(scopes).toEqual([expect.objectContaining({ kinds: ['issueReported'], from: '2026-03-02', until: '2026-05-04', capped: true })]);
  });

  it('changes every kind a modifier names, from the beginning when the base rules change', () => {
    const scopes = rulesScopes(rulesVersions(configWith()), versionsOf({ scoring: { points: { talk: 1 } } })).filter((s) => s.kinds !== null);
    expect(scopes).toEqual([expect.objectContaining({ kinds: ['talk'], from: null, until: null })]);
  });
});
