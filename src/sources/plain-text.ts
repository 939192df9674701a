// Upstream text made safe to store and show: HTML entities decoded, tags and control characters
// removed, whitespace collapsed, length capped. Titles are plain text everywhere in the program;
// the web layer escapes them on output, this module makes sure they carry no markup to escape.

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', ndash: '\u2013', mdash: '\u2014',
  lsquo: '\u2018', rsquo: '\u2019', ldquo: '\u201c', rdquo: '\u201d', hellip: '\u2026', copy: '\u00a9',
  reg: '\u00ae', trade: '\u2122', euro: '\u20ac', laquo: '\u00ab', raquo: '\u00bb', bull: '\u2022',
  auml: '\u00e4', ouml: '\u00f6', uuml: '\u00fc', Auml: '\u00c4', Ouml: '\u00d6', Uuml: '\u00dc', szlig: '\u00df',
  eacute: '\u00e9', egrave: '\u00e8', aacute: '\u00e1', agrave: '\u00e0', ccedil: '\u00e7', ntilde: '\u00f1',
};

function codePoint(value: number): string {
  if (!Number.isInteger(value) || value <= 0 || value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff)) return '\ufffd';
  return String.fromCodePoint(value);
}

/** Decodes character references (&amp; &#233; &#xE9;); unknown names are left as written. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z][a-z0-9]{1,31});/gi, (match, ref: string) => {
    if (ref[0] === '#') return codePoint(ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10));
    return NAMED_ENTITIES[ref] ?? match;
  });
}

/** HTML or text in, one line of plain text out, at most `maxLength` characters. */
export function plainText(input: unknown, maxLength = 300): string {
  if (typeof input !== 'string' && typeof input !== 'number') return '';
  const text = String(input)
    .slice(0, maxLength * 20)
    .replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1')
    .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<[^<>]*>/g, ' ');
  const cleaned = decodeEntities(text)
    // Entities may have encoded markup (&lt;b&gt;): strip what decoding revealed too.
    .replace(/<[^<>]*>/g, ' ')
    // eslint-disable-next-line no-control-regex -- removing control characters is the point
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return cleaned.length > maxLength ? `${cleaned.slice(0, maxLength - 1).trimEnd()}\u2026` : cleaned;
}

/** A URL fit to link to: http(s) only, capped; anything else becomes null. */
export function safeUrl(input: unknown, base?: string): string | null {
  if (typeof input !== 'string' || input.length > 2000) return null;
  try {
    const url = new URL(input.trim(), base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : null;
  } catch {
    return null;
  }
}

/** An ISO 8601 UTC instant from a date string or epoch seconds, or null if it is not a date. */
export function isoInstant(input: unknown): string | null {
  if (typeof input === 'number') {
    const date = new Date(input * 1000);
    return Number.isNaN(date.getTime()) ? null : date.toISOString();
  }
  if (typeof input !== 'string' || input.length > 100) return null;
  const date = new Date(input.trim());
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
