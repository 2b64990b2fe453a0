import type { Article } from '../functions/domain/article.js';
import { authorFeed, categoryFeed, feedUrl, SITE_FEED } from '../functions/domain/feeds.js';
import { storySlugFromTitle, textDirection } from '../functions/domain/text.js';

/**
 * The desk's logic without the page: the form's fields and the ingest request they make, the
 * feeds a story is in, what changed between two versions. Pure, so unit tests cover it.
 */

/** The form as an editor fills it in: every value a string, as inputs hold them. */
export interface DeskForm {
  title: string;
  kicker: string;
  summary: string;
  body: string;
  authors: string;
  categories: string;
  imageUrl: string;
  imageAlt: string;
  caption: string;
  credit: string;
  /** `YYYY-MM-DDTHH:mm` (or with seconds), as a datetime-local input holds it; empty: now. */
  publishAt: string;
  /** `+09:00`, `-05:00` or `Z`. */
  zone: string;
  language: string;
  slug: string;
}

export type FieldName = keyof DeskForm;

/** Each field, its visible label and the JSON Pointer the API names it by. */
export const FIELDS: readonly { name: FieldName; label: string; pointers: readonly string[] }[] = [
  { name: 'title', label: 'Title', pointers: ['/title'] },
  { name: 'kicker', label: 'Kicker', pointers: ['/kicker'] },
  { name: 'summary', label: 'Summary', pointers: ['/summary'] },
  { name: 'body', label: 'Body', pointers: ['/bodyMarkdown', '/body'] },
  { name: 'authors', label: 'Authors', pointers: ['/authors'] },
  { name: 'categories', label: 'Categories', pointers: ['/categories'] },
  { name: 'imageUrl', label: 'Image URL', pointers: ['/image/url', '/image'] },
  { name: 'imageAlt', label: 'Image description', pointers: ['/image/alt'] },
  { name: 'caption', label: 'Caption', pointers: ['/image/caption'] },
  { name: 'credit', label: 'Credit', pointers: ['/image/credit'] },
  { name: 'publishAt', label: 'Publish at', pointers: ['/publishedAt'] },
  { name: 'zone', label: 'Time zone', pointers: [] },
  { name: 'language', label: 'Language', pointers: ['/language'] },
  { name: 'slug', label: 'Slug', pointers: ['/slug'] },
];

export const EMPTY_FORM: DeskForm = Object.fromEntries(FIELDS.map((field) => [field.name, ''])) as unknown as DeskForm;

/** The field a problem's pointer names (`/authors/1/name` → authors), or undefined for the story as a whole. */
export function fieldOfPointer(pointer: string): FieldName | undefined {
  let best: { name: FieldName; length: number } | undefined;
  for (const field of FIELDS) {
    for (const prefix of field.pointers) {
      // The longest match wins: `/image/credit` is the Credit field's, not the photo's as a whole.
      const matches = pointer === prefix || pointer.startsWith(`${prefix}/`);
      if (matches && prefix.length > (best?.length ?? 0)) best = { name: field.name, length: prefix.length };
    }
  }
  return best?.name;
}

/** The slug suggested for a new story's title. */
export function suggestedSlug(title: string): string {
  return storySlugFromTitle(title);
}

/** `+01:00` for a date in a zone one hour ahead of UTC (the browser's zone, by default). */
export function zoneOffset(date: Date): string {
  const minutes = -date.getTimezoneOffset();
  const sign = minutes < 0 ? '-' : '+';
  const hours = String(Math.floor(Math.abs(minutes) / 60)).padStart(2, '0');
  return `${sign}${hours}:${String(Math.abs(minutes) % 60).padStart(2, '0')}`;
}

const OFFSET = /^(?:Z|[+-](?:0\d|1[0-4]):[0-5]\d)$/i;

/** The RFC 3339 time the two inputs make, undefined when Publish at is empty, or null when they make none. */
export function publishedAtOf(form: Pick<DeskForm, 'publishAt' | 'zone'>): string | undefined | null {
  const local = form.publishAt.trim();
  if (!local) return undefined;
  const zone = form.zone.trim() || '+00:00';
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?$/.test(local) || !OFFSET.test(zone)) return null;
  return `${local.length === 16 ? `${local}:00` : local}${zone.toUpperCase() === 'Z' ? 'Z' : zone}`;
}

