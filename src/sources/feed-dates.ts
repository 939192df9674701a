// Dates as feeds write them: RFC 822 (RSS pubDate, with numeric or named zones, two-digit years,
// day names or none, English or localised month names) and ISO 8601 / W3C-DTF (Atom, dc:date).
// A date without a zone is read as UTC, never in the server's zone. Returns an ISO instant or null.

/** Offsets in minutes of the zone names feeds use (feedparser's table plus common ones). */
const ZONES: Record<string, number> = {
  ut: 0, utc: 0, gmt: 0, z: 0, wet: 0, wez: 0,
  bst: 60, ist: 330, cet: 60, met: 60, mez: 60, west: 60, cest: 120, mest: 120, mesz: 120, eet: 120, sast: 120, eest: 180, msk: 180, eat: 180,
  pkt: 300, npt: 345, ict: 420, wib: 420, hkt: 480, sgt: 480, awst: 480, cst8: 480, jst: 540, kst: 540, acst: 570, acdt: 630, aest: 600, aedt: 660, nzst: 720, nzdt: 780,
  adt: -180, ast: -240, at: -240, edt: -240, est: -300, et: -300, cdt: -300, cst: -360, ct: -360, mdt: -360, mst: -420, mt: -420,
  pdt: -420, pst: -480, pt: -480, akdt: -480, akst: -540, hst: -600, brt: -180, art: -180, nst: -210, ndt: -150,
};

/** Month names and abbreviations (first letters) in English and the languages feeds come in. */
const MONTHS: [string, number][] = [
  // English
  ['jan', 1], ['feb', 2], ['mar', 3], ['apr', 4], ['may', 5], ['jun', 6], ['jul', 7], ['aug', 8], ['sep', 9], ['oct', 10], ['nov', 11], ['dec', 12],
  // German, Dutch, French, Spanish, Portuguese, Italian, Polish-free Latin forms
  ['mär', 3], ['maer', 3], ['mrt', 3], ['mai', 5], ['mei', 5], ['okt', 10], ['dez', 12],
  ['janv', 1], ['févr', 2], ['fevr', 2], ['mars', 3], ['avr', 4], ['juin', 6], ['juil', 7], ['août', 8], ['aout', 8], ['déc', 12],
  ['ene', 1], ['abr', 4], ['ago', 8], ['dic', 12], ['fev', 2], ['set', 9], ['out', 10], ['gen', 1], ['mag', 5], ['giu', 6], ['lug', 7], ['ott', 10],
];

function monthOf(word: string): number | null {
  const lower = word.toLowerCase().replace(/\.$/, '');
  if (lower.length < 3) return null;
  // The longest name that starts the word wins (juil before jul, mars before mar).
  let best: [string, number] | null = null;
  for (const entry of MONTHS) if (lower.startsWith(entry[0]) && (!best || entry[0].length > best[0].length)) best = entry;
  return best ? best[1] : null;
}

function offsetMinutes(zone: string | undefined): number | null {
  if (!zone) return 0;
  const numeric = /^(?:GMT|UTC|UT)?([+-])(\d{1,2}):?(\d{2})?$/i.exec(zone);
  if (numeric) {
    const minutes = Number(numeric[2]) * 60 + Number(numeric[3] ?? 0);
    return numeric[1] === '-' ? -minutes : minutes;
  }
  const named = ZONES[zone.toLowerCase()];
  return named ?? null;
}

function instant(year: number, month: number, day: number, hour: number, minute: number, second: number, ms: number, offset: number): string | null {
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 24 || minute > 59 || second > 60) return null;
  const time = Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59), ms) - offset * 60_000;
  const date = new Date(time);
  if (Number.isNaN(time) || date.getUTCFullYear() < 1970 - 1 || date.getUTCFullYear() > 9999) return null;
  // 31 February is not a date.
  if (new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day) return null;
  return date.toISOString();
}

const ISO = /^(\d{4})(?:-?(\d{2})(?:-?(\d{2}))?)?(?:[T ](\d{2}):?(\d{2})(?::?(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?|[A-Za-z]{1,5})?$/;
const RFC822 = /^(?:[^\d\s,]{1,12},?\s+)?(\d{1,2})[\s-]+([^\d\s-]{3,12})[\s-]+(\d{2,4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?(?:\s+([A-Za-z]{1,5}|(?:GMT|UTC)?[+-]\d{1,2}:?\d{2}))?(?:\s*\(.*\))?$/;
/** "Mon Jan 05 2026 09:30:00 GMT+0000" and "Jan 5, 2026 09:30:00 GMT" (month before day). */
const MONTH_FIRST = /^(?:[^\d\s,]{1,12},?\s+)?([^\d\s,]{3,12})\s+(\d{1,2}),?\s+(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?(?:\s+([A-Za-z]{1,5}|(?:GMT|UTC)?[+-]\d{1,2}:?\d{2}))?(?:\s*\(.*\))?$/;

/** The instant a feed date names, in ISO 8601 UTC, or null when it is not a date we can read. */
export function parseFeedDate(input: unknown): string | null {
  if (typeof input !== 'string') return null;
  const raw = input.trim().replace(/\s+/g, ' ');
  if (!raw || raw.length > 80) return null;
  const iso = ISO.exec(raw);
  if (iso) {
    const offset = offsetMinutes(iso[8] === 'Z' ? 'z' : iso[8]);
    if (offset === null) return null;
    const ms = iso[7] ? Number(iso[7].slice(0, 3).padEnd(3, '0')) : 0;
    return instant(Number(iso[1]), Number(iso[2] ?? 1), Number(iso[3] ?? 1), Number(iso[4] ?? 0), Number(iso[5] ?? 0), Number(iso[6] ?? 0), ms, offset);
  }
  const rfc = RFC822.exec(raw);
  const monthFirst = rfc ? null : MONTH_FIRST.exec(raw);
  const parts = rfc ? { day: rfc[1], month: rfc[2], year: rfc[3], h: rfc[4], m: rfc[5], s: rfc[6], zone: rfc[7] } : monthFirst ? { day: monthFirst[2], month: monthFirst[1], year: monthFirst[3], h: monthFirst[4], m: monthFirst[5], s: monthFirst[6], zone: monthFirst[7] } : null;
  if (!parts) return null;
  const month = monthOf(parts.month!);
  const offset = offsetMinutes(parts.zone);
  if (month === null || offset === null) return null;
  let year = Number(parts.year);
  if (parts.year!.length === 2) year += year < 50 ? 2000 : 1900;
  else if (parts.year!.length === 3) return null;
  return instant(year, month, Number(parts.day), Number(parts.h ?? 0), Number(parts.m ?? 0), Number(parts.s ?? 0), 0, offset);
}
