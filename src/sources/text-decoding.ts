// Bytes to text the way a mature reader does it: a byte order mark wins, then the document's
// own declaration (`<?xml ... encoding="..."?>` for XML), then the charset the HTTP
// Content-Type declared, then UTF-8. Labels are WHATWG encoding labels, resolved by the
// platform's TextDecoder (ISO-8859-1 is read as windows-1252, as browsers do); an unknown label
// falls through to the next rule. Invalid sequences become U+FFFD. UTF-8 and UTF-16 are decoded
// by TextDecoder; legacy encodings by iconv-lite, because Node's TextDecoder reads windows-1252
// as plain Latin-1 (0x93 becomes U+0093 instead of a curly quote).

import iconv from 'iconv-lite';

export interface DecodedText {
  text: string;
  /** The WHATWG name of the encoding used, e.g. 'utf-8', 'windows-1252'. */
  encoding: string;
  /** Where the encoding came from. */
  from: 'bom' | 'declaration' | 'http' | 'default' | 'fallback';
}

/** The charset parameter of a Content-Type header value, or null. */
export function charsetOf(contentType: string | undefined): string | null {
  if (!contentType) return null;
  for (const part of contentType.slice(0, 500).split(';').slice(1)) {
    const [name, ...rest] = part.split('=');
    if (name?.trim().toLowerCase() !== 'charset') continue;
    const value = rest.join('=').trim().replace(/^["']|["']$/g, '');
    return value ? value.toLowerCase() : null;
  }
  return null;
}

function decoderFor(label: string | null | undefined): TextDecoder | null {
  if (!label) return null;
  try {
    return new TextDecoder(label.trim().slice(0, 40), { fatal: false, ignoreBOM: false });
  } catch {
    return null;
  }
}

function bomEncoding(bytes: Uint8Array): string | null {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  return null;
}

/** The encoding= of an XML declaration at the start (after optional whitespace), read as ASCII. */
export function xmlDeclaredEncoding(bytes: Uint8Array): string | null {
  // UTF-16 without a BOM: the declaration starts with '<\0?\0' or '\0<\0?'.
  if (bytes[0] === 0x3c && bytes[1] === 0x00 && bytes[2] === 0x3f) return 'utf-16le';
  if (bytes[0] === 0x00 && bytes[1] === 0x3c && bytes[2] === 0x00) return 'utf-16be';
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 1024)).toString('latin1').trimStart();
  if (!head.startsWith('<?xml')) return null;
  const end = head.indexOf('?>');
  const declaration = end === -1 ? head.slice(0, 300) : head.slice(0, end);
  const match = /\sencoding\s*=\s*["']([A-Za-z][\w.:-]{0,39})["']/.exec(declaration);
  const label = match ? match[1]!.toLowerCase() : null;
  // A declaration we could read as ASCII is not in UTF-16, whatever it claims.
  return label && /^(utf-?16|ucs-?2)/.test(label) ? null : label;
}

/**
 * UTF-8 that is not UTF-8 (a Latin-1 feed declaring nothing or the wrong thing) is read as
 * windows-1252, as feedparser and browsers do, instead of turning every accent into U+FFFD.
 */
function decodeUtf8OrFallback(bytes: Uint8Array, from: DecodedText['from']): DecodedText {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, encoding: 'utf-8', from };
  } catch {
    return { ...decodeWith(bytes, new TextDecoder('windows-1252'), 'fallback') };
  }
}

function decodeWith(bytes: Uint8Array, decoder: TextDecoder, from: DecodedText['from'], legacyFallback = false): DecodedText {
  if (legacyFallback && decoder.encoding === 'utf-8' && from !== 'bom' && from !== 'fallback') return decodeUtf8OrFallback(bytes, from);
  const legacy = !decoder.encoding.startsWith('utf-') && iconv.encodingExists(decoder.encoding);
  // TextDecoder removes a BOM of its own encoding; a stray one of another is removed below.
  const text = legacy ? iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), decoder.encoding) : decoder.decode(bytes);
  return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, encoding: decoder.encoding, from };
}

/** Decodes an XML document (feeds): BOM, then the XML declaration, then HTTP charset, then UTF-8 (else windows-1252). */
export function decodeXml(bytes: Uint8Array, httpCharset?: string | null): DecodedText {
  const bom = bomEncoding(bytes);
  if (bom) return decodeWith(bytes, new TextDecoder(bom), 'bom');
  const declared = decoderFor(xmlDeclaredEncoding(bytes));
  if (declared) return decodeWith(bytes, declared, 'declaration', true);
  const http = decoderFor(httpCharset);
  if (http) return decodeWith(bytes, http, 'http', true);
  return decodeWith(bytes, new TextDecoder('utf-8'), 'default', true);
}

/**
 * Decodes a text document without a declaration of its own: BOM, HTTP charset, UTF-8. With
 * `legacyFallback` (calendars, which Outlook writes in windows-1252 without saying so), bytes that
 * are not UTF-8 are read as windows-1252; without it (JSON) invalid sequences become U+FFFD.
 */
export function decodeText(bytes: Uint8Array, httpCharset?: string | null, options: { legacyFallback?: boolean } = {}): DecodedText {
  const bom = bomEncoding(bytes);
  if (bom) return decodeWith(bytes, new TextDecoder(bom), 'bom');
  const http = decoderFor(httpCharset);
  if (http) return decodeWith(bytes, http, 'http', options.legacyFallback);
  return decodeWith(bytes, new TextDecoder('utf-8'), 'default', options.legacyFallback);
}
