// A column matched against a list of ids as one array parameter: `in (...)` sends a bind
// parameter per id, and the protocol stops at 65,535 (a program with more members than that
// could not load its directory or compute its awards).
import { sql, type RawBuilder } from 'kysely';

/** `column = any($1::int[])`: true where the column is one of `ids` (none: false). */
export function isAnyOf(column: string, ids: readonly number[]): RawBuilder<boolean> {
  return sql<boolean>`${sql.ref(column)} = any(${[...ids]}::int[])`;
}
