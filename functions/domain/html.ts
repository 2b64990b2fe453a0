import MarkdownIt from 'markdown-it';
import sanitize from 'sanitize-html';
import { xmlSafe } from './text.js';

/**
 * Allow-list for story bodies: the markup of an article, nothing that runs or embeds.
 * No script, style, iframe, object, form or event handler survives; links and images
 * only over http(s) (and mailto for links).
 */
const BODY_POLICY: sanitize.IOptions = {
  allowedTags: [
    'p',
    'br',
    'hr',
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
    'blockquote',
    'ul',
    'ol',
    'li',
    'dl',
    'dt',
    'dd',
    'a',
    'em',
    'strong',
    'b',
    'i',
    'u',
    's',
    'sub',
    'sup',
    'small',
    'mark',
    'q',
    'cite',
    'abbr',
    'code',
    'pre',
    'kbd',
    'figure',
    'figcaption',
    'img',
    'time',
    'span',
    'bdi',
    'bdo',
    'table',
    'caption',
    'thead',
    'tbody',
    'tfoot',
    'tr',
    'th',
    'td',
  ],
  allowedAttributes: {
    '*': ['lang', 'dir'],
    a: ['href', 'title', 'hreflang'],
    img: ['src', 'alt', 'title', 'width', 'height'],
    blockquote: ['cite'],
    q: ['cite'],
    abbr: ['title'],
    time: ['datetime'],
    ol: ['start', 'reversed'],
    th: ['colspan', 'rowspan', 'scope'],
    td: ['colspan', 'rowspan'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['http', 'https'] },
  allowedSchemesAppliedToAttributes: ['href', 'src', 'cite'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  // Text inside these is dropped with the tag; elsewhere the text of a dropped tag is kept.
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'iframe', 'object', 'embed', 'template'],
  enforceHtmlBoundary: false,
  parseStyleAttributes: false,
};

export function sanitizeBodyHtml(html: string): string {
  return sanitize(xmlSafe(html), BODY_POLICY).trim();
}

// html: false escapes raw HTML in Markdown; markdown-it also refuses javascript:/data: links.
const markdown = new MarkdownIt({ html: false, linkify: true, typographer: false });

export function renderMarkdown(source: string): string {
  return sanitizeBodyHtml(markdown.render(xmlSafe(source)));
}
