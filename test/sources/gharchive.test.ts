import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readGhArchive, type GhArchiveOptions } from '../../src/sources/gharchive.js';
import { repoPatternMatcher } from '../../src/sources/github-contributions.js';
import { pullObject, userObject } from '../fakes/github.js';
import { archiveEvent, fullMergedPr, gzipLines, noiseEvent, slimPrEvent } from '../fakes/gharchive.js';

const options = (extra: Partial<GhArchiveOptions> = {}): GhArchiveOptions => ({
  logins: new Map([['alice', 1], ['bob', 2]]),
  isRelevantRepo: repoPatternMatcher(['magento/magento2', 'mage-os/*', 'adobedocs/commerce-*']),
  isDocumentationRepo: repoPatternMatcher(['adobedocs/commerce-*']),
  ...extra,
});

function hour() {
  return [
    noiseEvent(1),
    fullMergedPr('maintainer', 'magento/magento2', 1, 'Alice', '2025-09-01T10:00:00Z', ['Award: complex']),
    noiseEvent(2),
    fullMergedPr('maintainer', 'magento/magento2', 2, 'stranger', '2025-09-01T10:00:00Z'),
    fullMergedPr('maintainer', 'AdobeDocs/commerce-php', 3, 'bob', '2025-09-01T11:00:00Z'),
    fullMergedPr('alice', 'alice/random', 4, 'alice', '2025-09-01T11:00:00Z'),
    archiveEvent('PullRequestReviewEvent', 'bob', 'magento/magento2', '2025-09-01T12:00:00Z', {
      action: 'created',
      review: { id: 1, user: userObject('bob'), state: 'approved', submitted_at: '2025-09-01T12:00:00Z', html_url: 'https://github.com/magento/magento2/pull/1#pullrequestreview-1' },
      pull_request: pullObject('magento/magento2', { number: 1, title: 'PR 1', author: 'alice', createdAt: '2025-09-01T10:00:00Z', updatedAt: '2025-09-01T10:00:00Z' }),
    }),
    archiveEvent('PullRequestReviewEvent', 'alice', 'magento/magento2', '2025-09-01T12:00:00Z', {
      action: 'created',
      review: { id: 2, user: userObject('alice'), state: 'commented', submitted_at: '2025-09-01T12:00:00Z' },
      pull_request: pullObject('magento/magento2', { number: 1, title: 'PR 1', author: 'alice', createdAt: '2025-09-01T10:00:00Z', updatedAt: '2025-09-01T10:00:00Z' }),
    }),
    archiveEvent('IssuesEvent', 'bob', 'mage-os/mageos-magento2', '2025-09-01T13:00:00Z', {
      action: 'opened',
      issue: { number: 9, title: 'Broken &amp; sad', user: userObject('bob'), labels: [{ name: 'bug' }], html_url: 'https://github.com/mage-os/mageos-magento2/issues/9', created_at: '2025-09-01T13:00:00Z' },
    }),
    slimPrEvent('alice', 'magento/magento2', 77, 'opened', '2025-11-01T10:00:00Z'),
    '{"id":"1","type":"PullRequestEvent","actor":{"login":"alice"} this is not json',
  ];
}

describe('gharchive reader', () => {
  it('maps old full payloads to the same ids as the live source and returns slim events as discoveries', async () => {
    const events = hour();
    const gz = Buffer.concat([gzipLines(events.slice(0, -1)), gzipLines([]).subarray(0, 0)]);
    const withBadLine = Buffer.concat([gz, (await import('node:zlib')).gzipSync(`${events.at(-1)}\n`)]);
    const progress: number[] = [];
    const result = await readGhArchive(Readable.from([withBadLine]), options({ onProgress: (b) => progress.push(b) }));
    const ids = result.contributions.map((c) => c.externalId).sort();
    expect(ids).toEqual(['issue:mage-os/mageos-magento2#9', 'pr:adobedocs/commerce-php#3', 'pr:magento/magento2#1', 'review:magento/magento2#1:bob']);
    const pr1 = result.contributions.find((c) => c.externalId === 'pr:magento/magento2#1')!;
    expect(pr1).toMatchObject({ source: 'github', kind: 'pullRequestMerged', identityId: 1, metadata: { labels: ['Award: complex'] } });
    expect(result.contributions.find((c) => c.externalId === 'pr:adobedocs/commerce-php#3')!.kind).toBe('documentationMerged');
    expect(result.contributions.find((c) => c.kind === 'issueReported')!.title).toBe('Broken & sad');
    expect(result.discoveries).toEqual([{ kind: 'pullRequest', repo: 'magento/magento2', number: 77, login: 'alice', identityId: 1, at: '2025-11-01T10:00:00Z' }]);
    expect([...result.otherRepos]).toEqual(['alice/random']);
    expect(result.malformedLines).toBe(1);
    expect(progress.at(-1)).toBe(withBadLine.length);
  });

  it('fails clearly on a truncated archive', async () => {
    const gz = gzipLines(hour().slice(0, -1));
    await expect(readGhArchive(Readable.from([gz.subarray(0, gz.length - 20)]), options())).rejects.toThrow(/gharchive: truncated gzip archive/);
  });

  it('skips overlong lines without buffering them', async () => {
    const big = archiveEvent('PullRequestEvent', 'alice', 'magento/magento2', '2025-09-01T10:00:00Z', { blob: 'x'.repeat(300_000) });
    const result = await readGhArchive(Readable.from([gzipLines([big, fullMergedPr('m', 'magento/magento2', 5, 'alice', '2025-09-01T10:00:00Z')])]), options({ maxLineBytes: 100_000 }));
    expect(result.skippedLongLines).toBe(1);
    expect(result.contributions.map((c) => c.externalId)).toEqual(['pr:magento/magento2#5']);
  });

  it('keeps the events cut by chunk boundaries and reads lines in another field order', async () => {
    // Every other line is wanted, so the 128 KiB boundaries of the decompressed stream fall
    // inside wanted lines many times over; the last line has no newline at all.
    const events: unknown[] = [];
    for (let i = 1; i <= 3000; i += 1) events.push(fullMergedPr('m', 'magento/magento2', i, 'Alice', '2025-09-01T10:00:00Z'), noiseEvent(i));
    const { type, id, ...rest } = fullMergedPr('m', 'magento/magento2', 9999, 'bob', '2025-09-01T10:00:00Z');
    const lines = `${events.map((e) => JSON.stringify(e)).join('\n')}\n${JSON.stringify({ ...rest, type, id })}`;
    const result = await readGhArchive(Readable.from([(await import('node:zlib')).gzipSync(lines)]), options());
    expect(result.contributions).toHaveLength(3001);
    expect(new Set(result.contributions.map((c) => c.externalId))).toContain('pr:magento/magento2#9999');
    expect(result.malformedLines).toBe(0);
  });

  it('finds the few relevant events among 120k others', async () => {
    // Speed against gunzip-only is measured by `npm run bench` (gharchive-throughput), not here.
    const events: unknown[] = [];
    for (let i = 0; i < 120_000; i += 1) events.push(i % 500 === 0 ? fullMergedPr('m', 'magento/magento2', i, i % 1000 === 0 ? 'alice' : 'someone', '2025-09-01T10:00:00Z') : noiseEvent(i));
    const result = await readGhArchive(Readable.from([gzipLines(events, 1)]), options());
    expect(result.contributions).toHaveLength(120);
    expect(new Set(result.contributions.map((c) => c.externalId)).size).toBe(120);
  });
});
