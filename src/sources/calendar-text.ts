// The text of an iCalendar file before ical.js reads it: known real-world deviations repaired
// line by line (UTF-8 BOM, `BYDAY=MO, TU`, dates without VALUE=DATE, RDATE;VALUE=PERIOD, empty
// VTIMEZONEs; lines capped in length before any pattern runs), and the top-level components
// split apart so one broken event costs only that event (calendar-reader.ts).

const DATE_PROPERTIES = new Set(['DTSTART', 'DTEND', 'DUE', 'EXDATE', 'RDATE', 'RECURRENCE-ID']);
const MAX_LINE = 10_000;

/** Splits a content line into name, parameters and value (the first ':' outside quotes). */
function splitLine(line: string): { head: string; value: string } | null {
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const c = line[i];
    if (c === '"') quoted = !quoted;
    else if (c === ':' && !quoted) return { head: line.slice(0, i), value: line.slice(i + 1) };
  }
  return null;
}

/** Repairs the deviations real producers write, line by line, on unfolded text. */
export function repairCalendarText(text: string): string {
  const lines = text.replace(/^\ufeff/, '').replace(/\r\n|\r/g, '\n').replace(/\n[ \t]/g, '').split('\n');
  const out: string[] = [];
  let timezone: string[] | null = null;
  for (const raw of lines) {
    const line = raw.length > MAX_LINE ? raw.slice(0, MAX_LINE) : raw;
    if (!line.trim()) continue;
    // An empty VTIMEZONE (no STANDARD/DAYLIGHT) is dropped: its TZID is then read as an IANA name.
    if (/^BEGIN:VTIMEZONE$/i.test(line.trim())) {
      timezone = [line];
      continue;
    }
    if (timezone) {
      timezone.push(line);
      if (/^END:VTIMEZONE$/i.test(line.trim())) {
        if (timezone.some((l) => /^BEGIN:(STANDARD|DAYLIGHT)$/i.test(l.trim()))) out.push(...timezone);
        timezone = null;
      }
      continue;
    }
    const parts = splitLine(line);
    // A line with no value (a continuation that lost its leading space) is dropped, not fatal.
    if (!parts || !/^[A-Za-z][\w-]*(;|$)/.test(parts.head)) continue;
    const params = parts.head.split(';');
    const name = params[0]!.trim().toUpperCase();
    let value = parts.value;
    if (name === 'RRULE' || name === 'EXRULE') {
      // Exchange writes `BYDAY=MO, TU`; parameters are case-insensitive.
      value = value.replace(/\s+/g, '').toUpperCase();
      // A rule with an unknown frequency is dropped: the event is then read as a single one.
      if (!/(^|;)FREQ=(SECONDLY|MINUTELY|HOURLY|DAILY|WEEKLY|MONTHLY|YEARLY)(;|$)/.test(value)) continue;
    } else if (DATE_PROPERTIES.has(name)) {
      const valueParam = params.findIndex((p, i) => i > 0 && /^VALUE=/i.test(p));
      const declared = valueParam === -1 ? null : params[valueParam]!.slice(6).toUpperCase();
      const items = value.split(',').map((v) => v.trim()).filter(Boolean);
      if (declared === 'PERIOD') {
        // RDATE;VALUE=PERIOD:start/end — the occurrence starts at the period's start.
        value = items.map((v) => v.split('/')[0]!).join(',');
        params.splice(valueParam, 1);
      } else if (items.length > 0 && items.every((v) => /^\d{8}$/.test(v)) && declared !== 'DATE') {
        if (valueParam !== -1) params.splice(valueParam, 1);
        params.push('VALUE=DATE');
        value = items.join(',');
      } else if (items.length > 0 && items.every((v) => /^\d{8}T\d{4,6}Z?$/i.test(v))) {
        // Seconds left out (T0930) and stray lowercase.
        value = items.map((v) => v.toUpperCase().replace(/T(\d{4})(Z?)$/, 'T$100$2')).join(',');
        if (declared === 'DATE') params.splice(valueParam, 1);
      }
    }
    out.push(`${params.join(';')}:${value}`);
  }
  return out.join('\r\n');
}

/** The top-level components of a calendar as separate texts, for reading them one by one. */
export function splitComponents(text: string): { header: string[]; blocks: string[] } {
  const header: string[] = [];
  const blocks: string[] = [];
  let depth = 0;
  let current: string[] = [];
  for (const line of text.split('\r\n')) {
    const upper = line.trim().toUpperCase();
    if (upper === 'BEGIN:VCALENDAR' || upper === 'END:VCALENDAR') continue;
    if (upper.startsWith('BEGIN:')) depth += 1;
    if (depth > 0) current.push(line);
    else header.push(line);
    if (upper.startsWith('END:')) {
      depth -= 1;
      if (depth <= 0) {
        depth = 0;
        blocks.push(current.join('\r\n'));
        current = [];
      }
    }
  }
  if (current.length > 0) blocks.push(current.join('\r\n'));
  return { header, blocks };
}
