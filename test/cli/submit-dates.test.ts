// `ambassador submit` refuses what the site and the API refuse (issue 12, item 2): dates that
// are not calendar days, before the person joined or after today, with the date named and no
// stack trace; and `ambassador digest` runs.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, cliJson, runCli } from './run-cli.js';

describe.skipIf(!existsSync(CLI))('ambassador submit dates and digest', () => {
  let root: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'ambassador-dates-'));
    env = { AMBASSADOR_DATA_DIR: path.join(root, 'data') };
    await cliJson(
      [
        'member',
        'add',
        '--handle',
        'ada',
        '--name',
        'Ada Lovelace',
        '--email',
        'ada@example.org',
        '--joined',
        '2025-03-01',
      ],
      env,
    );
  }, 120_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('refuses impossible dates and dates before joining with exit 1 and the date named', async () => {
    const submit = (date: string) =>
      runCli(
        [
          'submit',
          'ada',
          '--category',
          'events',
          '--kind',
          'talk',
          '--title',
          'A talk',
          '--url',
          `https://example.org/${date}`,
          '--date',
          date,
        ],
        env,
      );
    for (const [date, words] of [
      ['2026-02-30', 'expected a date YYYY-MM-DD'],
      ['0000-01-01', 'no year 0000'],
      ['1990-01-01', 'on or after the day you joined (2025-03-01)'],
      ['2999-01-01', 'not after today'],
    ] as const) {
      const result = await submit(date);
      expect(result.code, `${date}: ${result.stderr}`).not.toBe(0);
      expect(result.code).not.toBe(3);
      expect(result.stderr).toContain(words);
    }
    const ok = await submit('2025-06-01');
    expect(ok.code, ok.stderr).toBe(0);
    const digest = await cliJson<{ newSubmissions: unknown[]; pending: number }>(['digest'], env);
    expect(digest.pending).toBe(1);
  }, 180_000);
});
