import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LinkedIdentity, SourceBatch } from '../../src/sources/contract.js';
import { createHttpClient } from '../../src/sources/http.js';
import { icalSource } from '../../src/sources/ical.js';
import { memoryValidatorStore } from '../../src/sources/validators.js';
import { malformedCalendar, meetupCalendar } from '../fakes/ical.js';
import { fakeClock, startFakeServer, type FakeReply, type FakeServer } from '../fakes/server.js';

const NOW = new Date('2026-01-15T12:00:00Z');
let server: FakeServer;
beforeAll(async () => {
  server = await startFakeServer((req): FakeReply => {
    if (req.path === '/calendar.ics') return { body: meetupCalendar, headers: { 'content-type': 'text/calendar; charset=utf-8' } };
    if (req.path === '/broken.ics') return { body: malformedCalendar, headers: { 'content-type': 'text/calendar' } };
    if (req.path === '/redirect.ics') return { status: 302, headers: { location: 'http://[::1]:9/x.ics' } };
    return { status: 410, body: 'gone' };
  });
});
afterAll(() => server.close());

const identity = (identityId: number, path: string): LinkedIdentity => ({ identityId, memberId: 1, platform: 'ical', externalId: `${server.url}${path}`, verified: true });
const http = () => createHttpClient({ clock: fakeClock(), validators: memoryValidatorStore(), allowPrivateAddresses: ['127.0.0.1/32'] });

async function run(identities: LinkedIdentity[], client = http()) {
  const batches: SourceBatch[] = [];
  let error: Error | undefined;
  try {
    for await (const b of icalSource({}, identities, null, { http: client, now: NOW })) batches.push(b);
  } catch (e) {
    error = e as Error;
  }
  return { batches, contributions: batches.flatMap((b) => b.contributions), error };
}

describe('ical source', () => {
  it('reports past events, expanding recurrences with overrides, exclusions and cancellations', async () => {
    const { contributions, error } = await run([identity(1, '/calendar.ics')]);
    expect(error).toBeUndefined();
    const ids = contributions.map((c) => c.externalId).sort();
    // Weekly from 2025-12-01, 10 times: 12-01, 12-08 (moved), 12-15, [12-22 excluded], [12-29 cancelled], 01-05, 01-12; later ones are in the future.
    expect(ids).toEqual(
      [
        'conf-2025@example.org',
        'meetup-weekly@mage-os.example@2025-12-01T18:00:00.000Z',
        'meetup-weekly@mage-os.example@2025-12-08T18:00:00.000Z',
        'meetup-weekly@mage-os.example@2025-12-15T18:00:00.000Z',
        'meetup-weekly@mage-os.example@2026-01-05T18:00:00.000Z',
        'meetup-weekly@mage-os.example@2026-01-12T18:00:00.000Z',
      ].sort(),
    );
    const moved = contributions.find((c) => c.externalId.includes('2025-12-08'))!;
    expect(moved).toMatchObject({ kind: 'eventOrganized', title: 'Mage-OS meetup (moved an hour)' });
    expect(contributions.find((c) => c.externalId.includes('2025-12-01'))).toMatchObject({ title: 'Mage-OS weekly meetup', url: 'https://meetup.example/mage-os/', metadata: { location: 'Amsterdam' } });
    expect(contributions.find((c) => c.externalId === 'conf-2025@example.org')!.metadata.allDay).toBe(true);
  });

  it('yields the same records on an unchanged re-sync, served by a 304', async () => {
    const client = http();
    const first = await run([identity(1, '/calendar.ics')], client);
    const second = await run([identity(1, '/calendar.ics')], client);
    expect(second.contributions).toEqual(first.contributions);
    expect(client.stats.notModified).toBe(1);
  });

  it('names broken and refused calendars and flags gone ones', async () => {
    const { error, batches } = await run([identity(1, '/broken.ics'), identity(2, '/redirect.ics'), identity(3, '/deleted.ics')]);
    // Each calendar fails alone, with its own error.
    expect(error).toBeUndefined();
    const errors = batches.flatMap((b) => (b.identity?.error ? [b.identity.error] : []));
    expect(errors[0]).toMatch(/^ical: .*\/broken\.ics: not a valid iCalendar file/);
    expect(errors[1]).toMatch(/redirect\.ics.*refus/);
    expect(errors[0]).not.toMatch(/redirect|deleted/);
    expect(batches.flatMap((b) => b.goneIdentities ?? [])).toEqual([{ identityId: 3, reason: expect.stringContaining('HTTP 410') }]);
  });
});
