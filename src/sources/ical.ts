// The iCalendar source: calendars (.ics URLs) linked by an organiser, fetched through the SSRF
// guard. Every event that has already started by `now` becomes an 'eventOrganized'
// contribution; recurring events are expanded (bounded in count and in how far back), with
// overrides (RECURRENCE-ID) and cancellations honoured. ExternalId: the UID, plus the
// occurrence start for recurring events, so each occurrence is counted once.

import ICAL from 'ical.js';
import { z } from 'zod';
import type { LinkedIdentity, NormalizedContribution, SourceBatch, SourceCursor } from './contract.js';
import { identitiesOn, type SourceContext } from './context.js';
import { isHttpStatus } from './http-errors.js';
import { plainText, safeUrl } from './plain-text.js';

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
  let root: ICAL.Component;
  try {
    root = new ICAL.Component(ICAL.parse(text));
  } catch (error) {
    throw new Error(`not a valid iCalendar file: ${plainText((error as Error).message, 200)}`);
  }
  if (root.name !== 'vcalendar') throw new Error('not a VCALENDAR');
  for (const zone of root.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(zone);
  const lookback = now.getTime() - settings.lookbackDays * 86_400_000;
  const all = root.getAllSubcomponents('vevent').slice(0, settings.maxEventsPerCalendar).map((c) => new ICAL.Event(c));
  const masters = all.filter((e) => !e.isRecurrenceException());
  for (const exception of all.filter((e) => e.isRecurrenceException())) {
    masters.find((m) => m.uid === exception.uid && m.isRecurring())?.relateException(exception);
  }
  const out = new Map<string, NormalizedContribution>();
  const emit = (uid: string, start: ICAL.Time, summary: string, location: string, url: string | null, recurring: boolean, status: string) => {
    const startDate = start.toJSDate();
    if (status === 'CANCELLED' || startDate.getTime() > now.getTime() || startDate.getTime() < lookback) return;
    const occurredAt = startDate.toISOString();
    const externalId = recurring ? `${uid}@${occurredAt}` : uid;
    out.set(externalId, {
      source: SOURCE,
      externalId: externalId.slice(0, 500),
      kind: 'eventOrganized',
      title: plainText(summary) || 'Event',
      url,
      occurredAt,
      identityId,
      metadata: { calendar: calendarUrl, location: plainText(location, 200), allDay: start.isDate },
    });
  };
  for (const event of masters) {
    const uid = plainText(event.uid, 400);
    if (!uid || !event.startDate) continue;
    const status = String(event.component.getFirstPropertyValue('status') ?? '').toUpperCase();
    const url = safeUrl(event.component.getFirstPropertyValue('url'));
    if (!event.isRecurring()) {
      emit(uid, event.startDate, event.summary, event.location, url, false, status);
      continue;
    }
    const iterator = event.iterator();
    for (let count = 0, next = iterator.next(); next && count < settings.maxOccurrencesPerEvent; next = iterator.next(), count += 1) {
      if (next.toJSDate().getTime() > now.getTime()) break;
      const details = event.getOccurrenceDetails(next);
      const itemStatus = String(details.item.component.getFirstPropertyValue('status') ?? status).toUpperCase();
      emit(uid, details.recurrenceId, details.item.summary, details.item.location, url, true, itemStatus);
    }
  }
  return [...out.values()];
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
      yield { contributions: parseCalendar(response.text(), identity.externalId, identity.identityId, context.now, settings), cursor: null, identity: checked };
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
