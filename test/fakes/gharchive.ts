// Synthetic GH Archive hours: lines shaped like the archive's events (full payloads before
// 2025-10-07, slim ones after), mixed with the noise that dominates real hours (PushEvent,
// WatchEvent, CreateEvent ...), gzipped like the hourly files.

import { gzipSync } from 'node:zlib';
import { pullObject, slimPull } from './github.js';

let nextId = 30_000_000_000;

export function archiveEvent(type: string, actor: string, repo: string, createdAt: string, payload: Record<string, unknown>) {
  nextId += 1;
  return {
    id: String(nextId),
    type,
    actor: { id: 1, login: actor, display_login: actor, gravatar_id: '', url: `https://api.github.com/users/${actor}`, avatar_url: `https://avatars.githubusercontent.com/u/1?` },
    repo: { id: 2, name: repo, url: `https://api.github.com/repos/${repo}` },
    payload,
    public: true,
    created_at: createdAt,
  };
}

export function noiseEvent(i: number) {
  const kinds = ['PushEvent', 'WatchEvent', 'CreateEvent', 'IssueCommentEvent', 'ForkEvent', 'DeleteEvent'];
  const type = kinds[i % kinds.length]!;
  return archiveEvent(type, `user${i % 997}`, `org${i % 113}/project${i % 37}`, '2025-09-01T10:00:00Z', {
    repository_id: i,
    push_id: i * 7,
    ref: 'refs/heads/main',
    head: 'a'.repeat(40),
    before: 'b'.repeat(40),
    description: `Noise ${i} `.repeat(20),
  });
}

export function fullMergedPr(actor: string, repo: string, number: number, author: string, at: string, labels: string[] = []) {
  return archiveEvent('PullRequestEvent', actor, repo, at, {
    action: 'closed',
    number,
    pull_request: { ...pullObject(repo, { number, title: `PR ${number} in ${repo}`, author, labels, createdAt: at, updatedAt: at, mergedAt: at }), merged: true },
  });
}

export function slimPrEvent(actor: string, repo: string, number: number, action: string, at: string) {
  return archiveEvent('PullRequestEvent', actor, repo, at, { action, number, pull_request: slimPull(repo, number) });
}

export function gzipLines(events: unknown[], level = 6): Buffer {
  return gzipSync(Buffer.from(events.map((e) => JSON.stringify(e)).join('\n') + '\n'), { level });
}
