// The iCalendar source: calendars (.ics URLs) linked by an organiser, fetched through the SSRF
// guard. Every event that has already started by `now` becomes an 'eventOrganized'
// contribution; recurring events are expanded by calendar-reader.ts (within the lookback
// window whatever the series' age, bounded in what is kept), with overrides (RECURRENCE-ID, at
// their moved start) and cancellations honoured, in the event's own zone, never the server's.
// ExternalId: the UID (or a stable id for events without one), plus the occurrence's original
// start for recurring events, so each occurrence is counted once.

import { z } from 'zod';
import type { LinkedIdentity, NormalizedContribution, SourceBatch, SourceCursor } from './contract.js';
import { CalendarParseError, readCalendar } from './calendar-reader.js';
import { identitiesOn, type SourceContext } from './context.js';
import { isHttpStatus } from './http-errors.js';
import { plainText, safeUrl } from './plain-text.js';
import { decodeText } from './text-decoding.js';

export const icalSettingsSchema = z.object({
  maxBytes: z.number().int().positive().default(5 * 1024 * 1024),
  /** Occurrences older than this are not reported (the rules only look at recent activity). */
  lookbackDays: z.number().int().positive().default(730),
  maxOccurrencesPerEvent: z.number().int().positive().default(200),
  maxEventsPerCalendar: z.number().int().positive().default(2000),
});
export type IcalSettings = z.infer<typeof icalSettingsSchema>;

const SOURCE = 'ical';

export function parseCalendar(text: string, calendarUrl: string, identityId: number, now: Date, settings: IcalSettings): NormalizedContribution[] {
  return readCalendarContributions(text, calendarUrl, identityId, now, settings).contributions;
}

/** The occurrences that started within the lookback window and by `now`, as contributions. */
export function readCalendarContributions(text: string, calendarUrl: string, identityId: number, now: Date, settings: IcalSettings): { contributions: NormalizedContribution[]; warnings: string[] } {
  let read;
  try {
    read = readCalendar(text, {
      calendarUrl,
      from: new Date(now.getTime() - settings.lookbackDays * 86_400_000),
      // Started by now: the occurrence starting this very millisecond counts.
      to: new Date(now.getTime() + 1),
      maxOccurrencesPerEvent: settings.maxOccurrencesPerEvent,
      maxEvents: settings.maxEventsPerCalendar,
    });
  } catch (error) {
    throw new Error(error instanceof CalendarParseError ? error.message : `not a valid iCalendar file: ${plainText((error as Error).message, 200)}`);
  }
  const out = new Map<string, NormalizedContribution>();
  for (const occurrence of read.occurrences) {
    if (occurrence.status === 'CANCELLED') continue;
    const uid = plainText(occurrence.uid, 400);
    if (!uid) continue;
    const externalId = occurrence.recurring ? `${uid}@${occurrence.occurrenceKey}` : uid;
    out.set(externalId, {
      source: SOURCE,
      externalId: externalId.slice(0, 500),
      kind: 'eventOrganized',
      title: plainText(occurrence.summary) || 'Event',
      url: safeUrl(occurrence.url),
      occurredAt: occurrence.instant,
      identityId,
      metadata: { calendar: calendarUrl, location: plainText(occurrence.location, 200), allDay: occurrence.start.kind === 'date' },
    });
  }
  return { contributions: [...out.values()], warnings: read.warnings };
}

export async function* icalSource(
  rawSettings: z.input<typeof icalSettingsSchema>,
  identities: LinkedIdentity[],
  _cursor: SourceCursor,
  context: SourceContext,
): AsyncGenerator<SourceBatch> {
  const settings = icalSettingsSchema.parse(rawSettings);
  for (const identity of identitiesOn('ical', identities)) {
    // Each calendar is one identity's check: it fails (and backs off) alone.
    if (identity.due === false) continue;
    const checked = { identityId: identity.identityId };
    try {
      const response = await context.http.get(identity.externalId, { untrusted: true, maxBytes: settings.maxBytes, headers: { accept: 'text/calendar, */*;q=0.5' } });
      const read = readCalendarContributions(decodeText(response.body, response.charset, { legacyFallback: true }).text, identity.externalId, identity.identityId, context.now, settings);
      for (const warning of read.warnings.slice(0, 5)) context.warn?.(`ical: ${identity.externalId}: ${warning}`);
      yield { contributions: read.contributions, cursor: null, identity: checked };
    } catch (error) {
      if (isHttpStatus(error, 404, 410)) {
        const reason = `calendar ${identity.externalId} answered HTTP ${error.status}`;
        yield { contributions: [], cursor: null, identity: { ...checked, error: reason }, goneIdentities: [{ identityId: identity.identityId, reason }] };
        continue;
      }
      yield { contributions: [], identity: { ...checked, error: `${SOURCE}: ${identity.externalId}: ${(error as Error).message}` } };
    }
  }
}