/** The two inputs for a stored publish time: `2026-03-09T09:30:00+09:00` → `2026-03-09T09:30` and `+09:00`. */
export function publishInputsOf(publishedAt: string): Pick<DeskForm, 'publishAt' | 'zone'> {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(:\d{2})?(?:\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.exec(publishedAt);
  if (!match) return { publishAt: '', zone: '' };
  const seconds = match[2] && match[2] !== ':00' ? match[2] : '';
  return { publishAt: `${match[1]}${seconds}`, zone: match[3]!.toUpperCase() === 'Z' ? '+00:00' : match[3]! };
}

const list = (value: string) =>
  value
    .split(/[,\n]/)
    .map((item) => item.trim())
    .filter(Boolean);

/**
 * The ingest request the form makes. `bodyIsHtml`: the story's body is HTML (a story imported or
 * written elsewhere), sent as `body`; otherwise the Body field is Markdown. `keepPublishedAt`: the
 * publish time as stored, which a correction leaves out so the API keeps it exactly.
 */
export function requestOf(
  form: DeskForm,
  options: { bodyIsHtml?: boolean; keepPublishedAt?: string | undefined } = {},
): Record<string, unknown> {
  // An empty title is left out, so the API says it is required.
  const request: Record<string, unknown> = form.title.trim() ? { title: form.title } : {};
  if (form.kicker.trim()) request.kicker = form.kicker;
  if (form.summary.trim()) request.summary = form.summary;
  request[options.bodyIsHtml ? 'body' : 'bodyMarkdown'] = form.body;
  request.authors = list(form.authors).map((name) => ({ name }));
  request.categories = list(form.categories);
  const imageUrl = form.imageUrl.trim();
  if (imageUrl || form.imageAlt.trim() || form.caption.trim() || form.credit.trim()) {
    request.image = {
      url: imageUrl,
      ...(form.imageAlt.trim() ? { alt: form.imageAlt } : {}),
      ...(form.caption.trim() ? { caption: form.caption } : {}),
      ...(form.credit.trim() ? { credit: form.credit } : {}),
    };
  }
  const publishedAt = publishedAtOf(form);
  const unchanged = options.keepPublishedAt !== undefined && sameInputs(form, publishInputsOf(options.keepPublishedAt));
  // null: not a time; the API names the problem at /publishedAt.
  if (publishedAt !== undefined && !unchanged) request.publishedAt = publishedAt ?? `${form.publishAt} ${form.zone}`.trim();
  if (form.language.trim()) request.language = form.language.trim();
  return request;
}

function sameInputs(form: Pick<DeskForm, 'publishAt' | 'zone'>, stored: Pick<DeskForm, 'publishAt' | 'zone'>): boolean {
  return form.publishAt.trim() === stored.publishAt && (form.zone.trim() || '+00:00') === stored.zone;
}

/** The form for a stored story. */
export function formOf(article: Article): DeskForm {
  return {
    title: article.title,
    kicker: article.kicker ?? '',
    summary: article.summary ?? '',
    body: article.bodyMarkdown ?? article.body,
    authors: article.authors.map((author) => author.name).join(', '),
    categories: article.categories.join(', '),
    imageUrl: article.image?.url ?? '',
    imageAlt: article.image?.alt ?? '',
    caption: article.image?.caption ?? '',
    credit: article.image?.credit ?? '',
    ...publishInputsOf(article.publishedAt),
    language: article.language,
    slug: article.slug,
  };
}

/** The fields whose values differ, with both values: what the editor must choose between. */
export function changedFields(mine: DeskForm, theirs: DeskForm): { name: FieldName; label: string; mine: string; theirs: string }[] {
  return FIELDS.filter((field) => field.name !== 'slug' && mine[field.name].trim() !== theirs[field.name].trim()).map((field) => ({
    name: field.name,
    label: field.label,
    mine: mine[field.name],
    theirs: theirs[field.name],
  }));
}

/** The feeds a published story is in, each with its RSS address (the other formats sit beside it). */
export function feedsOf(article: Pick<Article, 'categories' | 'authors'>, origin: string): { label: string; url: string }[] {
  return [
    { label: 'The site feed', url: feedUrl(origin, SITE_FEED, 'rss') },
    ...article.categories.map((name) => ({ label: `Category: ${name}`, url: feedUrl(origin, categoryFeed(name), 'rss') })),
    ...article.authors.map((author) => ({ label: `Author: ${author.name}`, url: feedUrl(origin, authorFeed(author.name), 'rss') })),
  ];
}

/** The writing direction of a language tag the editor typed (empty: the page's). */
export function directionOf(language: string): 'ltr' | 'rtl' {
  return language.trim() ? textDirection(language.trim()) : 'ltr';
}

/** A time as the desk shows it: in the editor's own zone, with the zone named. */
export function shownTime(instant: string, locale?: string): string {
  // dateStyle and timeStyle cannot be combined with timeZoneName: the parts are named one by one.
  return new Intl.DateTimeFormat(locale, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(new Date(instant));
}
