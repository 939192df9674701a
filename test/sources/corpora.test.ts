// Our feed and calendar readers against real payloads (../shared/corpora, never copied here) and
// what mature parsers read from them: Python's feedparser for feeds, python-icalendar with
// python-recurring-ical-events for calendars (the corpus README says how the references were
// made). Every file the reference reads must be read; fields are compared one by one after the
// normalisations below, and every difference kept is listed in KEPT_* with its reason. The whole
// reading runs with the process in three time zones, and the results must be identical.

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CalendarParseError, readCalendar, type CalendarOccurrence, type OccurrenceStart } from '../../src/sources/calendar-reader.js';
import { looksLikeHtml, parseFeedBytes } from '../../src/sources/feed-parser.js';
import { htmlToText } from '../../src/sources/plain-text.js';
import { decodeText } from '../../src/sources/text-decoding.js';

// The team's corpus sits beside the checkout (../shared/corpora); AMBASSADOR_CORPORA names
// another place. A checkout without it (a clone elsewhere) skips these tests and says so.
const CORPORA =
  [process.env.AMBASSADOR_CORPORA, path.resolve(process.cwd(), '../shared/corpora'), '/work/shared/corpora']
    .filter((candidate): candidate is string => Boolean(candidate))
    .find((candidate) => existsSync(path.join(candidate, 'feeds.expected.json'))) ?? path.resolve(process.cwd(), '../shared/corpora');
const HAS_CORPORA = existsSync(path.join(CORPORA, 'feeds.expected.json'));
if (!HAS_CORPORA) console.warn(`[corpora] ${CORPORA} is missing: the real-corpus tests are skipped (set AMBASSADOR_CORPORA)`);
const ZONES = ['UTC', 'Asia/Tokyo', 'America/Los_Angeles'];

interface ExpectedFeed {
  format: string | null;
  encoding: string;
  wellFormed: boolean;
  title: string | null;
  link: string | null;
  entries: { title: string | null; link: string | null; id: string | null; published: string | null; categories: string[] }[];
}
interface ExpectedOccurrence {
  uid: string | null;
  start: string;
  recurrenceId: string | null;
  status: string | null;
  summary: string;
}

/** Differences with feedparser we keep, by file and field (entry index '*' = every entry). */
const KEPT_FEED_DIFFERENCES: Record<string, { fields: string[]; reason: string }> = {
  'unrecognized.rss': { fields: ['file'], reason: 'not a feed (feedparser finds no format and no entries); we refuse it with "not an RSS, Atom or RDF feed"' },
  'uolNoticias.rss': { fields: ['published'], reason: 'Portuguese day and month names ("Seg, 24 Set 2018 19:42:40 -0300"): feedparser reads no date, we read the instant' },
  'missing-fields.atom': { fields: ['link'], reason: 'feedparser turns the entry id "tag:github.com,2008:..." into the link; we keep only http(s) links' },
  'reddit-home.rss': { fields: ['id'], reason: 'feedparser resolves the plain id "t3_42tizy" as a relative URI against the feed id "/.rss"; we keep the id as written' },
  'itunes-missing-image.rss': { fields: ['categories'], reason: 'in this not-well-formed feed feedparser leaves itunes:category text="Society &amp; Culture" encoded; we decode the attribute once' },
};

/** Differences with python-recurring-ical-events we keep, by file. */
const KEPT_CALENDAR_DIFFERENCES: Record<string, string> = {
  'icaljs__rdate_exdate.ics': 'EXDATE;VALUE=DATE on a timed daily series: ical.js excludes that day\'s occurrence, the reference keeps it (RFC 5545 leaves mixed value types undefined)',
  'nodeical__test14.ics': 'a series with a UTC DTSTART in a calendar with X-WR-TIMEZONE: the reference expands it in that zone\'s local time (shifting an hour at DST); we expand UTC in UTC as RFC 5545 says',
  'pyical__issue_165_missing_event.ics': 'Exchange writes RRULE ...BYDAY=MO, TU, WE, TH, FR: the reference ignores the rule (1 occurrence), we read it (14)',
  'pyical__issue_313_globally_unique_tzid.ics': 'globally unique TZIDs ("/mozilla.org/20050126_1/America/New_York"): the reference leaves the times floating, we read the IANA zone inside the path',
  'pyical__issue_178_component_with_invalid_name_represented.ics': 'the file is a BEGIN:MYCOMP, not a VCALENDAR: the reference reads nothing from it, we refuse it with "not a VCALENDAR"',
  'pyical__issue_178_custom_component_contains_other.ics': 'a VEVENT inside a custom top-level component instead of a VCALENDAR: the reference reads it, we refuse the file ("not a VCALENDAR")',
};

