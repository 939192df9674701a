// Runs the sources. Each source gets the identities linked on its platforms, each with the
// cursor it saved for that identity and whether it is due (identity-state.ts), and the shared
// cursor it saved last time; every batch it yields is stored together with the cursors after
// it in one transaction, so a run killed at any point replays at most one batch, and the
// upsert key (source, externalId) makes the replay change nothing. Cursors are written only
// when they changed. A failing identity backs off alone and the run is 'partial'; a failing
// source never stops the others: its error goes on its run record, its warnings too.
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
import { isDue, loadIdentityStates, recordCheckFailed, recordCheckSucceeded, canonicalJson, type IdentityState } from './identity-state.js';
import { SOURCES, SOURCE_NAMES, type RegisteredSource } from './registry.js';
import { initialReview } from './review-policy.js';
import { parseSourcesSettings, type SourcesSettings } from './settings.js';
import { databaseValidatorStore } from './validator-store.js';

export interface SyncOptions {
  /** Only this source. */
  source?: string;
  /** Only this member's identities; the saved cursors are neither used nor moved. */
  memberHandle?: string;
  /** Check identities that are backing off after failures now, instead of at their next check. */
  retryFailing?: boolean;
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
  status: 'ok' | 'partial' | 'failed';
  itemsNew: number;
  itemsUpdated: number;
  itemsUnchanged: number;
  requests: number;
  notModified: number;
  rateLimitedWaits: number;
  identitiesFlagged: number;
  /** Identities checked without error, with an error, and not due (backing off). */
  identitiesOk: number;
  identitiesFailed: number;
  identitiesSkipped: number;
  /** Parts of the run that belong to no identity and failed (a repository). */
  partsFailed: number;
  warnings: string[];
  error: string | null;
}

const MAX_WARNINGS = 50;
const WARNING_MAX_CHARS = 500;

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
  const now = options.now ?? new Date();
  const record = await startRun(db, source.name, scoped ? `member:${options.memberHandle}` : null);
  const http = sourcesHttpClient(db, settings, options.http);
  const warn = (message: string) => {
    if (record.warnings.length < MAX_WARNINGS) record.warnings.push(message.slice(0, WARNING_MAX_CHARS));
  };
  try {
    const linked = await linkedIdentities(db, source.platforms, options.memberHandle);
    // A member-scoped run neither uses nor moves saved state: every identity is due, fresh.
    const states = scoped ? new Map<number, IdentityState>() : await loadIdentityStates(db, source.name);
    const withState = linked.map((identity) => {
      const state = states.get(identity.identityId);
      const due = scoped || options.retryFailing === true || isDue(state, now);
      if (!due) record.identitiesSkipped += 1;
      return { ...identity, cursor: state?.cursor ?? null, due };
    });
    const identities = source.prepare ? source.prepare(withState, settings) : withState;
    const byId = new Map(identities.map((identity) => [identity.identityId, identity]));
    const cursor = scoped ? null : await loadCursor(db, source.name);
    const shared = { json: scoped ? null : canonicalJson(cursor) };
    const { enabled: _enabled, ...sourceSettings } = settings[source.name];
    let okBatches = 0;
    const batches = source.run(sourceSettings as never, identities, cursor, { http, now, warn });
    for await (const batch of batches) {
      const outcome = await storeBatch(db, config, source.name, batch, byId, scoped ? null : { states, shared, now });
      record.itemsNew += outcome.inserted;
      record.itemsUpdated += outcome.updated;
      record.itemsUnchanged += outcome.unchanged;
      record.identitiesFlagged += outcome.flagged;
      if (batch.identity?.error !== undefined) record.identitiesFailed += 1;
      else if (batch.identity) record.identitiesOk += 1;
      if (batch.failure !== undefined) {
        record.partsFailed += 1;
        warn(batch.failure);
      }
      if (batch.identity?.error === undefined && batch.failure === undefined) okBatches += 1;
      options.onBatch?.(source.name, outcome);
    }
    if (record.identitiesFailed + record.partsFailed > 0) {
      // Partial when anything else went through; failed when every part of the run failed.
      record.status = okBatches > 0 ? 'partial' : 'failed';
      // Counts only: each identity's error is on its own state row, never next to another's URL.
      const parts = [
        record.identitiesFailed > 0 ? `${record.identitiesFailed} of ${record.identitiesFailed + record.identitiesOk} identities failed` : null,
        record.partsFailed > 0 ? `${record.partsFailed} part(s) failed (see warnings)` : null,
      ].filter((part): part is string => part !== null);
      record.error = `${source.name}: ${parts.join('; ')}`;
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
    requests: 0, notModified: 0, rateLimitedWaits: 0, identitiesFlagged: 0,
    identitiesOk: 0, identitiesFailed: 0, identitiesSkipped: 0, partsFailed: 0, warnings: [], error: null,
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
      identities_ok: record.identitiesOk,
      identities_failed: record.identitiesFailed,
      identities_skipped: record.identitiesSkipped,
      warnings: JSON.stringify(record.warnings),
      error: record.error,
    })
    .where('id', '=', record.id)
    .execute();
}

