// Tells this process when another one (or this one) wrote to the tables the public pages read:
// LISTEN on the channel the triggers of migration 0032 notify. On PostgreSQL a dedicated
// connection listens (a pooled one would be handed to queries); when it is lost it reconnects
// with backoff and reports a change, since notifications sent meanwhile were missed. On PGlite
// the notifications of the one in-process database arrive through PGlite's own listen.
import pg from 'pg';
import type { Store } from './db.js';

export const PAGE_CHANGES_CHANNEL = 'ambassador_pages';

export interface ChangeFeed {
  close(): Promise<void>;
}

export interface ChangeFeedLog {
  warn(details: object, message: string): void;
}

export async function listenForChanges(store: Store, onChange: (table: string) => void, log?: ChangeFeedLog): Promise<ChangeFeed> {
  if (store.pglite) {
    const unlisten = await store.pglite.listen(PAGE_CHANGES_CHANNEL, (payload) => onChange(payload));
    return { close: () => unlisten() };
  }
  if (!store.connectionConfig) return { close: async () => undefined };
  const config = store.connectionConfig;
  let client: pg.Client | undefined;
  let closed = false;
  let retryMs = 250;
  let timer: NodeJS.Timeout | undefined;

  const connect = async (): Promise<void> => {
    if (closed) return;
    const next = new pg.Client(config);
    next.on('notification', (message) => onChange(message.payload ?? ''));
    next.on('error', (error) => {
      log?.warn({ err: error.message }, 'page change listener lost its connection; reconnecting');
      reconnect(next);
    });
    next.on('end', () => reconnect(next));
    try {
      await next.connect();
      await next.query(`listen ${PAGE_CHANGES_CHANNEL}`);
      client = next;
      retryMs = 250;
    } catch (error) {
      log?.warn({ err: (error as Error).message }, 'page change listener could not connect; trying again');
      reconnect(next);
    }
  };

  const reconnect = (lost: pg.Client) => {
    if (closed || (client !== lost && client !== undefined)) return;
    client = undefined;
    void lost.end().catch(() => undefined);
    // Whatever was written while nobody listened is unknown: treat it as a change.
    onChange('');
    clearTimeout(timer);
    timer = setTimeout(() => void connect().catch(() => undefined), retryMs);
    timer.unref();
    retryMs = Math.min(retryMs * 2, 10_000);
  };

  await connect();
  return {
    close: async () => {
      closed = true;
      clearTimeout(timer);
      await client?.end().catch(() => undefined);
    },
  };
}
