// Runs the sources. Each source gets the identities linked on its platforms and the cursor it
// saved last time; every batch it yields is stored together with the cursor after it in one
// transaction, so a run killed at any point replays at most one batch, and the upsert key
// (source, externalId) makes the replay change nothing. A failing source never stops the
// others: its error goes on its run record.
import { sql, type Kysely } from 'kysely';
import type { ProgramConfig } from '../domain/config-schema.js';
import type { LinkedIdentity, SourceBatch, SourceCursor } from '../sources/contract.js';
import { asSourceError } from '../sources/context.js';
import { observingQuotas } from '../ops/quota.js';
import { createHttpClient, type HttpClient, type HttpClientOptions, type HttpStats } from '../sources/http.js';
import { upsertContributions, type ContributionInput } from '../store/contributions.js';
import type { Store } from '../store/db.js';
import { UserError } from '../store/errors.js';
import { flagIdentity } from '../store/identities.js';
import type { Database } from '../store/schema.js';
import { SOURCES, SOURCE_NAMES, type RegisteredSource } from './registry.js';
import { initialReview } from './review-policy.js';
import { parseSourcesSettings, type SourcesSettings } from './settings.js';
import { databaseValidatorStore } from './validator-store.js';

export interface SyncOptions {
  /** Only this source. */
  source?: string;
  /** Only this member's identities; the saved cursors are neither used nor moved. */
  memberHandle?: string;
  now?: Date;
  /** Overrides for the HTTP client (tests pass a fake clock). */
  http?: Partial<HttpClientOptions>;
  onBatch?: (source: string, stored: BatchOutcome) => void;
  /** Called as each source starts (record null) and ends, with how many of `total` are done. */
  onSource?: (source: string, record: RunRecord | null, done: number, total: number) => void;
}

export interface BatchOutcome {
  inserted: number;
  updated: number;
  unchanged: number;
  skipped: number;
  flagged: number;
}

export interface RunRecord {
  id: number;
  source: string;
  status: 'ok' | 'failed';
  itemsNew: number;
  itemsUpdated: number;
  itemsUnchanged: number;
  requests: number;
  notModified: number;
  rateLimitedWaits: number;
  identitiesFlagged: number;
  error: string | null;
}

export async function runSync(store: Store, config: ProgramConfig, options: SyncOptions = {}): Promise<RunRecord[]> {
  if (options.source && !SOURCE_NAMES.includes(options.source as RegisteredSource['name'])) {
    throw new UserError(`unknown source "${options.source}"; expected one of ${SOURCE_NAMES.join(', ')}`);
  }
  const settings = parseSourcesSettings(config.sources);
  const selected = SOURCES.filter((source) => (options.source ? source.name === options.source : settings[source.name].enabled));
  const records: RunRecord[] = [];
  for (const source of selected) {
    options.onSource?.(source.name, null, records.length, selected.length);
    const record = await runSource(store.db, config, settings, source, options);
    records.push(record);
    options.onSource?.(source.name, record, records.length, selected.length);
  }
  return records;
}

export async function linkedIdentities(db: Kysely<Database>, platforms: string[], memberHandle?: string): Promise<LinkedIdentity[]> {
  let query = db
    .selectFrom('identities as i')
    .innerJoin('members as m', 'm.id', 'i.member_id')
    .select(['i.id', 'i.member_id', 'i.platform', 'i.external_id', 'i.verified_at', 'i.trusted_at'])
    .where('i.platform', 'in', platforms)
    .where('m.state', '=', 'registered')
    .where('m.is_bot', '=', false)
    .where('i.flagged_at', 'is', null)
    .orderBy('i.id');
  if (memberHandle) query = query.where(sql<string>`lower(m.handle)`, '=', memberHandle.toLowerCase());
  return (await query.execute()).map((row) => ({
    identityId: row.id,
    memberId: row.member_id,
    platform: row.platform,
    externalId: row.external_id,
    verified: row.verified_at !== null,
    trusted: row.trusted_at !== null,
  }));
}

async function runSource(
  db: Kysely<Database>,
  config: ProgramConfig,
  settings: SourcesSettings,
  source: RegisteredSource,
  options: SyncOptions,
): Promise<RunRecord> {
  const scoped = options.memberHandle !== undefined;
  const record = await startRun(db, source.name, scoped ? `member:${options.memberHandle}` : null);
  const http = sourcesHttpClient(db, settings, options.http);
  try {
    const linked = await linkedIdentities(db, source.platforms, options.memberHandle);
    const identities = source.prepare ? source.prepare(linked, settings) : linked;
    const byId = new Map(identities.map((identity) => [identity.identityId, identity]));
    const cursor = scoped ? null : await loadCursor(db, source.name);
    const { enabled: _enabled, ...sourceSettings } = settings[source.name];
    const batches = source.run(sourceSettings as never, identities, cursor, { http, now: options.now ?? new Date() });
    for await (const batch of batches) {
      const outcome = await storeBatch(db, config, source.name, batch, byId, !scoped);
      record.itemsNew += outcome.inserted;
      record.itemsUpdated += outcome.updated;
      record.itemsUnchanged += outcome.unchanged;
      record.identitiesFlagged += outcome.flagged;
      options.onBatch?.(source.name, outcome);
    }
  } catch (error) {
    record.status = 'failed';
    record.error = asSourceError(source.name, error).message.slice(0, 2000);
  }
  await finishRun(db, record, http.stats);
  return record;
}

