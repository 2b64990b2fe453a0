import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { LIMITS, parseArticleInput, renderBody, ValidationError } from '../functions/domain/article-input.js';
import { STORY_SLUG_MAX_LENGTH, storySlugFromTitle } from '../functions/domain/text.js';
import { feedDocumentItems } from './feed-document-items.js';
import { type LeftOutKind, SourceDocumentError, type SourceItem, sourceInstant, withoutLeadImage } from './source-items.js';
import type { StoryFile } from './story-files.js';
import { isWordPressExport, wordPressExportItems } from './wordpress-export-items.js';
import { XmlDocumentError } from './xml-records.js';

/**
 * What the import command makes of the documents it is given: each published item becomes the
 * ingest request of a story, with a slug derived the same way on every run; what is not a
 * published story is counted, and what cannot be one is reported by its place in the document.
 */

/** A document to import: a file, or a URL's body already fetched. */
export interface ImportSource {
  /** The file name or URL, as the editor gave it. */
  label: string;
  /** Reads the document from the start, as text chunks. */
  open(): AsyncIterable<string>;
}

export interface ImportOptions {
  /** WordPress tags become categories too. */
  tagsAsCategories: boolean;
}

export interface ImportedStory extends StoryFile {
  /** The item's place, `feed.xml item 3`, for messages. */
  where: string;
  /** The id readers know it by, when it has one. */
  feedId?: string | undefined;
}

export type ImportEvent =
  | { kind: 'story'; story: ImportedStory }
  | { kind: 'left-out'; source: string; what: LeftOutKind }
  | { kind: 'problem'; where: string; detail: string }
  | { kind: 'duplicate'; where: string; detail: string }
  /** The document cannot be imported at all; what came from it before is not to be sent. */
  | { kind: 'broken'; source: string; detail: string };

/** A document larger than this is refused unless it is a WordPress export, which is streamed. */
export const MAX_FEED_DOCUMENT_BYTES = 64 * 1024 * 1024;
const HEAD_BYTES = 4096;

export function fileSource(file: string, label = file): ImportSource {
  return { label, open: () => createReadStream(file, { encoding: 'utf8', highWaterMark: 64 * 1024 }) };
}

export function textSource(label: string, text: string): ImportSource {
  return { label, open: () => [text] as unknown as AsyncIterable<string> };
}

async function head(source: ImportSource): Promise<string> {
  let text = '';
  for await (const chunk of source.open()) {
    text += chunk;
    if (text.length >= HEAD_BYTES) break;
  }
  return text;
}

async function wholeText(source: ImportSource): Promise<string> {
  let text = '';
  for await (const chunk of source.open()) {
    text += chunk;
    if (text.length > MAX_FEED_DOCUMENT_BYTES) {
      throw new SourceDocumentError(`is larger than ${MAX_FEED_DOCUMENT_BYTES / 1024 / 1024} MB: split it, or import a WordPress export`);
    }
  }
  return text;
}

