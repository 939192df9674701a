import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildConfig, defaultConfig } from '../../src/domain/config.js';
import { parseConfigText, ConfigError } from '../../src/config/load-config.js';
import { rulesVersions, rulesVersionOn } from '../../src/domain/rules.js';
import { configWith } from './fixtures.js';

describe('program config', () => {
  it('ships defaults that need no file', () => {
    const config = defaultConfig();
    expect(config.activity).toEqual({ windowMonths: 6, lapseWarningDays: 30 });
    expect(config.awards.cycle).toMatchObject({ start: '01-01', end: '12-31' });
    expect(config.scoring.points.pullRequestMerged).toBe(10);
    expect(config.kinds.associationMembership!.category).toBe('leadership');
    expect(config.visibility.scores).toBe('public');
  });

  it('names every problem by path with what was found', () => {
    const result = buildConfig({
      scoring: { points: { pullRequestMerged: 'ten' } },
      activity: { windowMonths: 0 },
      awards: { timezone: 'Europe/Amsterdam', cycle: { start: '13-01' } },
      visibility: { scores: 'secret' },
      extra: true,
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual(
      expect.arrayContaining([
        'scoring.points.pullRequestMerged: expected a number >= 0, got "ten"',
        'activity.windowMonths: expected a whole number >= 1, got 0',
        'awards.timezone: expected UTC (the program keeps every date in UTC), got "Europe/Amsterdam"',
        'awards.cycle.start: expected a month-day MM-DD, got "13-01"',
        'visibility.scores: expected public or private, got "secret"',
        'extra: unknown setting',
      ]),
    );
    expect(result.problems).toHaveLength(6);
  });

  it('cross-checks kinds, modifiers and rule changes', () => {
    const result = buildConfig({
      kinds: { hackathon: { category: 'events', label: 'hackathon' } },
      scoring: {
        caps: { nonsense: { perDay: 1 } },
        modifiers: [{ kinds: ['ghost'], label: 'x', add: 1 }],
        changes: [
          { effectiveFrom: '2027-01-01', points: { talk: 40 } },
          { effectiveFrom: '2026-06-01', points: { talk: 50 } },
        ],
      },
      awards: { cycle: { start: '12-01', end: '02-01' } },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([
      'scoring.points.hackathon: expected a number >= 0 for the kind hackathon, got nothing',
      'scoring.caps.nonsense: expected a kind defined under kinds, got "nonsense"',
      'scoring.modifiers.0.kinds.0: expected a kind defined under kinds, got "ghost"',
      'scoring.changes.1.effectiveFrom: expected a date after 2027-01-01, got "2026-06-01"',
      'awards.cycle.end: expected a month-day on or after the start 12-01, got "02-01"',
    ]);
  });

  it('interpolates ${ENV} and reports missing variables', () => {
    const ok = buildConfig({ program: { baseUrl: '${BASE_URL}', name: '${NAME:-Ambassadors}' } }, { BASE_URL: 'https://a.example' });
    expect(ok.ok && ok.config.program).toMatchObject({ baseUrl: 'https://a.example', name: 'Ambassadors' });
    const missing = buildConfig({ sources: { github: { token: '${GITHUB_TOKEN}' } } }, {});
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.problems).toContain('sources.github.token: environment variable GITHUB_TOKEN is not set');
  });

  it('reads YAML and reports syntax errors with their line', () => {
    const config = parseConfigText('awards:\n  topN: 3\n', 'a.yaml', {});
    expect(config.awards.topN).toBe(3);
    expect(config.awards.categoryWinners).toBe(true);
    expect(() => parseConfigText('awards:\n  topN: [1\n', 'b.yaml', {})).toThrow(ConfigError);
    try {
      parseConfigText('awards:\n  topN: "three"\n', 'c.yaml', {});
    } catch (error) {
      expect((error as ConfigError).problems).toEqual(['awards.topN: expected a whole number >= 1, got "three"']);
      expect((error as Error).message).toContain('c.yaml');
    }
  });

  it('ships an example file that is valid and states the defaults', () => {
    const text = readFileSync(new URL('../../ambassador.config.example.yaml', import.meta.url), 'utf8');
    const example = parseConfigText(text, 'ambassador.config.example.yaml', {});
    const defaults = parseConfigText('', 'empty.yaml', {});
    expect(example.sources).toEqual(defaults.sources);
    expect(example.web).toEqual(defaults.web);
    expect(example.notifications).toEqual(defaults.notifications);
    expect(example.activity).toEqual(defaults.activity);
    expect(example.scoring.modifiers).toEqual(defaults.scoring.modifiers);
  });

  it('versions the rules by their effective date', () => {
    const config = configWith({
      scoring: { changes: [{ effectiveFrom: '2027-01-01', note: 'talks count more', points: { talk: 45 } }] },
    });
    const versions = rulesVersions(config);
    expect(versions.map((v) => v.effectiveFrom)).toEqual(['2019-01-01', '2027-01-01']);
    expect(rulesVersionOn(versions, '2026-12-31').points.talk).toBe(30);
    expect(rulesVersionOn(versions, '2027-01-01').points.talk).toBe(45);
    expect(rulesVersionOn(versions, '2027-01-01').points.blogPost).toBe(10);
    expect(versions[0]!.id).toMatch(/^2019-01-01\.[0-9a-f]{8}$/);
    // An edit made in place, without a dated change, shows as another version id.
    const edited = rulesVersions(configWith({ scoring: { points: { talk: 31 } } }));
    expect(edited[0]!.id).not.toBe(versions[0]!.id);
    expect(rulesVersions(configWith({}))[0]!.id).toBe(versions[0]!.id);
  });
});
