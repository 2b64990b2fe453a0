/**
 * Characters XML 1.0 forbids (C0 controls other than tab/newline/return, lone surrogates,
 * U+FFFE/U+FFFF) plus the ones it discourages (DEL, C1 controls, U+FDD0–U+FDEF). Stories are
 * cleaned of them on the way in, and every renderer cleans again, so no feed can be broken by them.
 */
const NOT_XML_SAFE = /[^\t\n\r\u0020-\u007E\u00A0-\uD7FF\uE000-\uFDCF\uFDF0-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/**
 * Code units that can start a character NOT_XML_SAFE removes (and surrogates, which are mostly
 * fine pairs): a scan without Unicode mode, about four times faster, for the common clean text.
 */
const MAYBE_NOT_XML_SAFE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uD800-\uDFFF\uFDD0-\uFDEF\uFFFE\uFFFF]/;

export function xmlSafe(text: string): string {
  return MAYBE_NOT_XML_SAFE.test(text) ? text.replace(NOT_XML_SAFE, '') : text;
}

/** Plain text fields: XML-safe, whitespace-trimmed. */
export function cleanText(text: string): string {
  return xmlSafe(text).trim();
}

/**
 * A URL path segment for a category or author: Unicode letters and digits kept (so Arabic or
 * Chinese names get feeds of their own), everything else collapsed to single hyphens.
 */
export function feedSlug(name: string): string {
  return name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/g, '');
}

/** A story slug: lower-case ASCII letters, digits and single hyphens. */
export const STORY_SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const STORY_SLUG_MAX_LENGTH = 120;

export function isStorySlug(slug: string): boolean {
  return slug.length <= STORY_SLUG_MAX_LENGTH && STORY_SLUG_PATTERN.test(slug);
}

/** Derives a story slug from a headline: transliterates Latin accents, drops other scripts. */
export function storySlugFromTitle(title: string): string {
  return title
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/[æ]/g, 'ae')
    .replace(/[ø]/g, 'o')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/g, '');
}

const RTL_LANGUAGES = new Set(['ar', 'arc', 'ckb', 'dv', 'fa', 'he', 'iw', 'ks', 'ps', 'sd', 'syr', 'ug', 'ur', 'yi']);
const RTL_SCRIPTS = new Set(['arab', 'hebr', 'thaa', 'syrc', 'nkoo', 'adlm', 'rohg', 'mand', 'samr']);

/** `rtl` for a language (BCP 47) written right to left, else `ltr`. */
export function textDirection(language: string): 'ltr' | 'rtl' {
  const [primary = '', ...rest] = language.toLowerCase().split('-');
  const script = rest.find((subtag) => subtag.length === 4);
  if (script) return RTL_SCRIPTS.has(script) ? 'rtl' : 'ltr';
  return RTL_LANGUAGES.has(primary) ? 'rtl' : 'ltr';
}
