/**
 * Elements after which a reader sees a break: their tags become a space in plain text, so that
 * "<p>One.</p><p>Two.</p>" reads "One. Two." rather than "One.Two.".
 */
const BREAKING_TAG =
  /<\/?(?:p|br|hr|h[1-6]|blockquote|ul|ol|li|dl|dt|dd|pre|figure|figcaption|img|table|caption|thead|tbody|tfoot|tr|th|td)\b[^>]*>/gi;

/**
 * Plain text of a stored story body (for summaries derived from it). Bodies are stored as
 * sanitize-html writes them, where `<` and `>` only ever delimit tags and the only references are
 * `&amp;`, `&lt;`, `&gt;`, `&quot;` (and `&#39;`), so stripping tags is exact, and this module
 * keeps the HTML parser out of the functions that only render. A prefix of a body may end inside a
 * tag or a reference: that half is dropped.
 */
export function htmlToText(html: string): string {
  return html
    .replace(BREAKING_TAG, ' ')
    .replace(/<[^>]*(?:>|$)/g, '')
    .replace(/&[#a-z0-9]*$/i, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}
