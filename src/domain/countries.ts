// Countries as ISO 3166-1 alpha-2 codes, named by Intl.DisplayNames, so that "PT" and
// "Portugal" are one country in every filter and count. What people typed before codes were
// kept is matched by name in the languages the community writes in most, or by a common
// alias; what cannot be matched stays visible to managers instead of being guessed.

/** The 249 officially assigned ISO 3166-1 alpha-2 codes. */
export const COUNTRY_CODES: readonly string[] = (
  'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ ' +
  'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR ' +
  'GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP ' +
  'KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT ' +
  'MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW ' +
  'SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG ' +
  'UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'
).split(' ');

const CODE_SET = new Set(COUNTRY_CODES);

/** Languages whose country names are recognised in free text (the community's most common). */
const NAME_LOCALES = ['en', 'de', 'fr', 'es', 'it', 'nl', 'pt', 'pl', 'uk', 'sv', 'da', 'cs', 'ro', 'tr'];

const ALIASES: Record<string, string> = {
  usa: 'US', 'u s a': 'US', 'u s': 'US', america: 'US', 'united states of america': 'US',
  uk: 'GB', 'u k': 'GB', 'great britain': 'GB', britain: 'GB', england: 'GB', scotland: 'GB', wales: 'GB', 'northern ireland': 'GB',
  holland: 'NL', 'the netherlands': 'NL', 'czech republic': 'CZ', turkey: 'TR', 'south korea': 'KR', korea: 'KR',
  russia: 'RU', 'russian federation': 'RU', uae: 'AE', 'ivory coast': 'CI', 'viet nam': 'VN', macedonia: 'MK', swaziland: 'SZ',
};

const english = new Intl.DisplayNames(['en'], { type: 'region' });

export function isCountryCode(value: string): boolean {
  return CODE_SET.has(value);
}

/** The English name of a code ("PT" → "Portugal"); the input itself when it is not a code. */
export function countryName(code: string | null | undefined, locale = 'en'): string {
  if (!code) return '';
  if (!CODE_SET.has(code)) return code;
  try {
    return (locale === 'en' ? english : new Intl.DisplayNames([locale], { type: 'region' })).of(code) ?? code;
  } catch {
    return english.of(code) ?? code;
  }
}

/** Every country as { code, name }, sorted by name, for pickers. */
export function countryChoices(): { code: string; name: string }[] {
  return COUNTRY_CODES.map((code) => ({ code, name: countryName(code) })).sort((a, b) => a.name.localeCompare(b.name, 'en'));
}

function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

let nameIndex: Map<string, string> | undefined;

function names(): Map<string, string> {
  if (nameIndex) return nameIndex;
  const index = new Map<string, string>();
  for (const [alias, code] of Object.entries(ALIASES)) index.set(alias, code);
  for (const locale of NAME_LOCALES) {
    let display: Intl.DisplayNames;
    try {
      display = new Intl.DisplayNames([locale], { type: 'region' });
    } catch {
      continue;
    }
    for (const code of COUNTRY_CODES) {
      const name = display.of(code);
      if (name && name !== code && !index.has(fold(name))) index.set(fold(name), code);
    }
  }
  nameIndex = index;
  return index;
}

/**
 * The ISO code for what a person typed: a code in any case ("pt", "PT") or a country's name
 * in a common language ("Portugal", "Deutschland", "USA"). Null when it matches nothing.
 */
export function matchCountry(input: string | null | undefined): string | null {
  const text = (input ?? '').slice(0, 100).trim();
  if (!text) return null;
  if (/^[A-Za-z]{2}$/.test(text) && CODE_SET.has(text.toUpperCase())) return text.toUpperCase();
  return names().get(fold(text)) ?? null;
}

export type CountryInput = { ok: true; code: string | null } | { ok: false; problem: string };

/** A form's country field: empty is fine, anything else must match a country. */
export function parseCountryField(input: string | null | undefined): CountryInput {
  const text = (input ?? '').trim();
  if (!text) return { ok: true, code: null };
  const code = matchCountry(text);
  return code ? { ok: true, code } : { ok: false, problem: `Country: "${text.slice(0, 60)}" is not a country we know; pick one from the list` };
}
