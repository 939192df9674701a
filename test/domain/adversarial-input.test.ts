// Hostile text is normal input. Two nets, so a regression shows here (or as a lint error) and
// never as a stalled server:
// 1. every regular expression literal in src/ outside src/sources (found by parsing the code,
//    so a new one is checked the day it is written) is analysed by recheck, which looks for
//    super-linear backtracking and generates an attack string when it finds some;
// 2. every exported validator and text cleaner outside src/sources runs on adversarial inputs
//    of 1 MB (the classic pumps, and recheck's attack strings of our older patterns), and its
//    result is asserted. A quadratic cleaner takes minutes on these, past the test's timeout.
// src/sources is its own engineer's; its markup cleaners get the same treatment there.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { check } from 'recheck';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../src/domain/config.js';
import { parseIsoDate } from '../../src/domain/dates.js';
import { normalizeIdentity, parseIdentity, PLATFORMS } from '../../src/domain/identities.js';
import { isEmailAddress, withoutTrailingSlashes, hasNulByte, MAX_LENGTH } from '../../src/domain/untrusted-text.js';
import { isHttpUrl, validateSubmission } from '../../src/store/contributions.js';
import { markersOf, mentions, redactText, scrubJson } from '../../src/store/erasure.js';
import { validateNewMember } from '../../src/store/members.js';
import { neutralizeFormula, toCsv } from '../../src/transfer/export-data.js';
import { redactRequestUrl } from '../../src/web/app.js';
import { escapeHtml } from '../../src/web/html.js';
import { validateProfile, validateSignUp } from '../../src/web/queries/accounts.js';
import { positiveInt, safeNext, text } from '../../src/web/routing.js';
import { parseCookies, unsign } from '../../src/web/session.js';
import { isAddressOrRange, SOURCE_NAME } from '../../src/web/settings.js';
import { configWith } from './fixtures.js';

const MB = 1024 * 1024;
const pump = (prefix: string, unit: string, suffix: string) => prefix + unit.repeat(Math.ceil((MB - prefix.length - suffix.length) / unit.length)) + suffix;

/** The shapes that make backtracking patterns and naive scanners blow up, each 1 MB. */
const ATTACKS: Record<string, string> = {
  letters: pump('', 'a', '!'),
  digits: pump('0', '0', '-'),
  dots: pump('', '.', ''),
  ats: pump('', '@', ''),
  slashes: pump('http://x', '/', 'x'),
  dashes: pump('a', '-', '!'),
  'vendor pump': pump('a', 'a.', '!'),
  'email pump': pump('a@', 'a.', '@'),
  'open tags': pump('', '<a ', ''),
  'env refs': pump('', '${A:-', ''),
  percents: pump('fe80::1', '%', ''),
  spaces: pump('', ' ', '='),
  'nul and controls': pump('', '\u0000\u0001\t\r', ''),
  'query secrets': pump('/x?', 'token=a&', ''),
};

function regexLiterals(): { file: string; source: string; flags: string }[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (full !== path.join('src', 'sources')) walk(full);
      } else if (full.endsWith('.ts')) files.push(full);
    }
  };
  walk('src');
  const found: { file: string; source: string; flags: string }[] = [];
  for (const file of files) {
    const sourceFile = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node) => {
      if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) {
        const literal = node.getText(sourceFile);
        const slash = literal.lastIndexOf('/');
        found.push({ file, source: literal.slice(1, slash), flags: literal.slice(slash + 1) });
      }
      ts.forEachChild(node, visit);
    };
    visit(sourceFile);
  }
  return found;
}

