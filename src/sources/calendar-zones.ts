// Time zones of calendar times, independent of the server's zone. A TZID is read as an IANA name
// (also inside the paths some producers write, "/mozilla.org/20050126_1/America/New_York"), then
// as a Windows zone name (Outlook, Exchange), then by the calendar's own VTIMEZONE, the order
// python-icalendar uses; offsets of IANA zones come from the platform's Intl data. Nothing is
// registered globally: each calendar passes its own VTIMEZONE definitions.

import ICAL from 'ical.js';

export type Zone = { kind: 'utc' } | { kind: 'iana'; name: string } | { kind: 'fixed'; minutes: number } | { kind: 'vtimezone'; tzid: string; timezone: ICAL.Timezone };

/** Wall-clock fields of a local date-time. */
export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** Windows time zone names (CLDR windowsZones, territory 001) of the zones calendars use most. */
const WINDOWS_ZONES: Record<string, string> = {
  'utc': 'UTC', 'coordinated universal time': 'UTC', 'gmt standard time': 'Europe/London', 'greenwich standard time': 'Atlantic/Reykjavik',
  'w. europe standard time': 'Europe/Berlin', 'central europe standard time': 'Europe/Budapest', 'romance standard time': 'Europe/Paris',
  'central european standard time': 'Europe/Warsaw', 'w. central africa standard time': 'Africa/Lagos', 'e. europe standard time': 'Europe/Chisinau',
  'gtb standard time': 'Europe/Bucharest', 'fle standard time': 'Europe/Kiev', 'turkey standard time': 'Europe/Istanbul', 'israel standard time': 'Asia/Jerusalem',
  'south africa standard time': 'Africa/Johannesburg', 'russian standard time': 'Europe/Moscow', 'arab standard time': 'Asia/Riyadh',
  'arabian standard time': 'Asia/Dubai', 'iran standard time': 'Asia/Tehran', 'pakistan standard time': 'Asia/Karachi', 'india standard time': 'Asia/Calcutta',
  'sri lanka standard time': 'Asia/Colombo', 'nepal standard time': 'Asia/Katmandu', 'bangladesh standard time': 'Asia/Dhaka', 'se asia standard time': 'Asia/Bangkok',
  'china standard time': 'Asia/Shanghai', 'singapore standard time': 'Asia/Singapore', 'taipei standard time': 'Asia/Taipei', 'w. australia standard time': 'Australia/Perth',
  'tokyo standard time': 'Asia/Tokyo', 'korea standard time': 'Asia/Seoul', 'cen. australia standard time': 'Australia/Adelaide', 'aus central standard time': 'Australia/Darwin',
  'e. australia standard time': 'Australia/Brisbane', 'aus eastern standard time': 'Australia/Sydney', 'tasmania standard time': 'Australia/Hobart',
  'new zealand standard time': 'Pacific/Auckland', 'hawaiian standard time': 'Pacific/Honolulu', 'alaskan standard time': 'America/Anchorage',
  'pacific standard time': 'America/Los_Angeles', 'us mountain standard time': 'America/Phoenix', 'mountain standard time': 'America/Denver',
  'central standard time': 'America/Chicago', 'canada central standard time': 'America/Regina', 'central america standard time': 'America/Guatemala',
  'central standard time (mexico)': 'America/Mexico_City', 'eastern standard time': 'America/New_York', 'us eastern standard time': 'America/Indianapolis',
  'sa pacific standard time': 'America/Bogota', 'atlantic standard time': 'America/Halifax', 'newfoundland standard time': 'America/St_Johns',
  'e. south america standard time': 'America/Sao_Paulo', 'argentina standard time': 'America/Buenos_Aires', 'sa western standard time': 'America/La_Paz',
  'pacific sa standard time': 'America/Santiago', 'venezuela standard time': 'America/Caracas', 'morocco standard time': 'Africa/Casablanca',
  // Outlook display names seen in real exports.
  'western/central europe': 'Europe/Berlin', 'central european time': 'Europe/Berlin', 'eastern time': 'America/New_York', 'pacific time': 'America/Los_Angeles',
  'egypt standard time': 'Africa/Cairo', 'e. africa standard time': 'Africa/Nairobi', 'jordan standard time': 'Asia/Amman', 'north asia standard time': 'Asia/Krasnoyarsk',
};

