import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LinkedIdentity, SourceBatch } from '../../src/sources/contract.js';
import { createHttpClient } from '../../src/sources/http.js';
import { icalSource } from '../../src/sources/ical.js';
import { memoryValidatorStore } from '../../src/sources/validators.js';
import { readCalendarContributions, icalSettingsSchema } from '../../src/sources/ical.js';
import { deviantCalendar, longRunningCalendar, malformedCalendar, meetupCalendar } from '../fakes/ical.js';
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

const settings = icalSettingsSchema.parse({});
const read = (text: string) => readCalendarContributions(text, 'https://cal.example/organiser.ics', 1, NOW, settings);

/** Runs `fn` with the process in each of the three server time zones, restoring the zone after. */
function underZones<T>(fn: () => T): T[] {
  const saved = process.env.TZ;
  try {
    return ['UTC', 'Asia/Tokyo', 'America/Los_Angeles'].map((zone) => {
      process.env.TZ = zone;
      return fn();
    });
  } finally {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  }
}

describe('calendars as real producers write them', () => {
  it('reports the recent occurrences of a series that started years ago', () => {
    const { contributions } = read(longRunningCalendar);
    const weekly = contributions.filter((c) => c.externalId.startsWith('weekly-since-2019@meetup.example@'));
    // Every Monday from 2024-01-22 to 2026-01-12: 104 weeks, none lost to counting from 2019.
    expect(weekly).toHaveLength(104);
    expect(weekly.map((c) => c.occurredAt)).toContain('2026-01-12T18:00:00.000Z');
    expect(weekly.map((c) => c.occurredAt)).toContain('2025-07-07T17:00:00.000Z');
  });

  it('records a moved occurrence at its new start, under the id of its original slot', () => {
    const moved = read(longRunningCalendar).contributions.find((c) => c.externalId === 'weekly-since-2019@meetup.example@2026-01-05T18:00:00.000Z');
    expect(moved).toMatchObject({ occurredAt: '2026-01-06T19:00:00.000Z', title: 'Magento Stammtisch (Tuesday this time)' });
  });

  it('reads each time in its own zone: TZID without VTIMEZONE (IANA, Windows), X-WR-TIMEZONE, all-day dates', () => {
    const byTitle = new Map(read(longRunningCalendar).contributions.map((c) => [c.title, c]));
    expect(byTitle.get('New York Magento meetup')?.occurredAt).toBe('2026-01-09T23:00:00.000Z');
    expect(byTitle.get('Exchange-invited Magento review')?.occurredAt).toBe('2026-01-12T08:00:00.000Z');
    expect(byTitle.get('Hackathon without UID, floating time')?.occurredAt).toBe('2026-01-10T09:00:00.000Z');
    expect(byTitle.get('All-day Magento Day')).toMatchObject({ occurredAt: '2026-01-08T00:00:00.000Z', metadata: { allDay: true } });
    expect(byTitle.get('An instance whose series is not in the file')).toMatchObject({ externalId: 'orphan@meetup.example@2026-01-13T09:00:00.000Z', occurredAt: '2026-01-13T10:00:00.000Z' });
  });

  it('gives an event without UID a stable id', () => {
    const ids = underZones(() => read(longRunningCalendar).contributions.find((c) => c.title.startsWith('Hackathon'))!.externalId);
    expect(ids[0]).toMatch(/^nouid:[0-9a-f]{32}$/);
    expect(new Set(ids).size).toBe(1);
    expect(readCalendarContributions(longRunningCalendar, 'https://other.example/x.ics', 1, NOW, settings).contributions.find((c) => c.title.startsWith('Hackathon'))!.externalId).not.toBe(ids[0]);
  });

  it('gives the same results whatever the server time zone', () => {
    const [utc, tokyo, losAngeles] = underZones(() => [read(longRunningCalendar).contributions, read(meetupCalendar).contributions, read(deviantCalendar).contributions]);
    expect(tokyo).toEqual(utc);
    expect(losAngeles).toEqual(utc);
  });

  it('reads the known deviations, and one broken event costs only that event', () => {
    const { contributions, warnings } = read(deviantCalendar);
    expect(contributions.map((c) => `${c.externalId} ${c.occurredAt}`).sort()).toEqual(
      [
        'date-without-value@example.org 2026-01-07T00:00:00.000Z',
        'exchange-byday@example.org@2026-01-05T08:00:00.000Z 2026-01-05T08:00:00.000Z',
        'exchange-byday@example.org@2026-01-06T08:00:00.000Z 2026-01-06T08:00:00.000Z',
        'exchange-byday@example.org@2026-01-12T08:00:00.000Z 2026-01-12T08:00:00.000Z',
        'exchange-byday@example.org@2026-01-13T08:00:00.000Z 2026-01-13T08:00:00.000Z',
        'rdate-period@example.org@2026-01-02T09:00:00.000Z 2026-01-02T09:00:00.000Z',
        'rdate-period@example.org@2026-01-09T09:00:00.000Z 2026-01-09T09:00:00.000Z',
      ].sort(),
    );
    expect(warnings.join(' ')).toMatch(/broken@example.org/);
  });
});

describe('calendars built to cost', () => {
  it('stops expanding a hostile rule within its budget, keeping the rest of the calendar', () => {
    const hostile = ['BEGIN:VCALENDAR', 'VERSION:2.0', ...Array.from({ length: 20 }, (_, i) => [`BEGIN:VEVENT`, `UID:secondly-${i}@x.example`, 'DTSTART:19700101T000000Z', 'RRULE:FREQ=SECONDLY;COUNT=100000000', 'SUMMARY:Every second since 1970', 'END:VEVENT']).flat(), 'BEGIN:VEVENT', 'UID:fine@x.example', 'DTSTART:20260110T100000Z', 'SUMMARY:Fine', 'END:VEVENT', 'END:VCALENDAR'].join('\r\n');
    const { contributions, warnings } = readCalendarContributions(hostile, 'https://x.example/c.ics', 1, NOW, settings);
    expect(contributions.map((c) => c.externalId)).toContain('fine@x.example');
    expect(warnings.join(' ')).toMatch(/stopped expanding recurrences after 100000 occurrences in this calendar/);
  });

  it('keeps the latest occurrences of a crowded series without iterating its whole window', () => {
    const minutely = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'BEGIN:VEVENT', 'UID:minutely@x.example', 'DTSTART:20000101T000000Z', 'RRULE:FREQ=MINUTELY', 'SUMMARY:Every minute', 'END:VEVENT', 'END:VCALENDAR'].join('\r\n');
    const { contributions, warnings } = readCalendarContributions(minutely, 'https://x.example/m.ics', 1, NOW, settings);
    expect(warnings).toEqual([]);
    expect(contributions).toHaveLength(settings.maxOccurrencesPerEvent);
    expect(contributions.at(-1)!.occurredAt).toBe('2026-01-15T12:00:00.000Z');
  });
});