const collapse = (text: string | null | undefined) => (text ?? '').replace(/\s+/g, ' ').trim();

/** feedparser returns titles it takes for HTML as sanitised HTML; we store text. Read theirs as text. */
function theirText(value: string | null): string {
  const text = value ?? '';
  return collapse(looksLikeHtml(text) ? htmlToText(text) : text);
}

/** URLs compared as URLs: theirs resolved against the feed's URL like ours, normalised by WHATWG URL. */
function sameUrl(value: string | null, base: string): string | null {
  if (!value) return null;
  try {
    return new URL(value, base).toString();
  } catch {
    return value;
  }
}

function readFeeds() {
  const out: Record<string, unknown> = {};
  for (const name of readdirSync(path.join(CORPORA, 'feeds')).sort()) {
    try {
      const parsed = parseFeedBytes(readFileSync(path.join(CORPORA, 'feeds', name)), null, { maxEntries: 100_000, url: `https://feeds.example/corpus/${name}` });
      out[name] = parsed;
    } catch (error) {
      out[name] = { error: (error as Error).message };
    }
  }
  return out;
}

function startString(start: OccurrenceStart): string {
  if (start.kind === 'date') return start.date;
  if (start.kind === 'floating') return `${start.local}F`;
  return start.instant.replace(/\.000Z$/, 'Z');
}

function occurrenceKey(o: { uid: string | null; start: string; recurrenceId: string | null; status: string | null; summary: string }): string {
  return JSON.stringify([o.uid, o.start, o.recurrenceId, o.status, o.summary]);
}

function readCalendars(window: { from: string; to: string }) {
  const out: Record<string, { occurrences: string[]; warnings: string[] } | { error: string }> = {};
  for (const name of readdirSync(path.join(CORPORA, 'calendars')).sort()) {
    try {
      const read = readCalendar(decodeText(readFileSync(path.join(CORPORA, 'calendars', name)), null, { legacyFallback: true }).text, {
        calendarUrl: `https://calendars.example/corpus/${name}`,
        from: new Date(`${window.from}T00:00:00Z`),
        to: new Date(`${window.to}T00:00:00Z`),
        maxOccurrencesPerEvent: 100_000,
      });
      const mine = (o: CalendarOccurrence) => occurrenceKey({ uid: o.hasUid ? o.uid : null, start: startString(o.start), recurrenceId: o.recurrenceStart ? startString(o.recurrenceStart) : null, status: o.status, summary: o.summary });
      out[name] = { occurrences: read.occurrences.map(mine).sort(), warnings: read.warnings };
    } catch (error) {
      // Failing a file is allowed only as a clear CalendarParseError, never as a crash.
      out[name] = { error: error instanceof CalendarParseError ? error.message : `CRASH ${(error as Error).stack}` };
    }
  }
  return out;
}

/** Runs the whole reading with the process in each time zone; the first result is UTC's. */
function inEveryZone<T>(read: () => T): T[] {
  const saved = process.env.TZ;
  try {
    return ZONES.map((zone) => {
      process.env.TZ = zone;
      return read();
    });
  } finally {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  }
}

