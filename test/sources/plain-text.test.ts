// Text layers: plain text keeps its angle brackets, HTML is read by a tokenizer, references are
// decoded once.
import { describe, expect, it } from 'vitest';
import { cleanText, htmlText, looksLikeHtml, plainText } from '../../src/sources/plain-text.js';

describe('plain text', () => {
  it('keeps literal angle brackets in plain text', () => {
    expect(plainText('Fix isType<T>() narrowing')).toBe('Fix isType<T>() narrowing');
    expect(plainText('if a < b && c > d')).toBe('if a < b && c > d');
    expect(cleanText('Using the <preference> node &amp; more')).toBe('Using the <preference> node &amp; more');
  });

  it('reads text that looks like HTML with a tokenizer, decoding references once', () => {
    expect(plainText('Using the &lt;preference&gt; node')).toBe('Using the <preference> node');
    expect(plainText('Plugin on <code>save()</code>')).toBe('Plugin on save()');
    expect(plainText('Pat&amp;#8217;s notes')).toBe('Pat&#8217;s notes');
    expect(htmlText('<p>One</p><p>Two<br>three</p><script>x()</script>')).toBe('One Two three');
    expect(looksLikeHtml('Fix isType<T>()')).toBe(false);
    expect(looksLikeHtml('Fish &chips;')).toBe(false);
  });

  it('caps and cleans control characters', () => {
    expect(plainText('a\u0000b\u202ec\ufeffd')).toBe('a b c d');
    expect(plainText('x'.repeat(400), 10)).toBe(`${'x'.repeat(9)}\u2026`);
  });
});
