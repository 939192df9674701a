// Reads the occurrences of an iCalendar file within a window, as python-recurring-ical-events
// does, and independently of the server's time zone:
// - instants come from the event's own zone (calendar-zones.ts): TZID as an IANA or Windows
//   name, else the calendar's VTIMEZONE (registered nowhere but here), floating times in the
//   calendar's X-WR-TIMEZONE, else UTC; all-day dates stay dates;
// - recurrences are expanded by ical.js from DTSTART, or from a later anchor whole periods on
//   for rules where that yields the same occurrences (fastForwardStart), skipping what lies
//   before the window and keeping the latest occurrences up to a cap, within iteration budgets
//   per event and per calendar: a weekly series that started years ago still yields its recent
//   occurrences, and a hostile rule costs a bounded time;
// - a moved occurrence (RECURRENCE-ID) is reported at its new start; an orphan instance (no
//   master) as a single event; an event without UID gets a stable id from its content;
// - known real-world deviations are repaired before parsing (calendar-text.ts: UTF-8 BOM,
//   `BYDAY=MO, TU`, dates without VALUE=DATE, RDATE;VALUE=PERIOD, empty VTIMEZONEs), and one
//   broken event costs that event: its error is returned as a warning, the others are read.

import { createHash } from 'node:crypto';
import ICAL from 'ical.js';
import { repairCalendarText, splitComponents } from './calendar-text.js';
import { instantOf, resolveZone, type WallTime, type Zone } from './calendar-zones.js';

export type OccurrenceStart =
  | { kind: 'date'; date: string }
  | { kind: 'floating'; local: string; instant: string }
  | { kind: 'zoned'; instant: string };

export interface CalendarOccurrence {
  /** The event's UID, or a stable id made from DTSTART, SUMMARY and the calendar URL. */
  uid: string;
  hasUid: boolean;
  start: OccurrenceStart;
  /** The UTC instant the occurrence starts (midnight UTC of an all-day date). */
  instant: string;
  /** True when the event recurs (RRULE/RDATE) or is an instance of one (RECURRENCE-ID). */
  recurring: boolean;
  /** The occurrence's identity within its series: the instant of its RECURRENCE-ID (original start). */
  occurrenceKey: string;
  /** The RECURRENCE-ID of a moved or modified instance, as an instant, else null. */
  recurrenceId: string | null;
  /** That RECURRENCE-ID as read (date, floating or zoned), else null. */
  recurrenceStart: OccurrenceStart | null;
  status: string | null;
  summary: string;
  location: string;
  url: string | null;
}

export interface CalendarReadOptions {
  /** The calendar's URL, for stable ids of events without UID. */
  calendarUrl: string;
  /** Occurrences starting at or after this instant... */
  from: Date;
  /** ...and before this one are returned. */
  to: Date;
  /** Occurrences kept per event (the latest ones in the window). */
  maxOccurrencesPerEvent?: number;
  maxEvents?: number;
  /** Rule iterations allowed per event (a minutely rule from 1970 is cut here, with a warning). */
  maxIterationsPerEvent?: number;
  /** Rule iterations allowed for the whole calendar (thousands of hostile rules cost no more). */
  maxIterationsPerCalendar?: number;
}

export interface CalendarReadResult {
  occurrences: CalendarOccurrence[];
  warnings: string[];
}

export class CalendarParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CalendarParseError';
  }
}

