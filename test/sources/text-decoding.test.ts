// Bytes to text by the XML rules: BOM, then the document's declaration, then the HTTP charset.
import { describe, expect, it } from 'vitest';
import { charsetOf, decodeText, decodeXml, xmlDeclaredEncoding } from '../../src/sources/text-decoding.js';

const latin1 = (text: string) => Buffer.from(text, 'latin1');

describe('text decoding', () => {
  it('reads the charset of a Content-Type', () => {
    expect(charsetOf('text/xml; charset=ISO-8859-1')).toBe('iso-8859-1');
    expect(charsetOf('application/rss+xml;charset="utf-8"')).toBe('utf-8');
    expect(charsetOf('text/xml')).toBeNull();
    expect(charsetOf(undefined)).toBeNull();
  });

  it('prefers the BOM, then the XML declaration, then the HTTP charset, then UTF-8', () => {
    const declared = latin1('\n <?xml version="1.0" encoding="iso-8859-1"?><t>Not\xedcias</t>');
    expect(decodeXml(declared, 'utf-8')).toMatchObject({ text: '\n <?xml version="1.0" encoding="iso-8859-1"?><t>Not\u00edcias</t>', encoding: 'windows-1252', from: 'declaration' });
    expect(decodeXml(latin1('<?xml version="1.0"?><t>hyv\xe4</t>'), 'iso-8859-1')).toMatchObject({ text: '<?xml version="1.0"?><t>hyv\u00e4</t>', from: 'http' });
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<?xml version="1.0" encoding="iso-8859-1"?><t>hyv\u00e4</t>')]);
    expect(decodeXml(bom, 'iso-8859-1')).toMatchObject({ text: '<?xml version="1.0" encoding="iso-8859-1"?><t>hyv\u00e4</t>', encoding: 'utf-8', from: 'bom' });
    expect(decodeXml(Buffer.from('<t>hyv\u00e4</t>'), null)).toMatchObject({ text: '<t>hyv\u00e4</t>', from: 'default' });
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<t>\u00e4</t>', 'utf16le')]);
    expect(decodeXml(utf16, null).text).toBe('<t>\u00e4</t>');
  });

  it('falls through unknown or lying labels', () => {
    expect(decodeXml(Buffer.from('<?xml version="1.0" encoding="bogus-42"?><t>\u00e4</t>'), 'also-bogus').from).toBe('default');
    expect(xmlDeclaredEncoding(Buffer.from('<?xml version="1.0" encoding="UTF-16"?>'))).toBeNull();
    expect(decodeText(latin1('SUMMARY:Caf\xe9'), 'windows-1252').text).toBe('SUMMARY:Caf\u00e9');
  });

  it('reads bytes that are not UTF-8 as windows-1252 for documents, and as U+FFFD for JSON', () => {
    expect(decodeXml(latin1('<rss><title>Not\xedcias</title></rss>'), null)).toMatchObject({ text: '<rss><title>Not\u00edcias</title></rss>', from: 'fallback' });
    expect(decodeText(latin1('SUMMARY:Caf\xe9'), null, { legacyFallback: true }).text).toBe('SUMMARY:Caf\u00e9');
    expect(decodeText(latin1('{"t":"Caf\xe9"}'), 'utf-8').text).toBe('{"t":"Caf\ufffd"}');
  });
});
