// Named prepared statements for the statements that ask for them (PostgreSQL only; PGlite
// reads the marker as the comment it is).
import type pg from 'pg';

/**
 * Statements that begin with PREPARED (the hot reads of the public pages) are sent as named
 * prepared statements, parsed and planned once per connection: planning them cost more than
 * running them (0.2 ms against 0.04 ms for a profile's member lookup). Only statements whose
 * generic plan was checked carry the marker; everything else is planned for its values, as
 * before. Bounded per connection, so a stray marked text with varying literals cannot grow it.
 */
export const PREPARED = '/* prepared */';
const PREPARED_PER_CONNECTION = 100;

export function preparedOnConnection(client: pg.PoolClient): void {
  const names = new Map<string, string>();
  let made = 0;
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as { query: unknown }).query = (text: unknown, values?: unknown, callback?: unknown) => {
    if (typeof text !== 'string' || !text.startsWith(PREPARED) || callback !== undefined) return query(text, values, callback);
    let name = names.get(text);
    if (name === '') return query(text, values);
    if (name === undefined && names.size < PREPARED_PER_CONNECTION) {
      made += 1;
      name = `ambassador_${made}`;
      names.set(text, name);
    }
    if (name === undefined) return query(text, values);
    return (query({ name, text, values }) as Promise<unknown>).catch((error: { code?: string; message?: string }) => {
      // A migration changed a table under a prepared "select *" while this process ran: the
      // text is planned afresh, unnamed from now on (the name is not reused).
      if (error.code !== '0A000' || !/cached plan must not change result type/.test(error.message ?? '')) throw error;
      names.set(text, '');
      return query(text, values);
    });
  };
}
