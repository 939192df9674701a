// Validators of conditional requests kept in the database, on both engines: what a 304 needs
// (ETag, Last-Modified, the body and its kept headers) comes back as it went in.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { databaseValidatorStore } from '../../src/sync/validator-store.js';
import { ENGINES, freshStore, type TestStore } from '../support/engines.js';

describe.each(ENGINES)('validators kept in the database on %s', (engine) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await freshStore(engine);
  });
  afterEach(() => store.dispose());

  it('keeps and replaces the validators, body and headers of a URL', async () => {
    const validators = databaseValidatorStore(store.db);
    const url = 'https://api.github.com/orgs/mage-os/repos?per_page=100';
    expect(await validators.get(url)).toBeNull();
    const first = { etag: 'W/"abc"', body: Buffer.from('[{"name":"x"}]'), headers: { link: '<https://api.github.com/orgs/mage-os/repos?page=2>; rel="next"', 'content-type': 'application/json; charset=utf-8' } };
    await validators.set(url, first);
    expect(await validators.get(url)).toEqual(first);
    await validators.set(url, { lastModified: 'Mon, 12 Jan 2026 10:00:00 GMT', body: Buffer.from('[]') });
    expect(await validators.get(url)).toEqual({ lastModified: 'Mon, 12 Jan 2026 10:00:00 GMT', body: Buffer.from('[]') });
  });

  it('keeps the bytes received, whatever their encoding', async () => {
    const validators = databaseValidatorStore(store.db);
    // ISO-8859-1 "Notícias" and a UTF-8 BOM: not valid UTF-8 text, kept byte for byte.
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<rss><title>Not\xedcias</title></rss>', 'latin1'), Buffer.from([0x00, 0xff])]);
    await validators.set('https://example.org/latin1', { etag: '"l1"', body });
    const back = await validators.get('https://example.org/latin1');
    expect(Buffer.from(back!.body!).equals(body)).toBe(true);
  });

  it('does not keep bodies too large to be worth it', async () => {
    const validators = databaseValidatorStore(store.db);
    await validators.set('https://example.org/big', { etag: '"big"', body: Buffer.alloc(4_000_001, 0x78) });
    expect(await validators.get('https://example.org/big')).toBeNull();
  });
});
