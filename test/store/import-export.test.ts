import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportContributions, exportMembers, toCsv } from '../../src/transfer/export-data.js';
import { importFile } from '../../src/transfer/import-file.js';
import { configWith } from '../domain/fixtures.js';
import { ENGINES, freshStore, type TestStore } from '../support/engines.js';

const config = configWith();
const dir = mkdtempSync(path.join(tmpdir(), 'ambassador-import-'));
const file = (name: string, text: string) => {
  const target = path.join(dir, name);
  writeFileSync(target, text);
  return target;
};

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(ENGINES)('import and export on %s', (engine) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await freshStore(engine);
  });
  afterEach(async () => {
    await store.dispose();
  });

  const members = 'handle,name,email,joined_at,country\njane,Jane Doe,jane@example.org,2025-03-01,Netherlands\njoe,Joe Bloggs,,2025-04-01,\n';

  it('imports members and contributions idempotently', async () => {
    expect((await importFile(store.db, config, file('m.csv', members), 'test')).members).toEqual({ inserted: 2, updated: 0, unchanged: 0 });
    expect((await importFile(store.db, config, file('m.csv', members), 'test')).members).toEqual({ inserted: 0, updated: 0, unchanged: 2 });
    const contributions = file(
      'c.json',
      JSON.stringify([
        { handle: 'jane', source: 'crm', externalId: 'membership-2026', kind: 'associationMembership', title: 'Association member 2026', occurredAt: '2026-02-01' },
        { handle: 'JOE', source: 'events', external_id: 'mm-nl-2026-talk-7', kind: 'talk', title: 'Talk at MM NL', url: 'https://mm.example/7', occurred_at: '2026-05-20T14:00:00Z', metadata: { room: 'A' } },
      ]),
    );
    expect((await importFile(store.db, config, contributions, 'test')).contributions).toEqual({ inserted: 2, updated: 0, unchanged: 0 });
    expect((await importFile(store.db, config, contributions, 'test')).contributions).toEqual({ inserted: 0, updated: 0, unchanged: 2 });
    const exported = await exportContributions(store.db);
    expect(exported.map((c) => [c.handle, c.kind, c.points, c.explanation])).toEqual([
      ['jane', 'associationMembership', 20, '20 = Magento Association membership 20'],
      ['joe', 'talk', 30, '30 = talk 30'],
    ]);
  });

  it('reports every bad row by line and imports nothing of that file', async () => {
    await importFile(store.db, config, file('m.csv', members), 'test');
    const bad = file(
      'bad.csv',
      [
        'handle,source,external_id,kind,title,url,occurred_at',
        'jane,crm,a1,talk,Good row,https://ok.example,2026-01-01',
        'jane,crm,a2,juggling,Unknown kind,https://ok.example,2026-01-01',
        'jane,crm,a3,talk,"Multi-line',
        'title",javascript:alert(1),2026-01-01',
        'jane,crm,a4,talk,Bad date,https://ok.example,yesterday',
      ].join('\n'),
    );
    const error = await importFile(store.db, config, bad, 'test').catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toContain('nothing imported');
    expect(message).toContain('line 3: kind: expected one of');
    expect(message).toContain('line 5: url: expected an http(s) URL');
    expect(message).toContain('line 6: occurredAt: expected a date or an ISO instant');
    expect(await store.db.selectFrom('contributions').selectAll().execute()).toEqual([]);
    const unknownMember = file('u.csv', 'handle,source,external_id,kind,title,occurred_at\njane,crm,b1,talk,ok,2026-01-01\nnobody,crm,b2,talk,x,2026-01-01\n');
    await expect(importFile(store.db, config, unknownMember, 'test')).rejects.toThrow('line 3: handle: no member "nobody"');
    expect(await store.db.selectFrom('contributions').selectAll().execute()).toEqual([]);
  });

  it('exports what it imports, without private emails unless asked, and defuses spreadsheet formulas', async () => {
    await importFile(store.db, config, file('m.csv', members), 'test');
    expect((await exportMembers(store.db))[0]).not.toHaveProperty('email');
    expect((await exportMembers(store.db, { includeEmail: true }))[0]).toHaveProperty('email', 'jane@example.org');
    const csv = toCsv([{ title: '=HYPERLINK("http://evil")', points: -5, note: 'ok' }]);
    expect(csv).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(csv).toContain(',-5,');
    const roundTrip = file('all.json', JSON.stringify({ members: await exportMembers(store.db), contributions: await exportContributions(store.db) }));
    expect((await importFile(store.db, config, roundTrip, 'test')).members).toEqual({ inserted: 0, updated: 0, unchanged: 2 });
  });
});