/** The items of one document, whatever its format; throws SourceDocumentError for a document that cannot be read. */
export async function* sourceItems(source: ImportSource): AsyncGenerator<SourceItem> {
  try {
    const start = await head(source);
    if (!start.trim()) throw new SourceDocumentError('is empty');
    if (isWordPressExport(start)) {
      yield* wordPressExportItems(() => source.open());
      return;
    }
    yield* (await feedDocumentItems(await wholeText(source))).items;
  } catch (error) {
    if (error instanceof XmlDocumentError) throw new SourceDocumentError(error.message);
    if (error instanceof SourceDocumentError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new SourceDocumentError('does not exist');
    if (code === 'EISDIR') throw new SourceDocumentError('is a directory: name the export or feed file itself');
    throw new SourceDocumentError(`cannot be read: ${(error as Error).message}`);
  }
}

/**
 * A copy of a string read from a document, to keep past the item: V8 makes a substring a view of
 * the string it came from, here the parser's 64 KB chunk, so keeping every id as read would keep
 * the whole file in memory.
 */
function detached(value: string): string {
  return Buffer.from(value, 'utf8').toString('utf8');
}

/** What the last path segment of a link makes as a slug: `/2024/05/harbour-news/` → `harbour-news`. */
function slugFromLink(link: string | undefined): string {
  if (!link || !URL.canParse(link)) return '';
  const last = new URL(link).pathname.split('/').filter(Boolean).at(-1);
  return last ? storySlugFromTitle(decoded(last).replace(/\.(?:html?|php|aspx?)$/i, '')) : '';
}

/** A percent-encoded path segment or WordPress slug as text (`%d8%ab` is a letter, not "d8-ab"). */
function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function hashSlug(value: string): string {
  return `story-${createHash('sha256').update(value).digest('hex').slice(0, 12)}`;
}

/** The slug an item asks for, before collisions: the platform's own, else its link's, else its title's. */
export function baseSlug(item: SourceItem): string {
  const own = item.slug ? storySlugFromTitle(decoded(item.slug)) : '';
  const slug = own || slugFromLink(item.link) || storySlugFromTitle(item.title ?? '') || hashSlug(item.id ?? item.title ?? '');
  return slug.slice(0, STORY_SLUG_MAX_LENGTH - 4).replace(/-+$/, '');
}

/** `base`, or the first of `base-2`, `base-3`… that `taken` does not hold. */
export function freeSlug(base: string, taken: (slug: string) => boolean, from = 1): string {
  for (let attempt = from; ; attempt++) {
    const slug = attempt === 1 ? base : `${base}-${attempt}`;
    if (!taken(slug)) return slug;
  }
}

const isHttpUrl = (value: string | undefined): value is string =>
  value !== undefined && URL.canParse(value) && /^https?:$/.test(new URL(value).protocol);

function isLanguageTag(value: string | undefined): value is string {
  if (!value) return false;
  try {
    return Intl.getCanonicalLocales(value).length === 1;
  } catch {
    return false;
  }
}

const trimTo = (value: string | undefined, max: number) => (value && value.length > max ? `${value.slice(0, max - 1).trimEnd()}…` : value);

/** The ingest request for an item, or the reason it cannot be a story. */
export function storyRequest(item: SourceItem, options: ImportOptions): { request: Record<string, unknown> } | { problem: string } {
  if (!item.title) return { problem: 'has no title; a story needs one' };
  if (!item.published) return { problem: 'has no publish date' };
  const publishedAt = sourceInstant(item.published);
  if (!publishedAt) return { problem: `has a publish date that cannot be read as a date and time with a zone ("${item.published}")` };
  const updatedAt = sourceInstant(item.updated);
  const image = item.image && isHttpUrl(item.image.url) ? item.image : undefined;
  const categories = [...item.categories, ...(options.tagsAsCategories ? item.tags : [])];
  const request: Record<string, unknown> = {
    title: item.title,
    ...(item.summary ? { summary: trimTo(item.summary, LIMITS.summaryChars) } : {}),
    body: image ? withoutLeadImage(item.contentHtml ?? '', image.url) : (item.contentHtml ?? ''),
    authors: [...new Set(item.authors)].slice(0, LIMITS.authors).map((name) => ({ name })),
    categories: [...new Set(categories)].slice(0, LIMITS.categories),
    publishedAt,
    ...(updatedAt && Date.parse(updatedAt) > Date.parse(publishedAt) ? { updatedAt } : {}),
    ...(isHttpUrl(item.link) ? { url: item.link } : {}),
    ...(image
      ? {
          image: Object.fromEntries(
            Object.entries({
              url: image.url,
              alt: trimTo(image.alt, LIMITS.imageTextChars),
              caption: trimTo(image.caption, LIMITS.imageTextChars),
              credit: trimTo(image.credit, LIMITS.imageTextChars),
              type: image.type,
            }).filter(([, value]) => value !== undefined),
          ),
        }
      : {}),
    ...(isLanguageTag(item.language) ? { language: item.language } : {}),
    ...(item.id ? { feedId: item.id } : {}),
  };
  const bytes = Buffer.byteLength(JSON.stringify(request));
  if (bytes > LIMITS.requestBytes) {
    return { problem: `is ${Math.ceil(bytes / 1024)} KB as a story, over the ${LIMITS.requestBytes / 1024} KB a story may be` };
  }
  try {
    renderBody(parseArticleInput(request));
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return { problem: error.problems.map((problem) => `${problem.pointer.slice(1) || 'story'} ${problem.detail}`).join('; ') };
  }
  return { request };
}

/**
 * Every document's items in order, as stories or as what was left out. Slugs and ids are unique
 * across the whole run: a second item with an id already seen (the same story in two documents,
 * or twice in one) is a duplicate, not a second story.
 */
export async function* importedStories(sources: readonly ImportSource[], options: ImportOptions): AsyncGenerator<ImportEvent> {
  const slugs = new Set<string>();
  const ids = new Map<string, string>();
  for (const source of sources) {
    try {
      for await (const item of sourceItems(source)) yield* storyEvents(item, source.label);
    } catch (error) {
      if (!(error instanceof SourceDocumentError)) throw error;
      yield { kind: 'broken', source: source.label, detail: error.message };
    }
  }

  function* storyEvents(item: SourceItem, label: string): Generator<ImportEvent> {
    const where = `${label} item ${item.position}`;
    if (item.leftOut) {
      yield { kind: 'left-out', source: label, what: item.leftOut };
      return;
    }
    const first = item.id === undefined ? undefined : ids.get(item.id);
    if (first !== undefined) {
      yield { kind: 'duplicate', where, detail: `has the same id as ${first} ("${item.id}"): imported once` };
      return;
    }
    const result = storyRequest(item, options);
    if ('problem' in result) {
      yield { kind: 'problem', where, detail: `${item.title ? `"${trimTo(item.title, 60)}" ` : ''}${result.problem}` };
      return;
    }
    if (item.id !== undefined) ids.set(detached(item.id), where);
    const slug = freeSlug(baseSlug(item), (candidate) => slugs.has(candidate));
    slugs.add(slug);
    yield { kind: 'story', story: { file: label, where, slug, request: result.request, feedId: item.id } };
  }
}