describe.skipIf(!HAS_CORPORA)('real corpora', () => {
  it('has the corpus next to the project', () => {
    expect(existsSync(path.join(CORPORA, 'feeds.expected.json')), `${CORPORA} is missing`).toBe(true);
  });

  it('reads every feed the reference reads, field by field, the same in every time zone', () => {
    const expected = JSON.parse(readFileSync(path.join(CORPORA, 'feeds.expected.json'), 'utf8')) as Record<string, ExpectedFeed>;
    const [utc, ...others] = inEveryZone(readFeeds);
    for (const other of others) expect(JSON.stringify(other)).toBe(JSON.stringify(utc));

    const differences: string[] = [];
    let fieldsCompared = 0;
    for (const [name, reference] of Object.entries(expected)) {
      const kept = KEPT_FEED_DIFFERENCES[name]?.fields ?? [];
      const ours = utc![name] as { error?: string; encoding: string; title: string; link: string | null; entries: { title: string; link: string | null; guid: string | null; publishedAt: string | null; categories: string[] }[] };
      if (ours.error) {
        if (!kept.includes('file')) differences.push(`${name}: we fail (${ours.error}); feedparser reads ${reference.entries.length} entries`);
        continue;
      }
      const base = `https://feeds.example/corpus/${name}`;
      const compare = (field: string, where: string, theirs: unknown, mine: unknown) => {
        fieldsCompared += 1;
        if (JSON.stringify(theirs) !== JSON.stringify(mine) && !kept.includes(field)) differences.push(`${name} ${where} ${field}: feedparser ${JSON.stringify(theirs)}, ours ${JSON.stringify(mine)}`);
      };
      // feedparser says ISO-8859-1 for what WHATWG (and we) read as its superset windows-1252.
      compare('encoding', 'feed', reference.encoding === 'iso-8859-1' ? 'windows-1252' : reference.encoding, ours.encoding);
      compare('title', 'feed', theirText(reference.title), ours.title);
      compare('link', 'feed', sameUrl(reference.link, base), ours.link);
      compare('entries', 'feed', reference.entries.length, ours.entries.length);
      reference.entries.forEach((entry, i) => {
        const mine = ours.entries[i];
        if (!mine) return;
        compare('title', `#${i}`, theirText(entry.title), mine.title);
        compare('link', `#${i}`, sameUrl(entry.link, base), mine.link);
        compare('id', `#${i}`, entry.id ?? null, mine.guid);
        // feedparser keeps whole seconds.
        compare('published', `#${i}`, entry.published, mine.publishedAt ? mine.publishedAt.replace(/\.\d{3}Z$/, 'Z') : null);
        // We keep each tag once, whitespace collapsed.
        compare('categories', `#${i}`, [...new Set(entry.categories.map(collapse))], mine.categories);
      });
    }
    expect(differences).toEqual([]);
    expect(fieldsCompared).toBeGreaterThan(5000);
  });

  it('reads every calendar the reference reads, occurrence by occurrence, the same in every time zone', () => {
    const expected = JSON.parse(readFileSync(path.join(CORPORA, 'calendars.expected.json'), 'utf8')) as { window: { from: string; to: string }; calendars: Record<string, { occurrences?: ExpectedOccurrence[]; error?: string }> };
    const [utc, ...others] = inEveryZone(() => readCalendars(expected.window));
    for (const other of others) expect(JSON.stringify(other)).toBe(JSON.stringify(utc));

    const differences: string[] = [];
    let occurrencesCompared = 0;
    for (const [name, reference] of Object.entries(expected.calendars)) {
      const ours = utc![name]!;
      expect('error' in ours && ours.error.startsWith('CRASH'), `${name} crashed the reader`).toBe(false);
      // The reference fails this file: ours only has to fail it cleanly or read it.
      if (reference.error) continue;
      if (KEPT_CALENDAR_DIFFERENCES[name]) continue;
      if ('error' in ours) {
        differences.push(`${name}: we fail (${ours.error}); the reference reads ${reference.occurrences!.length} occurrences`);
        continue;
      }
      const theirs = reference.occurrences!.map(occurrenceKey).sort();
      occurrencesCompared += theirs.length;
      const mine = new Set(ours.occurrences);
      const missing = theirs.filter((o) => !mine.has(o));
      const theirSet = new Set(theirs);
      const extra = ours.occurrences.filter((o) => !theirSet.has(o));
      if (missing.length > 0 || extra.length > 0 || theirs.length !== ours.occurrences.length) {
        differences.push(`${name}: ${theirs.length} in the reference, ${ours.occurrences.length} ours; missing ${missing.slice(0, 3).join(' ')}; extra ${extra.slice(0, 3).join(' ')}`);
      }
    }
    expect(differences).toEqual([]);
    expect(occurrencesCompared).toBeGreaterThan(1000);
  });

  it('keeps only explained differences that still occur', () => {
    const expected = JSON.parse(readFileSync(path.join(CORPORA, 'calendars.expected.json'), 'utf8')) as { window: { from: string; to: string }; calendars: Record<string, { occurrences?: ExpectedOccurrence[] }> };
    const ours = readCalendars(expected.window);
    for (const name of Object.keys(KEPT_CALENDAR_DIFFERENCES)) {
      const mine = ours[name]!;
      const theirs = (expected.calendars[name]!.occurrences ?? []).map(occurrenceKey).sort();
      // A listed difference that disappeared must be taken off the list.
      expect('error' in mine ? 'error' : JSON.stringify(mine.occurrences), name).not.toBe(JSON.stringify(theirs));
    }
  });
});