const formatters = new Map<string, Intl.DateTimeFormat | null>();

function formatter(name: string): Intl.DateTimeFormat | null {
  if (formatters.has(name)) return formatters.get(name)!;
  let format: Intl.DateTimeFormat | null = null;
  try {
    format = new Intl.DateTimeFormat('en-US', { timeZone: name, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  } catch {
    format = null;
  }
  if (formatters.size > 1000) formatters.clear();
  formatters.set(name, format);
  return format;
}

/** The canonical IANA name for a TZID, or null. */
export function ianaName(tzid: string): string | null {
  const name = tzid.trim().replace(/^"|"$/g, '').slice(0, 120);
  if (!name) return null;
  if (/^(z|utc|gmt|etc\/utc|etc\/gmt|universal|zulu)$/i.test(name)) return 'UTC';
  const candidates = [name];
  // "/mozilla.org/20050126_1/America/New_York", "/softwarestudio.org/Olson_20011030_5/Europe/Paris"
  const segments = name.split('/').filter(Boolean);
  for (const take of [3, 2]) if (segments.length > take) candidates.push(segments.slice(-take).join('/'));
  for (const candidate of candidates) {
    const format = formatter(candidate);
    if (format) return format.resolvedOptions().timeZone;
  }
  return null;
}

/** A TZID (or X-WR-TIMEZONE) as a zone: IANA, Windows name, "(UTC+01:00) ..." or the calendar's VTIMEZONE. */
export function resolveZone(tzid: string | null | undefined, vtimezones: Map<string, ICAL.Timezone>): Zone | null {
  if (!tzid) return null;
  const iana = ianaName(tzid);
  if (iana === 'UTC') return { kind: 'utc' };
  if (iana) return { kind: 'iana', name: iana };
  const windows = WINDOWS_ZONES[tzid.trim().replace(/^"|"$/g, '').toLowerCase()];
  if (windows) return windows === 'UTC' ? { kind: 'utc' } : { kind: 'iana', name: windows };
  const own = vtimezones.get(tzid);
  if (own) return { kind: 'vtimezone', tzid, timezone: own };
  const offset = /^\(?(?:UTC|GMT)\s?([+-])(\d{1,2}):?(\d{2})?\)?/i.exec(tzid.trim());
  if (offset) {
    const minutes = Number(offset[2]) * 60 + Number(offset[3] ?? 0);
    return { kind: 'fixed', minutes: offset[1] === '-' ? -minutes : minutes };
  }
  return null;
}

/** Minutes east of UTC of an IANA zone at an instant. */
function ianaOffsetAt(name: string, utcMs: number): number {
  const format = formatter(name)!;
  const fields: Record<string, number> = {};
  for (const part of format.formatToParts(new Date(utcMs))) if (part.type !== 'literal') fields[part.type] = Number(part.value);
  const asUtc = Date.UTC(fields.year!, fields.month! - 1, fields.day!, fields.hour! % 24, fields.minute!, fields.second!);
  return Math.round((asUtc - Math.floor(utcMs / 1000) * 1000) / 60_000);
}

function wallMs(wall: WallTime): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
}

/** The UTC instant (ms) of a wall-clock time in a zone. */
export function instantOf(wall: WallTime, zone: Zone): number {
  const local = wallMs(wall);
  switch (zone.kind) {
    case 'utc':
      return local;
    case 'fixed':
      return local - zone.minutes * 60_000;
    case 'vtimezone': {
      const time = ICAL.Time.fromData({ ...wall, isDate: false });
      return local - zone.timezone.utcOffset(time) * 1000;
    }
    case 'iana': {
      // Two passes settle the offset on both sides of a transition.
      const first = ianaOffsetAt(zone.name, local);
      let utc = local - first * 60_000;
      const second = ianaOffsetAt(zone.name, utc);
      if (second !== first) utc = local - second * 60_000;
      return utc;
    }
  }
}
