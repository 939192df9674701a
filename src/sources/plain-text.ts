// Upstream text made safe to store and show. Titles are plain text everywhere in the program;
// the web layer escapes them on output. Layers, each applied once and only where the upstream
// format says so:
//   cleanText  — text that is already plain: control characters removed, whitespace collapsed,
//                length capped. Never touches `<...>` or `&...;` (a title may be `isType<T>()`).
//   entityText — text with HTML character references but no markup.
//   plainText  — HTML in (the default for API fields that may carry markup or references):
//                markup removed by a real tokenizer (htmlparser2), references decoded once, so
//                `&lt;preference&gt;` stays the text `<preference>`.

import { decodeHTML } from 'entities';
import { Parser } from 'htmlparser2';

/** Decodes HTML character references (&amp; &#233; &#xE9; &eacute;) once; unknown names stay as written. */
export function decodeEntities(text: string): string {
  return decodeHTML(text);
}

/** Plain text in, one line of plain text out, at most `maxLength` characters. */
export function cleanText(input: unknown, maxLength = 300): string {
  if (typeof input !== 'string' && typeof input !== 'number') return '';
  const cleaned = String(input)
    .slice(0, maxLength * 20)
    // eslint-disable-next-line no-control-regex -- removing control characters is the point
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return cleaned.length > maxLength ? `${cleaned.slice(0, maxLength - 1).trimEnd()}\u2026` : cleaned;
}

/** Text carrying HTML character references but no markup: references decoded once, then plainText. */
export function entityText(input: unknown, maxLength = 300): string {
  if (typeof input !== 'string') return cleanText(input, maxLength);
  return cleanText(decodeEntities(input.slice(0, maxLength * 20)), maxLength);
}

const SKIPPED = new Set(['script', 'style', 'template', 'noscript', 'head', 'title']);
const BLOCKS = new Set(['p', 'div', 'br', 'li', 'ul', 'ol', 'tr', 'td', 'th', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'section', 'article', 'hr', 'img', 'figure', 'figcaption', 'table', 'dd', 'dt']);

/** The text of an HTML fragment, tokenized by htmlparser2 (markup removed, references decoded once). */
export function htmlToText(html: string, maxChars = 100_000): string {
  const parts: string[] = [];
  let length = 0;
  let skipping = 0;
  const parser = new Parser(
    {
      onopentagname(name) {
        if (SKIPPED.has(name)) skipping += 1;
        else if (BLOCKS.has(name)) parts.push(' ');
      },
      onclosetag(name, implied) {
        if (SKIPPED.has(name) && skipping > 0) skipping -= 1;
        else if (BLOCKS.has(name) && !implied) parts.push(' ');
      },
      ontext(text) {
        if (skipping > 0 || length > maxChars) return;
        parts.push(text);
        length += text.length;
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  parser.write(html.slice(0, maxChars * 4));
  parser.end();
  return parts.join('');
}

/** HTML in, one line of plain text out, at most `maxLength` characters. */
export function plainText(input: unknown, maxLength = 300): string {
  if (typeof input !== 'string') return cleanText(input, maxLength);
  return cleanText(htmlToText(input, maxLength * 20), maxLength);
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

/** An ISO 8601 UTC instant from an ISO date string with a zone or epoch seconds, or null. */
export function isoInstant(input: unknown): string | null {
  if (typeof input === 'number') {
    const date = new Date(input * 1000);
    return Number.isNaN(date.getTime()) ? null : date.toISOString();
  }
  if (typeof input !== 'string' || input.length > 100) return null;
  const trimmed = input.trim();
  // A date-time without a zone would be read in the server's zone: read it as UTC instead.
  const zoned = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?$/.test(trimmed) ? `${trimmed.replace(' ', 'T')}Z` : trimmed;
  const date = new Date(zoned);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