export async function loadCursor(db: Kysely<Database>, source: string): Promise<SourceCursor> {
  const row = await db.selectFrom('sync_cursors').select('cursor').where('source', '=', source).executeTakeFirst();
  return (row?.cursor as SourceCursor | undefined) ?? null;
}

/** Where a run keeps the saved state it compares new cursors with. */
export interface SavedState {
  states: Map<number, IdentityState>;
  /** canonicalJson of the saved shared cursor; updated as it is rewritten. */
  shared: { json: string | null };
  now: Date;
}

/**
 * One batch and the cursors after it, in one transaction: the shared cursor when it changed,
 * the identity's state when it changed or its check failed. `saved` null (a member-scoped run)
 * moves no cursor; `true` (backfills) always writes the shared one.
 */
export async function storeBatch(
  db: Kysely<Database>,
  config: ProgramConfig,
  source: string,
  batch: SourceBatch,
  identities: Map<number, LinkedIdentity>,
  saved: SavedState | boolean | null,
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
    const result = inputs.length > 0 ? await upsertContributions(trx, config, inputs) : { inserted: 0, updated: 0, unchanged: 0 };
    let flagged = 0;
    for (const gone of batch.goneIdentities ?? []) {
      await flagIdentity(trx, gone.identityId, gone.reason.slice(0, 500));
      flagged += 1;
    }
    if (saved !== null && saved !== false && batch.cursor !== undefined) {
      const json = canonicalJson(batch.cursor);
      if (saved === true || json !== saved.shared.json) {
        await trx
          .insertInto('sync_cursors')
          .values({ source, cursor: json, updated_at: new Date() })
          .onConflict((oc) => oc.column('source').doUpdateSet({ cursor: json, updated_at: new Date() }))
          .execute();
        if (saved !== true) saved.shared.json = json;
      }
    }
    if (saved !== null && typeof saved === 'object' && batch.identity && identities.has(batch.identity.identityId)) {
      const { identityId, cursor, error } = batch.identity;
      const previous = saved.states.get(identityId);
      if (error !== undefined) {
        const after = await recordCheckFailed(trx, source, identityId, error, previous, saved.now);
        saved.states.set(identityId, { identityId, cursor: previous?.cursor ?? null, cursorJson: previous?.cursorJson ?? 'null', lastCheckedAt: saved.now, nextCheckAt: after.nextCheckAt, consecutiveFailures: after.failures, lastError: error });
      } else if (await recordCheckSucceeded(trx, source, identityId, cursor, previous, saved.now)) {
        const kept = cursor === undefined ? previous?.cursor ?? null : cursor;
        saved.states.set(identityId, { identityId, cursor: kept, cursorJson: canonicalJson(kept), lastCheckedAt: saved.now, nextCheckAt: saved.now, consecutiveFailures: 0, lastError: null });
      }
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
