// Derives points from the facts: for a set of members (or everyone), every contribution is
// scored with the rules version of its date, caps are applied per member, and only rows
// whose points or explanation changed are written, one set-based UPDATE per chunk.
import { sql, type Kysely } from 'kysely';
import type { ProgramConfig } from '../domain/config-schema.js';
import { rulesVersions, type RulesVersion } from '../domain/rules.js';
import { scoreWithCaps } from '../domain/scoring.js';
import type { Database } from './schema.js';

export interface RescoreResult {
  members: number;
  contributions: number;
  changed: number;
}

export interface RescoreOptions {
  /** Members per chunk (each chunk is read, scored and written in one transaction). */
  chunkSize?: number;
  onProgress?: (done: number, total: number) => void;
}

export async function rescoreMembers(
  db: Kysely<Database>,
  config: ProgramConfig,
  memberIds: number[],
): Promise<RescoreResult> {
  const versions = rulesVersions(config);
  const unique = [...new Set(memberIds)];
  const result: RescoreResult = { members: unique.length, contributions: 0, changed: 0 };
  for (let start = 0; start < unique.length; start += 500) {
    const chunk = await rescoreChunk(db, versions, unique.slice(start, start + 500));
    result.contributions += chunk.contributions;
    result.changed += chunk.changed;
  }
  return result;
}

export async function rescoreAll(
  db: Kysely<Database>,
  config: ProgramConfig,
  options: RescoreOptions = {},
): Promise<RescoreResult> {
  const versions = rulesVersions(config);
  const chunkSize = options.chunkSize ?? 10_000;
  const total = Number(
    (await db.selectFrom('members').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n,
  );
  const result: RescoreResult = { members: 0, contributions: 0, changed: 0 };
  let after = 0;
  for (;;) {
    const ids = (
      await db.selectFrom('members').select('id').where('id', '>', after).orderBy('id').limit(chunkSize).execute()
    ).map((row) => row.id);
    if (ids.length === 0) break;
    const chunk = await rescoreChunk(db, versions, ids);
    result.members += ids.length;
    result.contributions += chunk.contributions;
    result.changed += chunk.changed;
    after = ids[ids.length - 1]!;
    options.onProgress?.(result.members, total);
  }
  return result;
}

async function rescoreChunk(
  db: Kysely<Database>,
  versions: RulesVersion[],
  memberIds: number[],
): Promise<{ contributions: number; changed: number }> {
  if (memberIds.length === 0) return { contributions: 0, changed: 0 };
  const inTransaction = <T>(body: (trx: Kysely<Database>) => Promise<T>) =>
    db.isTransaction ? body(db) : db.transaction().execute(body);
  return inTransaction(async (trx) => {
    const rows = await trx
      .selectFrom('contributions')
      .select(['id', 'member_id', 'kind', 'occurred_at', 'metadata', 'review_state', 'points', 'explanation', 'rules_version'])
      .where('member_id', 'in', memberIds)
      .execute();
    const scores = scoreWithCaps(
      versions,
      rows.map((row) => ({
        id: row.id,
        memberId: row.member_id,
        kind: row.kind,
        occurredAt: row.occurred_at,
        metadata: row.metadata,
        takesCapPlace: row.review_state === 'counted' || row.review_state === 'pending',
      })),
    );
    const ids: number[] = [];
    const points: number[] = [];
    const explanations: string[] = [];
    const versionIds: string[] = [];
    for (const row of rows) {
      const score = scores.get(row.id)!;
      if (score.points === row.points && score.explanation === row.explanation && score.rulesVersion === row.rules_version) {
        continue;
      }
      ids.push(row.id);
      points.push(score.points);
      explanations.push(score.explanation);
      versionIds.push(score.rulesVersion);
    }
    if (ids.length > 0) {
      await sql`
        update contributions as c
        set points = v.points, explanation = v.explanation, rules_version = v.rules_version, updated_at = now()
        from (
          select unnest(${ids}::int[]) as id, unnest(${points}::numeric[]) as points,
                 unnest(${explanations}::text[]) as explanation, unnest(${versionIds}::text[]) as rules_version
        ) as v
        where c.id = v.id`.execute(trx);
    }
    return { contributions: rows.length, changed: ids.length };
  });
}
