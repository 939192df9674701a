// What every command needs: the validated config, an open and migrated store, who is acting
// (for the audit log) and today's date in UTC.
import os from 'node:os';
import path from 'node:path';
import { loadConfig, withServedBaseUrl } from '../config/load-config.js';
import type { ProgramConfig } from '../domain/config-schema.js';
import { toIsoDate } from '../domain/dates.js';
import { openStore, type Store } from '../store/db.js';
import { migrate } from '../store/migrate.js';

export interface GlobalOptions {
  config?: string;
  actor?: string;
}

export interface CommandContext {
  config: ProgramConfig;
  store: Store;
  actor: string;
  today: string;
  /** Whether program.baseUrl was configured; `serve` otherwise uses the address it serves. */
  baseUrlConfigured: boolean;
}

export function databaseSettings(env: NodeJS.ProcessEnv = process.env): { databaseUrl?: string; dataDir: string } {
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: path.resolve(env.AMBASSADOR_DATA_DIR || 'data'),
  };
}

function environmentPort(text: string | undefined): number {
  const port = Number(text);
  return text && /^\d{1,5}$/.test(text) && port >= 1 && port <= 65535 ? port : 3000;
}

export function actorName(explicit: string | undefined): string {
  if (explicit) return `cli:${explicit}`;
  try {
    return `cli:${os.userInfo().username}`;
  } catch {
    return 'cli';
  }
}

export async function openContext(options: GlobalOptions): Promise<CommandContext> {
  const loaded = loadConfig({ file: options.config });
  // Without program.baseUrl, links name the address HOST and PORT say the server is on (every
  // command and role: a worker's emails link where its web instance listens); `serve` then
  // uses its own --host and --port.
  const config = withServedBaseUrl(loaded, process.env.HOST || 'localhost', environmentPort(process.env.PORT));
  const { baseUrlConfigured } = loaded;
  const store = await openStore(databaseSettings());
  try {
    await migrate(store.db);
  } catch (error) {
    await store.close();
    throw error;
  }
  return { config, store, actor: actorName(options.actor), today: toIsoDate(new Date()), baseUrlConfigured };
}

/** Runs a command body with an open context and always closes the store. */
export async function withContext<T>(options: GlobalOptions, body: (context: CommandContext) => Promise<T>): Promise<T> {
  const context = await openContext(options);
  try {
    return await body(context);
  } finally {
    await context.store.close();
  }
}
