import { decodeHTML } from 'entities';
import { Parser } from 'htmlparser2';
import { isRfc3339 } from '../functions/domain/article-input.js';

/**
 * One item of a document being imported (an RSS item, an Atom entry, a JSON Feed item, a WXR
 * post), in terms every source shares, before it is checked and turned into a story.
 */
export interface SourceItem {
  /** 1-based position among the document's items, for messages. */
  position: number;
  /** The id its readers know it by: RSS guid, Atom id, JSON Feed id. */
  id?: string | undefined;
  /** Plain text, entities decoded. */
  title?: string | undefined;
  /** Plain text. */
  summary?: string | undefined;
  contentHtml?: string | undefined;
  authors: string[];
  categories: string[];
  /** Tags, kept apart from categories: they become categories only when asked. */
  tags: string[];
  /** As the source wrote it. */
  published?: string | undefined;
  /** The last correction, as the source wrote it. */
  updated?: string | undefined;
  link?: string | undefined;
  image?: SourceImage | undefined;
  language?: string | undefined;
  /** The platform's own slug for the story (WordPress `post_name`). */
  slug?: string | undefined;
  /** Why the item is not a published story (a WXR draft, page, attachment…), when it is not. */
  leftOut?: LeftOutKind | undefined;
}

export interface SourceImage {
  url: string;
  alt?: string | undefined;
  caption?: string | undefined;
  credit?: string | undefined;
  type?: string | undefined;
}

export const LEFT_OUT_KINDS = ['draft', 'pending', 'private', 'scheduled', 'page', 'attachment', 'revision', 'other'] as const;
export type LeftOutKind = (typeof LEFT_OUT_KINDS)[number];

/** A document that cannot be imported at all: not a feed, not well-formed, refused. */
export class SourceDocumentError extends Error {
  override readonly name = 'SourceDocumentError';
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
/** RFC 822 zones that are names; military single letters are too ambiguous to guess. */
const NAMED_ZONES: Readonly<Record<string, string>> = {
  UT: '+00:00',
  UTC: '+00:00',
  GMT: '+00:00',
  Z: '+00:00',
  EST: '-05:00',
  EDT: '-04:00',
  CST: '-06:00',
  CDT: '-05:00',
  MST: '-07:00',
  MDT: '-06:00',
  PST: '-08:00',
  PDT: '-07:00',
};
const RFC822 = /^(?:[a-z]{3},\s*)?(\d{1,2})\s+([a-z]{3})[a-z]*\s+(\d{2,4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([+-]\d{4}|[a-z]{1,3})?$/i;

const two = (value: number | string) => String(value).padStart(2, '0');

/**
 * The instant a source gives, as RFC 3339 with the zone it was written in (RSS dates are RFC 822:
 * `Tue, 04 Mar 2025 09:15:00 +0100` becomes `2025-03-04T09:15:00+01:00`). Undefined when it
 * cannot be read as an instant with a zone.
 */
export function sourceInstant(value: string | undefined): string | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (isRfc3339(text)) return text.toUpperCase();
  const match = RFC822.exec(text);
  if (match) {
    const [, day, monthName, yearText, hour, minute, second, zone] = match as unknown as string[];
    const month = MONTHS.indexOf(monthName!.toLowerCase()) + 1;
    const year = yearText!.length === 2 ? 2000 + Number(yearText) : Number(yearText);
    const offset =
      zone === undefined ? '+00:00' : /^[+-]\d{4}$/.test(zone) ? `${zone.slice(0, 3)}:${zone.slice(3)}` : NAMED_ZONES[zone.toUpperCase()];
    if (month === 0 || offset === undefined) return undefined;
    const candidate = `${year}-${two(month)}-${two(day!)}T${two(hour!)}:${minute}:${second ?? '00'}${offset === '+00:00' ? 'Z' : offset}`;
    return isRfc3339(candidate) ? candidate : undefined;
  }
  return undefined;
}

/** Text as written, its runs of white space made one space; undefined when nothing is left. */
export function plainText(value: string | undefined): string | undefined {
  const text = value?.replace(/\s+/g, ' ').trim();
  return text || undefined;
}

/**
 * Text that a platform stored with HTML character references in it (WordPress keeps `&amp;` and
 * `&#8217;` in titles and category names), decoded; markup-like text stays text.
 */
export function decodedText(value: string | undefined): string | undefined {
  return plainText(value === undefined ? undefined : decodeHTML(value));
}

/** Plain text of an HTML fragment (a title or summary some formats write as HTML). */
export function textOfHtml(html: string | undefined): string | undefined {
  if (html === undefined) return undefined;
  let text = '';
  const parser = new Parser({ ontext: (chunk) => (text += chunk) }, { decodeEntities: true });
  parser.write(html);
  parser.end();
  const result = text.replace(/\s+/g, ' ').trim();
  return result || undefined;
}

/** Elements whose text is not text a reader sees. */
const HIDDEN_TEXT = new Set(['script', 'style', 'noscript', 'template']);

interface Figure {
  image: SourceImage;
  /** Where the figure's markup starts and ends in the body. */
  start: number;
  end: number;
}

/** The first `<figure>` of a body with an image in it: its image, alt text, caption and place. */
function firstFigure(html: string): Figure | undefined {
  let depth = 0;
  let hidden = 0;
  let start = 0;
  let image: SourceImage | undefined;
  let caption: string | undefined;
  let inCaption = false;
  let found: Figure | undefined;
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (found) return;
        if (HIDDEN_TEXT.has(name)) hidden++;
        if (name === 'figure' && depth++ === 0) start = parser.startIndex;
        else if (depth > 0 && name === 'img' && !image && attributes.src && /^https?:\/\//i.test(attributes.src)) {
          image = { url: attributes.src, alt: attributes.alt?.trim() || undefined };
        } else if (depth > 0 && name === 'figcaption') {
          inCaption = true;
          caption = '';
        }
      },
      ontext(text) {
        if (inCaption && hidden === 0) caption += text;
      },
      onclosetag(name) {
        if (found) return;
        if (HIDDEN_TEXT.has(name)) hidden--;
        if (name === 'figcaption') inCaption = false;
        if (name === 'figure' && --depth === 0) {
          if (image) found = { image: { ...image, caption: plainText(caption) }, start, end: parser.endIndex + 1 };
          caption = undefined;
        }
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  return found;
}

/** The first `<figure>` of a body with an image in it: its source, alt text and caption. */
export function firstFigureImage(html: string | undefined): SourceImage | undefined {
  return html && /<figure\b/i.test(html) ? firstFigure(html)?.image : undefined;
}

/**
 * The body without the lead photo, which every format shows above the story already: its
 * figure when it is the body's first, or a bare `<img>` of it at the very start.
 */
export function withoutLeadImage(html: string, imageUrl: string): string {
  const figure = /<figure\b/i.test(html) ? firstFigure(html) : undefined;
  if (figure && figure.image.url === imageUrl) return `${html.slice(0, figure.start)}${html.slice(figure.end)}`.trim();
  const leading = /^\s*(?:<p>\s*)?<img\b[^>]*\bsrc\s*=\s*["']([^"']+)["'][^>]*>(?:\s*<\/p>)?/i.exec(html);
  if (leading && decodeHTML(leading[1]!) === imageUrl) return html.slice(leading[0].length).trim();
  return html;
}
