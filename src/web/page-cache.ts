// A micro-cache of public pages for anonymous visitors: the leaderboard and profiles are read
// far more often than the data changes. Every write to the tables those pages read clears it
// on every instance, whoever made the write (a trigger notifies, each process listens:
// src/store/change-feed.ts); `seconds` bounds the age of a page if a notification is lost. An expired page is served once more
// while a single refresh runs in the background (stale-while-revalidate), so no visitor waits
// for the expensive query and concurrent misses do not all run it.
import { randomBytes } from 'node:crypto';

export interface CachedPage {
  body: Buffer;
  type: string;
  fresh: boolean;
}

export class PageCache {
  private entries = new Map<string, { at: number; body: Buffer; type: string }>();
  private refreshing = new Set<string>();
  /** Sent by the app's own background refresh to force a miss. */
  readonly refreshToken = randomBytes(16).toString('hex');

  constructor(
    private readonly seconds: number,
    private readonly now: () => Date,
    private readonly maxEntries = 1000,
  ) {}

  get enabled(): boolean {
    return this.seconds > 0;
  }

  get(key: string): CachedPage | undefined {
    if (this.seconds <= 0) return undefined;
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    const age = this.now().getTime() - entry.at;
    // Past ten lifetimes a page is too old even to serve while refreshing.
    if (age > this.seconds * 10_000) {
      this.entries.delete(key);
      return undefined;
    }
    return { body: entry.body, type: entry.type, fresh: age <= this.seconds * 1000 };
  }

  set(key: string, body: string | Buffer, type: string): void {
    if (this.seconds <= 0) return;
    if (this.entries.size >= this.maxEntries && !this.entries.has(key)) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, { at: this.now().getTime(), body: typeof body === 'string' ? Buffer.from(body) : body, type });
  }

  private inflight = new Map<string, Promise<void>>();

  /** The page being computed for this key right now, if any: concurrent misses wait for it. */
  pending(key: string): Promise<void> | undefined {
    return this.inflight.get(key);
  }

  /** Marks the key as being computed; call the returned function when done. */
  begin(key: string): () => void {
    let finish!: () => void;
    this.inflight.set(key, new Promise<void>((resolve) => (finish = resolve)));
    return () => {
      this.inflight.delete(key);
      finish();
    };
  }

  /** Runs `refresh` for the key unless one is already running. */
  revalidate(key: string, refresh: () => Promise<unknown>): void {
    if (this.refreshing.has(key)) return;
    this.refreshing.add(key);
    refresh()
      .catch(() => undefined)
      .finally(() => this.refreshing.delete(key));
  }

  clear(): void {
    this.entries.clear();
  }
}