function wallOf(time: ICAL.Time): WallTime {
  return { year: time.year, month: time.month, day: time.day, hour: time.hour, minute: time.minute, second: time.second };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function dateString(time: ICAL.Time): string {
  return `${pad(time.year, 4)}-${pad(time.month)}-${pad(time.day)}`;
}

function localString(time: ICAL.Time): string {
  return `${dateString(time)}T${pad(time.hour)}:${pad(time.minute)}:${pad(time.second)}`;
}

interface ZoneContext {
  vtimezones: Map<string, ICAL.Timezone>;
  /** X-WR-TIMEZONE, for floating times. */
  calendarZone: Zone | null;
}

function isUtc(time: ICAL.Time): boolean {
  return time.zone === ICAL.Timezone.utcTimezone || time.zone?.tzid === 'UTC' || time.zone?.tzid === 'Z';
}

/** The start of a time as read in its own zone. */
function startOf(time: ICAL.Time, tzid: string | null, zones: ZoneContext): OccurrenceStart {
  if (time.isDate) return { kind: 'date', date: dateString(time) };
  if (isUtc(time)) return { kind: 'zoned', instant: new Date(instantOf(wallOf(time), { kind: 'utc' })).toISOString() };
  // The event's own zone, else (a floating time) the calendar's X-WR-TIMEZONE, else UTC.
  const zone = resolveZone(tzid, zones.vtimezones) ?? zones.calendarZone;
  if (zone) return { kind: 'zoned', instant: new Date(instantOf(wallOf(time), zone)).toISOString() };
  return { kind: 'floating', local: localString(time), instant: new Date(instantOf(wallOf(time), { kind: 'utc' })).toISOString() };
}

function instantOfStart(start: OccurrenceStart): string {
  return start.kind === 'date' ? `${start.date}T00:00:00.000Z` : start.instant;
}

function textValue(component: ICAL.Component, name: string): string {
  const value = component.getFirstPropertyValue(name);
  return typeof value === 'string' ? value : value === null || value === undefined ? '' : String(value);
}

function tzidOf(component: ICAL.Component, name: string): string | null {
  const tzid = component.getFirstProperty(name)?.getParameter('tzid');
  return typeof tzid === 'string' ? tzid : Array.isArray(tzid) ? (tzid[0] ?? null) : null;
}

/** Reads the calendar's components; when the whole file does not parse, each component alone. */
function readComponents(text: string, warnings: string[]): ICAL.Component[] {
  try {
    const root = new ICAL.Component(ICAL.parse(text));
    if (root.name !== 'vcalendar') throw new CalendarParseError('not a VCALENDAR');
    return [root];
  } catch (error) {
    if (error instanceof CalendarParseError) throw error;
    if (!/^\s*BEGIN:VCALENDAR/i.test(text)) throw new CalendarParseError(`not a valid iCalendar file: ${(error as Error).message.slice(0, 200)}`);
    const { header, blocks } = splitComponents(text);
    const timezones = blocks.filter((b) => /^BEGIN:VTIMEZONE/i.test(b));
    const roots: ICAL.Component[] = [];
    let failed = 0;
    let firstError = '';
    for (const block of blocks) {
      if (/^BEGIN:VTIMEZONE/i.test(block)) continue;
      try {
        const wrapped = ['BEGIN:VCALENDAR', ...header, ...timezones, block, 'END:VCALENDAR'].join('\r\n');
        roots.push(new ICAL.Component(ICAL.parse(wrapped)));
      } catch (blockError) {
        failed += 1;
        firstError ||= (blockError as Error).message.slice(0, 200);
      }
    }
    if (failed > 0) warnings.push(`${failed} component(s) could not be read (${firstError})`);
    if (roots.length === 0) throw new CalendarParseError(`not a valid iCalendar file: ${firstError || (error as Error).message.slice(0, 200)}`);
    return roots;
  }
}

function wallMsOf(time: ICAL.Time): number {
  return Date.UTC(time.year, time.month - 1, time.day, time.hour, time.minute, time.second);
}

const PERIOD_SECONDS: Record<string, number> = { SECONDLY: 1, MINUTELY: 60, HOURLY: 3600, DAILY: 86_400, WEEKLY: 7 * 86_400 };

/**
 * A later anchor for a series that started long before the window, so iterating costs what the
 * window holds, not the series' age: for a single RRULE of fixed-length periods (SECONDLY to
 * WEEKLY) without COUNT, moving DTSTART by whole multiples of INTERVAL periods in wall-clock time
 * yields the same occurrences from there on. A rule that skips whole periods (WEEKLY;BYMONTH=1)
 * may then keep fewer than `maxKept` of a crowded window. Null when that does not hold (COUNT, MONTHLY, YEARLY,
 * several rules) or the series is recent: then the rule is iterated from DTSTART.
 */
function fastForwardStart(event: ICAL.Event, dtstart: ICAL.Time, windowFrom: number, windowTo: number, maxKept: number): ICAL.Time | null {
  const rules = event.component.getAllProperties('rrule');
  if (rules.length !== 1 || event.component.hasProperty('exrule')) return null;
  const rule = rules[0]!.getFirstValue() as ICAL.Recur;
  const period = PERIOD_SECONDS[rule.freq];
  if (!period || rule.count) return null;
  const step = period * Math.max(1, rule.interval || 1);
  // Only the latest `maxKept` occurrences are kept: a window holding more periods than that is
  // entered where the kept ones begin (each period holds at least one occurrence in the common case).
  const from = Math.max(windowFrom, windowTo - (maxKept + 2) * step * 1000);
  // Keep two steps and two days of margin before the window (zone offsets, moved occurrences).
  const gap = (from - 2 * 86_400_000 - wallMsOf(dtstart)) / 1000;
  const steps = Math.floor(gap / step) - 2;
  if (steps <= 0) return null;
  const start = dtstart.clone();
  start.adjust(0, 0, 0, steps * step);
  return start;
}

function isExcluded(event: ICAL.Event, time: ICAL.Time): boolean {
  for (const property of event.component.getAllProperties('exdate')) {
    for (const value of property.getValues()) if (value instanceof ICAL.Time && (value.isDate ? value.year === time.year && value.month === time.month && value.day === time.day : value.compare(time) === 0)) return true;
  }
  return false;
}

/** Reads every occurrence of every VEVENT that starts within [from, to). */
export function readCalendar(input: string, options: CalendarReadOptions): CalendarReadResult {
  const warnings: string[] = [];
  const maxKept = options.maxOccurrencesPerEvent ?? 500;
  const maxEvents = options.maxEvents ?? 5000;
  const maxIterations = options.maxIterationsPerEvent ?? 20_000;
  let calendarBudget = options.maxIterationsPerCalendar ?? 100_000;
  const from = options.from.getTime();
  const to = options.to.getTime();
  const roots = readComponents(repairCalendarText(input), warnings);

  const vtimezones = new Map<string, ICAL.Timezone>();
  for (const root of roots) {
    for (const component of root.getAllSubcomponents('vtimezone')) {
      const tzid = textValue(component, 'tzid');
      if (!tzid || vtimezones.has(tzid)) continue;
      try {
        vtimezones.set(tzid, new ICAL.Timezone({ component, tzid }));
      } catch {
        warnings.push(`VTIMEZONE ${tzid.slice(0, 60)} could not be read`);
      }
    }
  }
  const calendarZoneName = textValue(roots[0]!, 'x-wr-timezone');
  const zones: ZoneContext = { vtimezones, calendarZone: resolveZone(calendarZoneName || null, vtimezones) };

  const events: ICAL.Event[] = [];
  for (const root of roots) {
    for (const component of root.getAllSubcomponents('vevent')) {
      if (events.length >= maxEvents) break;
      try {
        events.push(new ICAL.Event(component));
      } catch (error) {
        warnings.push(`an event could not be read: ${(error as Error).message.slice(0, 200)}`);
      }
    }
  }
  if (events.length >= maxEvents) warnings.push(`only the first ${maxEvents} events were read`);

  const masters = events.filter((e) => !e.isRecurrenceException());
  const byUid = new Map<string, ICAL.Event>();
  for (const master of masters) if (master.uid && master.isRecurring() && !byUid.has(master.uid)) byUid.set(master.uid, master);
  const orphans: ICAL.Event[] = [];
  for (const exception of events.filter((e) => e.isRecurrenceException())) {
    const master = exception.uid ? byUid.get(exception.uid) : undefined;
    if (!master) {
      orphans.push(exception);
      continue;
    }
    try {
      master.relateException(exception);
    } catch (error) {
      warnings.push(`a moved occurrence of ${exception.uid.slice(0, 80)} could not be related: ${(error as Error).message.slice(0, 120)}`);
    }
  }

  const occurrences: CalendarOccurrence[] = [];
  const describe = (event: ICAL.Event, item: ICAL.Event, time: ICAL.Time, startTzid: string | null, recurring: boolean, recurrenceId: ICAL.Time | null): CalendarOccurrence => {
    const start = startOf(time, startTzid, zones);
    const rid = recurrenceId ? startOf(recurrenceId, tzidOf(item.component, 'recurrence-id') ?? tzidOf(event.component, 'dtstart'), zones) : null;
    const ownUid = textValue(event.component, 'uid').trim();
    const uid = ownUid || `nouid:${createHash('sha256').update(`${textValue(event.component, 'dtstart')}\n${textValue(event.component, 'summary')}\n${options.calendarUrl}`).digest('hex').slice(0, 32)}`;
    const status = textValue(item.component, 'status') || textValue(event.component, 'status');
    const url = textValue(item.component, 'url') || textValue(event.component, 'url');
    return {
      uid,
      hasUid: Boolean(ownUid),
      start,
      instant: instantOfStart(start),
      recurring,
      occurrenceKey: rid ? instantOfStart(rid) : instantOfStart(start),
      recurrenceId: rid && item.isRecurrenceException() ? instantOfStart(rid) : null,
      recurrenceStart: rid && item.isRecurrenceException() ? rid : null,
      status: status ? status.toUpperCase() : null,
      summary: textValue(item.component, 'summary'),
      location: textValue(item.component, 'location'),
      url: url || null,
    };
  };
  const inWindow = (o: CalendarOccurrence) => {
    const t = Date.parse(o.instant);
    return t >= from && t < to;
  };

  let budgetWarned = false;
  for (const event of [...masters, ...orphans]) {
    try {
      if (!event.component.hasProperty('dtstart')) continue;
      const dtstartTzid = tzidOf(event.component, 'dtstart');
      if (!event.isRecurring()) {
        const occurrence = describe(event, event, event.startDate, dtstartTzid, event.isRecurrenceException(), event.isRecurrenceException() ? event.recurrenceId : null);
        if (inWindow(occurrence)) occurrences.push(occurrence);
        continue;
      }
      if (calendarBudget <= 0) {
        // Single events are still read; further series are not expanded.
        if (!budgetWarned) warnings.push(`stopped expanding recurrences after ${options.maxIterationsPerCalendar ?? 100_000} occurrences in this calendar`);
        budgetWarned = true;
        continue;
      }
      const kept: CalendarOccurrence[] = [];
      const dtstart = event.startDate;
      const fastForward = fastForwardStart(event, dtstart, from, to, maxKept);
      const iterator = event.iterator(fastForward ?? undefined);
      let iterations = 0;
      for (let next = iterator.next(); next; next = iterator.next()) {
        iterations += 1;
        calendarBudget -= 1;
        if (iterations === 1 && !fastForward && next.compare(dtstart) > 0 && !isExcluded(event, dtstart)) {
          // DTSTART always counts as the first occurrence (RFC 5545), even off the rule's pattern.
          const first = describe(event, event, dtstart, dtstartTzid, true, null);
          if (inWindow(first)) kept.push(first);
        }
        if (iterations > maxIterations || calendarBudget < 0) {
          warnings.push(`${event.uid.slice(0, 80)}: stopped expanding after ${iterations - 1} occurrences`);
          break;
        }
        // Wall-clock time is within a day of the instant: skip and stop without zone arithmetic.
        // The rule's own time decides when to stop: a moved occurrence may start later than its slot.
        const wall = wallMsOf(next);
        if (wall >= to + 2 * 86_400_000) break;
        if (wall < from - 31 * 86_400_000 && !(event.exceptions as unknown as Record<string, unknown>)[next.toString()]) continue;
        const details = event.getOccurrenceDetails(next);
        const item = details.item;
        const startTzid = item === event ? dtstartTzid : tzidOf(item.component, 'dtstart');
        const occurrence = describe(event, item, details.startDate, startTzid, true, details.recurrenceId);
        if (!inWindow(occurrence)) continue;
        kept.push(occurrence);
        if (kept.length > maxKept) kept.shift();
      }
      occurrences.push(...kept);
    } catch (error) {
      warnings.push(`${event.uid ? event.uid.slice(0, 80) : 'an event without UID'}: ${(error as Error).message.slice(0, 200)}`);
    }
  }
  return { occurrences, warnings };
}