describe('adversarial input', () => {
  it('has no regular expression outside src/sources that backtracks super-linearly (recheck)', async () => {
    const literals = regexLiterals();
    expect(literals.length).toBeGreaterThan(30);
    const unsafe: string[] = [];
    for (const literal of literals) {
      const result = await check(literal.source, literal.flags, { timeout: 10_000 });
      if (result.status !== 'safe') {
        unsafe.push(`${literal.file}: /${literal.source}/${literal.flags} is ${result.status}${result.status === 'vulnerable' ? ` (${result.complexity.type}, attack ${result.attack.pattern})` : ''}`);
      }
    }
    expect(unsafe).toEqual([]);
  }, 300_000);

  it("recheck finds the patterns the issue reported (so the check above can fail)", async () => {
    const packagist = await check('^[a-z0-9]([_.-]?[a-z0-9]+)*$', '');
    expect(packagist.status).toBe('vulnerable');
    const email = await check('^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$', '');
    expect(email.status).toBe('vulnerable');
  }, 60_000);

  it('runs every validator on 1 MB attacks and rejects them', async () => {
    for (const [name, attack] of Object.entries(ATTACKS)) {
      expect(isEmailAddress(attack), name).toBe(false);
      expect(parseIdentity(`github:${attack}`).ok, name).toBe(false);
      for (const platform of PLATFORMS) expect(normalizeIdentity(platform, attack).ok, `${platform} ${name}`).toBe(false);
      expect(validateNewMember({ handle: attack, name: attack, email: attack, joinedAt: attack }).length, name).toBe(4);
      expect(validateSignUp({ handle: attack, name: attack, email: '', country: attack, consentTracking: true, consentPublic: true }).length, name).toBeGreaterThan(0);
      expect(validateProfile({ name: attack, country: attack, company: attack, bio: attack, avatarUrl: attack }).length, name).toBeGreaterThanOrEqual(4);
      expect(validateSubmission(configWith(), { memberId: 1, kind: 'talk', category: 'events', title: attack, url: attack, date: attack }).length, name).toBeGreaterThanOrEqual(3);
      // A URL of 1 MB of slashes is a URL; the submission check above caps its length.
      expect(isHttpUrl(attack), name).toBe(name === 'slashes');
      expect(parseIsoDate(attack), name).toBeNull();
      expect(isAddressOrRange(attack), name).toBe(false);
      expect(SOURCE_NAME.test(attack), name).toBe(false);
      expect(positiveInt(attack, 7), name).toBe(7);
      expect(unsign(Buffer.from('secret'), attack), name).toBeNull();
    }
    // The reported cases themselves: 31 characters and a '!' took 10 s; 100 KB of dots 8 s.
    expect(normalizeIdentity('packagist', `${'a'.repeat(31)}!`).ok).toBe(false);
    expect(normalizeIdentity('packagist', 'magento-ecg.extension_2').ok).toBe(true);
    expect(isEmailAddress('.'.repeat(100_000))).toBe(false);
    expect(isEmailAddress('jane.doe@example.org')).toBe(true);
    expect(isEmailAddress(`${'a'.repeat(250)}@x.io`)).toBe(false);
    expect(isEmailAddress('a@b')).toBe(false);
    expect(isEmailAddress('a b@c.de')).toBe(false);
  }, 120_000);

  it('runs every text cleaner on 1 MB attacks with the expected result', async () => {
    for (const [name, attack] of Object.entries(ATTACKS)) {
      expect(withoutTrailingSlashes(`${attack}///`).endsWith('/'), name).toBe(false);
      expect(hasNulByte(attack), name).toBe(attack.includes('\u0000'));
      expect(escapeHtml(attack).includes('<'), name).toBe(false);
      const neutral = neutralizeFormula(attack);
      expect(neutral === attack || neutral === `'${attack}`, name).toBe(true);
      expect(toCsv([{ a: attack }]).length, name).toBeGreaterThan(attack.length);
      expect(safeNext('https://ambassadors.example', attack, '/me'), name).toBe('/me');
      expect(safeNext('https://ambassadors.example', attack.slice(0, 1999), '/me'), name).toMatch(/^\/(?!\/)/);
      expect(text({ f: ` ${attack} ` }, 'f').length, name).toBeLessThanOrEqual(attack.length);
      expect(typeof parseCookies(attack), name).toBe('object');
      expect(redactRequestUrl(attack).length, name).toBeGreaterThan(0);
      const markers = markersOf({ member: { id: 1, handle: 'ab', name: 'a.', email: 'a@x.io' }, identities: [{ platform: 'github', externalId: 'a-a' }] });
      expect(typeof mentions(attack, markers), name).toBe('boolean');
      expect(redactText(attack, markers).length, name).toBeGreaterThan(0);
      expect(scrubJson({ [attack.slice(0, 1000)]: attack, list: [attack] }, markers, 'drop'), name).toBeTypeOf('object');
    }
    expect(neutralizeFormula("-1+cmd|' /C calc'!A0")).toBe("'-1+cmd|' /C calc'!A0");
    expect(neutralizeFormula('  =HYPERLINK("http://x")')).toBe('\'  =HYPERLINK("http://x")');
    expect(neutralizeFormula('\t=1+1')).toBe("'\t=1+1");
    expect(neutralizeFormula('-12.5')).toBe('-12.5');
    expect(redactRequestUrl(`/sign-in/link?token=${'a'.repeat(MB)}`)).toBe('/sign-in/link?token=[redacted]');
  }, 120_000);

  it('reads a config file with 1 MB of unterminated ${ references without stalling', () => {
    const result = buildConfig({ program: { name: ATTACKS['env refs'] } }, {});
    // No reference is complete, so the text stays as it was.
    expect(result.ok && result.config.program.name).toBe(ATTACKS['env refs']);
    expect(MAX_LENGTH.email).toBe(254);
  }, 60_000);
});