/** The HTTP client every source run uses, with the settings' limits and stored validators. */
export function sourcesHttpClient(db: Kysely<Database>, settings: SourcesSettings, overrides?: Partial<HttpClientOptions>): HttpClient {
  // The quotas upstreams report are kept for /metrics (src/ops/quota.ts).
  return observingQuotas(createHttpClient({
    userAgent: settings.http.userAgent,
    timeoutMs: settings.http.timeoutMs,
    maxBytes: settings.http.maxBytes,
    allowPrivateAddresses: settings.http.allowPrivateAddresses,
    validators: databaseValidatorStore(db),
    ...overrides,
  }), db);
}

/** Opens a run record (status 'running') that `finishRun` completes. */
export async function startRun(db: Kysely<Database>, source: string, scope: string | null): Promise<RunRecord> {
  const run = await db.insertInto('sync_runs').values({ source, scope }).returning('id').executeTakeFirstOrThrow();
  return {
    id: run.id, source, status: 'ok', itemsNew: 0, itemsUpdated: 0, itemsUnchanged: 0,
    requests: 0, notModified: 0, rateLimitedWaits: 0, identitiesFlagged: 0, error: null,
  };
}

export async function finishRun(db: Kysely<Database>, record: RunRecord, stats: HttpStats): Promise<void> {
  record.requests = stats.requests;
  record.notModified = stats.notModified;
  record.rateLimitedWaits = stats.rateLimitedWaits;
  await db
    .updateTable('sync_runs')
    .set({
      finished_at: new Date(),
      status: record.status,
      items_new: record.itemsNew,
      items_updated: record.itemsUpdated,
      items_unchanged: record.itemsUnchanged,
      requests: record.requests,
      not_modified: record.notModified,
      rate_limited_waits: record.rateLimitedWaits,
      identities_flagged: record.identitiesFlagged,
      error: record.error,
    })
    .where('id', '=', record.id)
    .execute();
}

export async function loadCursor(db: Kysely<Database>, source: string): Promise<SourceCursor> {
  const row = await db.selectFrom('sync_cursors').select('cursor').where('source', '=', source).executeTakeFirst();
  return (row?.cursor as SourceCursor | undefined) ?? null;
}

/** One batch and the cursor after it, in one transaction. */
export async function storeBatch(
  db: Kysely<Database>,
  config: ProgramConfig,
  source: string,
  batch: SourceBatch,
  identities: Map<number, LinkedIdentity>,
  saveCursor: boolean,
): Promise<BatchOutcome> {
  return db.transaction().execute(async (trx) => {
    const inputs: ContributionInput[] = [];
    let skipped = 0;
    for (const found of batch.contributions) {
      const identity = identities.get(found.identityId);
      if (!identity || !config.kinds[found.kind]) {
        skipped += 1;
        continue;
      }
      inputs.push({
        memberId: identity.memberId,
        source: found.source,
        externalId: found.externalId,
        kind: found.kind,
        title: found.title,
        url: found.url,
        occurredAt: found.occurredAt,
        // Counted, or waiting for verification or review: decided in review-policy.ts.
        ...initialReview(identity, found, config),
      });
    }
    const result = await upsertContributions(trx, config, inputs);
    let flagged = 0;
    for (const gone of batch.goneIdentities ?? []) {
      await flagIdentity(trx, gone.identityId, gone.reason.slice(0, 500));
      flagged += 1;
    }
    if (saveCursor) {
      await trx
        .insertInto('sync_cursors')
        .values({ source, cursor: JSON.stringify(batch.cursor), updated_at: new Date() })
        .onConflict((oc) => oc.column('source').doUpdateSet({ cursor: JSON.stringify(batch.cursor), updated_at: new Date() }))
        .execute();
    }
    return { inserted: result.inserted, updated: result.updated, unchanged: result.unchanged, skipped, flagged };
  });
}

export async function latestRuns(db: Kysely<Database>) {
  return db
    .selectFrom('sync_runs')
    .selectAll()
    .where('id', 'in', db.selectFrom('sync_runs').select((eb) => eb.fn.max('id').as('id')).groupBy('source'))
    .orderBy('source')
    .execute();
}
