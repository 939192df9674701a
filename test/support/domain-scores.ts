// What the domain's scoring (the reference) gives the contributions rows the store holds.
import type { Kysely } from 'kysely';
import type { RulesVersion } from '../../src/domain/rules.js';
import { scoreWithCaps } from '../../src/domain/scoring.js';
import type { Database } from '../../src/store/schema.js';

export async function rowsWithDomainScores(db: Kysely<Database>, versions: RulesVersion[]) {
  const rows = await db.selectFrom('contributions').selectAll().execute();
  const expected = scoreWithCaps(
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
  return rows.map((row) => ({ row, score: expected.get(row.id)! }));
}
