// Every setting can come from an environment variable named after its path in the schema;
// values are read as the schema expects them, bad ones are named by variable, and the
// README's table lists exactly the variables the schema yields.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PROCESS_VARIABLES, variableName } from '../../src/config/environment.js';
import { ConfigError, configVariables, loadConfig, parseConfigText } from '../../src/config/load-config.js';
import { parseOperationsSettings } from '../../src/ops/settings.js';
import { parseWebSettings } from '../../src/web/settings.js';
import { parseSourcesSettings } from '../../src/sync/settings.js';

const NO_FILE = { cwd: '/nonexistent-ambassador-folder' };

describe('settings from environment variables', () => {
  it('derives SNAKE_CASE names from the setting paths', () => {
    expect(variableName(['web', 'sessionSecret'])).toBe('AMBASSADOR_WEB_SESSION_SECRET');
    expect(variableName(['notifications', 'lapseCheckHourUtc'])).toBe('AMBASSADOR_NOTIFICATIONS_LAPSE_CHECK_HOUR_UTC');
    const names = configVariables().map((v) => v.name);
    expect(names).toContain('AMBASSADOR_WEB_SESSION_SECRET');
    expect(names).toContain('AMBASSADOR_SOURCES_GITHUB_TOKEN');
    expect(names).toContain('AMBASSADOR_OPERATIONS_METRICS_TOKEN');
    expect(names).toContain('AMBASSADOR_OPERATIONS_RETENTION_SYNC_RUNS_DAYS');
    expect(new Set(names).size).toBe(names.length);
  });

  it('reads text, numbers, booleans, choices and YAML, over the file', () => {
    const env = {
      AMBASSADOR_WEB_SESSION_SECRET: 'a-session-secret-of-thirty-two-chars!',
      AMBASSADOR_WEB_SESSION_DAYS: '7',
      AMBASSADOR_WEB_SECURE_COOKIES: 'true',
      AMBASSADOR_WEB_TRUST_PROXY: '1',
      AMBASSADOR_VISIBILITY_SCORES: 'private',
      AMBASSADOR_AWARDS_TOP_N: '3',
      AMBASSADOR_SOURCES_GITHUB_REPOSITORIES: '["magento/magento2", "magento/pwa-studio"]',
      AMBASSADOR_SOURCES_FEEDS_ENABLED: 'no',
      AMBASSADOR_OPERATIONS_RETENTION_SYNC_RUNS_DAYS: '14',
      AMBASSADOR_PROGRAM_NAME: 'Has ${NOT_INTERPOLATED}',
      AMBASSADOR_AWARDS_CYCLE_REVIEW: '',
    };
    const config = parseConfigText('awards:\n  topN: 5\nweb:\n  sessionDays: 60\n', 'file.yaml', env);
    const web = parseWebSettings(config.web);
    expect(web.sessionSecret).toBe(env.AMBASSADOR_WEB_SESSION_SECRET);
    expect(web.sessionDays).toBe(7);
    expect(web.secureCookies).toBe(true);
    expect(web.trustProxy).toBe(1);
    expect(config.visibility.scores).toBe('private');
    expect(config.awards.topN).toBe(3);
    expect(config.awards.cycle.review).toBeUndefined();
    expect(config.program.name).toBe('Has ${NOT_INTERPOLATED}');
    const sources = parseSourcesSettings(config.sources);
    expect(sources.github.repositories).toEqual(['magento/magento2', 'magento/pwa-studio']);
    expect(sources.feeds.enabled).toBe(false);
    expect(parseOperationsSettings(config.operations).retention.syncRunsDays).toBe(14);
  });

  it('names the variable of a bad value', () => {
    const attempt = (env: Record<string, string>) => {
      try {
        loadConfig({ ...NO_FILE, env });
        return [];
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as ConfigError).problems;
      }
    };
    expect(attempt({ AMBASSADOR_WEB_SESSION_DAYS: 'soon' })).toEqual(['AMBASSADOR_WEB_SESSION_DAYS: expected a number, got "soon"']);
    expect(attempt({ AMBASSADOR_WEB_SECURE_COOKIES: 'maybe' })).toEqual(['AMBASSADOR_WEB_SECURE_COOKIES: expected true or false, got "maybe"']);
    const [tooShort] = attempt({ AMBASSADOR_WEB_SESSION_SECRET: 'short' });
    expect(tooShort).toMatch(/^web\.sessionSecret: .*\(from AMBASSADOR_WEB_SESSION_SECRET\)$/);
    const [badChoice] = attempt({ AMBASSADOR_VISIBILITY_SCORES: 'everyone' });
    expect(badChoice).toMatch(/^visibility\.scores: expected public or private.*\(from AMBASSADOR_VISIBILITY_SCORES\)$/);
  });

  it('says whether program.baseUrl was configured, by file or by variable', () => {
    expect(loadConfig({ ...NO_FILE, env: {} }).baseUrlConfigured).toBe(false);
    expect(loadConfig({ ...NO_FILE, env: { AMBASSADOR_PROGRAM_BASE_URL: 'https://ambassadors.example' } })).toMatchObject({
      baseUrlConfigured: true,
      config: { program: { baseUrl: 'https://ambassadors.example' } },
    });
  });

  it('the README lists every variable the schema yields, and no other', () => {
    const readme = readFileSync('README.md', 'utf8');
    const listed = new Set([...readme.matchAll(/^\| `(AMBASSADOR_[A-Z0-9_]+)` \|/gm)].map((match) => match[1]!));
    const expected = new Set([...configVariables().map((v) => v.name), ...PROCESS_VARIABLES.filter((v) => v.name.startsWith('AMBASSADOR_')).map((v) => v.name)]);
    expect([...expected].filter((name) => !listed.has(name))).toEqual([]);
    expect([...listed].filter((name) => !expected.has(name))).toEqual([]);
    for (const variable of PROCESS_VARIABLES) expect(readme).toContain(`\`${variable.name}\``);
  });
});
