import fc from 'fast-check';
import sanitize from 'sanitize-html';
import { describe, expect, it } from 'vitest';
import { renderMarkdown, sanitizeBodyHtml } from '../../functions/domain/html.js';
import { htmlToText } from '../../functions/domain/html-text.js';

/** What an HTML parser makes of the text: sanitize-html with no tag allowed, references decoded. */
function parsedText(html: string): string {
  return sanitize(html, { allowedTags: [], allowedAttributes: {} })
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

const withoutSpace = (text: string) => text.replace(/\s+/g, '');

const PIECES = [
  '<p>',
  '</p>',
  '<b>',
  '<a href="https://x.example/?a=1&b=2">',
  '</a>',
  '<br>',
  '<img src="https://x.example/i.png" alt="a > b">',
  '&amp;',
  '&lt;',
  '&eacute;',
  '&nbsp;',
  '"',
  "'",
  '<',
  '>',
  '&',
  '<script>x</script>',
  '<!-- c -->',
  'word',
  ' ',
  '\n',
  'é',
  '中文',
  '<h2>',
  '<li>',
];
const rawBody = fc
  .array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 6 })), { maxLength: 30 })
  .map((parts) => parts.join(''));

describe('Function: htmlToText', () => {
  it('reads paragraphs, line breaks and references as a reader would', () => {
    expect(htmlToText(sanitizeBodyHtml('<p>One &amp; two.</p><p>Three<br>four &lt;b&gt; "q" it\'s</p>'))).toBe(
      'One & two. Three four <b> "q" it\'s',
    );
    expect(htmlToText(renderMarkdown('# Title\n\nSome *text* & more'))).toBe('Title Some text & more');
  });

  it('has the text an HTML parser finds in any stored body', () => {
    fc.assert(
      fc.property(rawBody, (raw) => {
        const stored = sanitizeBodyHtml(raw);
        expect(withoutSpace(htmlToText(stored))).toBe(withoutSpace(parsedText(stored)));
      }),
      { numRuns: 500 },
    );
  });

  it('drops a tag or reference cut in half at the end of a prefix', () => {
    fc.assert(
      fc.property(rawBody, fc.nat(), (raw, at) => {
        const stored = sanitizeBodyHtml(raw);
        const prefix = stored.slice(0, at % (stored.length + 1));
        expect(withoutSpace(htmlToText(stored)).startsWith(withoutSpace(htmlToText(prefix)))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
