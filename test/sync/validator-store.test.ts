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
    const first = { etag: 'W/"abc"', body: '[{"name":"x"}]', headers: { link: '<https://api.github.com/orgs/mage-os/repos?page=2>; rel="next"', 'content-type': 'application/json; charset=utf-8' } };
    await validators.set(url, first);
    expect(await validators.get(url)).toEqual(first);
    await validators.set(url, { lastModified: 'Mon, 12 Jan 2026 10:00:00 GMT', body: '[]' });
    expect(await validators.get(url)).toEqual({ lastModified: 'Mon, 12 Jan 2026 10:00:00 GMT', body: '[]' });
  });

  it('does not keep bodies too large to be worth it', async () => {
    const validators = databaseValidatorStore(store.db);
    await validators.set('https://example.org/big', { etag: '"big"', body: 'x'.repeat(2_000_001) });
    expect(await validators.get('https://example.org/big')).toBeNull();
  });
});
