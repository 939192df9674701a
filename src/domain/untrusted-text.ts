// Text from outside (forms, query strings, API bodies, upstream documents) meets patterns
// only after its length is capped, and only patterns that run in linear time. The caps below
// are the ones the program applies everywhere before any check; the checks here are written
// as plain scans where a regular expression would be tempted to backtrack.

/** The longest values the program accepts, before any pattern looks at them. */
export const MAX_LENGTH = {
  /** RFC 5321: a forward-path is at most 256 octets including the angle brackets. */
  email: 254,
  /** Handles follow GitHub logins: at most 39 characters. */
  handle: 39,
  githubLogin: 39,
  /** Packagist vendor names. */
  packagistVendor: 100,
  /** URLs people link (feeds, calendars, forums, evidence). */
  url: 2000,
  /** Free text fields of a form (names, titles, reasons). */
  shortText: 500,
} as const;

/**
 * An email address as sign-up and sign-in accept it: one `@`, something before it, a domain
 * with a dot after it, no whitespace, at most 254 characters. A single pass over the text.
 */
export function isEmailAddress(value: string): boolean {
  if (value.length < 3 || value.length > MAX_LENGTH.email) return false;
  const at = value.indexOf('@');
  if (at <= 0 || at !== value.lastIndexOf('@')) return false;
  for (let i = 0; i < value.length; i += 1) {
    const code = value.charCodeAt(i);
    // whitespace and control characters
    if (code <= 0x20 || code === 0x7f || code === 0x85 || code === 0xa0 || code === 0x2028 || code === 0x2029 || code === 0xfeff) return false;
  }
  const domain = value.slice(at + 1);
  const dot = domain.lastIndexOf('.');
  // a dot inside the domain with something on both sides, and no empty labels
  return dot > 0 && dot < domain.length - 1 && !domain.startsWith('.') && !domain.includes('..');
}

/** `value` without the slashes at its end, in one pass (`/\/+$/` is quadratic on `/////x`). */
export function withoutTrailingSlashes(value: string): string {
  let end = value.length;
  while (end > 0 && value.charCodeAt(end - 1) === 0x2f) end -= 1;
  return value.slice(0, end);
}

/** Whether `value` holds a NUL byte, which PostgreSQL text cannot store. */
export function hasNulByte(value: string): boolean {
  return value.includes('\u0000');
}
