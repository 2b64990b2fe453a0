import { excerptText } from './feed-document-items.js';
import { decodedText, firstFigureImage, type LeftOutKind, type SourceImage, type SourceItem, textOfHtml } from './source-items.js';
import { childText, childrenNamed, type XmlElement, xmlRecords } from './xml-records.js';

/**
 * The posts of a WordPress export (WXR 1.0–1.2, Tools → Export), streamed: the file is read twice,
 * once for what posts refer to (authors' display names, the attachments that are lead images) and
 * once for the posts, so memory holds one post at a time and that index, never the file.
 */

/** The start of a WordPress export: RSS with the WordPress export namespace. */
export function isWordPressExport(head: string): boolean {
  return /xmlns:[\w-]+\s*=\s*["']http:\/\/wordpress\.org\/export\/[\d.]+\/["']/.test(head);
}

const ITEM = 'rss/channel/item';
const AUTHOR = 'rss/channel/wp:author';
const LANGUAGE = 'rss/channel/language';

interface ExportIndex {
  /** Display names by login: `dc:creator` holds the login. */
  authors: Map<string, string>;
  /** Lead images by attachment post id. */
  attachments: Map<string, SourceImage>;
  language: string | undefined;
}

function meta(item: XmlElement, key: string): string | undefined {
  const entry = childrenNamed(item, 'wp:postmeta').find((candidate) => childText(candidate, 'wp:meta_key') === key);
  return childText(entry, 'wp:meta_value');
}

/** The credit WordPress reads from a photo's IPTC data, kept in PHP-serialised attachment metadata. */
function creditInMetadata(metadata: string | undefined): string | undefined {
  const credit = metadata && /"credit";s:\d+:"([^"]*)"/.exec(metadata)?.[1]?.trim();
  return credit || undefined;
}

async function indexExport(open: () => AsyncIterable<string>): Promise<ExportIndex> {
  const index: ExportIndex = { authors: new Map(), attachments: new Map(), language: undefined };
  for await (const record of xmlRecords(open(), (path) => path === ITEM || path === AUTHOR || path === LANGUAGE)) {
    if (record.name === 'language') index.language = record.text.trim() || undefined;
    else if (record.name === 'wp:author') {
      const login = childText(record, 'wp:author_login');
      const name = childText(record, 'wp:author_display_name');
      if (login && name) index.authors.set(login, name);
    } else if (childText(record, 'wp:post_type') === 'attachment') {
      const id = childText(record, 'wp:post_id');
      const url = childText(record, 'wp:attachment_url') ?? childText(record, 'guid');
      if (id && url) {
        index.attachments.set(id, {
          url,
          alt: meta(record, '_wp_attachment_image_alt'),
          caption: textOfHtml(childText(record, 'excerpt:encoded')),
          credit: creditInMetadata(meta(record, '_wp_attachment_metadata')),
        });
      }
    }
  }
  return index;
}

const STATUS_LEFT_OUT: Readonly<Record<string, LeftOutKind>> = {
  draft: 'draft',
  'auto-draft': 'draft',
  pending: 'pending',
  private: 'private',
  future: 'scheduled',
};

function leftOut(item: XmlElement): LeftOutKind | undefined {
  const type = childText(item, 'wp:post_type') ?? 'post';
  if (type === 'page' || type === 'attachment' || type === 'revision') return type;
  if (type !== 'post') return 'other';
  const status = childText(item, 'wp:status') ?? 'publish';
  if (status === 'publish') return childText(item, 'wp:post_password') ? 'private' : undefined;
  return STATUS_LEFT_OUT[status] ?? 'other';
}

const WORDPRESS_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

function wordPressTime(value: string | undefined): number | undefined {
  const match = value && WORDPRESS_TIME.exec(value.trim());
  if (!match || match[1] === '0000') return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as number[];
  return Date.UTC(year!, month! - 1, day!, hour!, minute!, second!);
}

/**
 * A post's publish instant in the site's zone at the time: WordPress keeps the local time and the
 * UTC time, and their difference is the offset (`2024-05-01 10:00:00` and `08:00:00` give
 * `2024-05-01T10:00:00+02:00`). Falls back to `pubDate` when WordPress left the UTC time unset.
 */
function publishedAt(item: XmlElement): string | undefined {
  const local = childText(item, 'wp:post_date');
  const localTime = wordPressTime(local);
  const utcTime = wordPressTime(childText(item, 'wp:post_date_gmt'));
  if (localTime === undefined || utcTime === undefined) return childText(item, 'pubDate');
  const minutes = Math.round((localTime - utcTime) / 60_000);
  if (Math.abs(minutes) > 14 * 60) return new Date(utcTime).toISOString();
  if (minutes === 0) return `${local!.trim().replace(' ', 'T')}Z`;
  const sign = minutes < 0 ? '-' : '+';
  const hours = String(Math.floor(Math.abs(minutes) / 60)).padStart(2, '0');
  return `${local!.trim().replace(' ', 'T')}${sign}${hours}:${String(Math.abs(minutes) % 60).padStart(2, '0')}`;
}

function modifiedAt(item: XmlElement): string | undefined {
  const modified = wordPressTime(childText(item, 'wp:post_modified_gmt'));
  const published = wordPressTime(childText(item, 'wp:post_date_gmt'));
  return modified !== undefined && published !== undefined && modified > published ? new Date(modified).toISOString() : undefined;
}

/** The categories WordPress gives every post that has none is not one a newsroom wants a feed for. */
const DEFAULT_CATEGORY = 'uncategorized';

function terms(item: XmlElement, domain: string): string[] {
  return childrenNamed(item, 'category')
    .filter((category) => category.attributes.domain === domain && category.attributes.nicename !== DEFAULT_CATEGORY)
    .map((category) => decodedText(category.text) ?? '')
    .filter(Boolean);
}

function postItem(item: XmlElement, position: number, index: ExportIndex): SourceItem {
  const contentHtml = childText(item, 'content:encoded');
  const thumbnail = meta(item, '_thumbnail_id');
  const login = childText(item, 'dc:creator');
  return {
    position,
    id: childText(item, 'guid'),
    title: decodedText(childText(item, 'title')),
    summary: excerptText(childText(item, 'excerpt:encoded') ?? ''),
    contentHtml: contentHtml ?? '',
    authors: login ? [index.authors.get(login) ?? login] : [],
    categories: terms(item, 'category'),
    tags: terms(item, 'post_tag'),
    published: publishedAt(item),
    updated: modifiedAt(item),
    link: childText(item, 'link'),
    image: (thumbnail ? index.attachments.get(thumbnail) : undefined) ?? firstFigureImage(contentHtml),
    language: index.language,
    slug: childText(item, 'wp:post_name'),
  };
}

/** Every item of the export in file order; those that are not published posts say why in `leftOut`. */
export async function* wordPressExportItems(open: () => AsyncIterable<string>): AsyncGenerator<SourceItem> {
  const index = await indexExport(open);
  let position = 0;
  for await (const item of xmlRecords(open(), (path) => path === ITEM)) {
    position++;
    const why = leftOut(item);
    yield why === undefined ? postItem(item, position, index) : { position, authors: [], categories: [], tags: [], leftOut: why };
  }
}
