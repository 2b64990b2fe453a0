import * as z from 'zod/mini';
import './zod-messages.js';
import type { Article, Author, LeadImage } from './article.js';
import { renderMarkdown, sanitizeBodyHtml } from './html.js';
import { cleanText, feedSlug, xmlSafe } from './text.js';

/** Limits a story must respect; documented in docs/api.md and docs/openapi.json. */
export const LIMITS = {
  requestBytes: 256 * 1024,
  titleChars: 300,
  kickerChars: 120,
  summaryChars: 2_000,
  bodyBytes: 150 * 1024,
  authors: 20,
  authorNameChars: 200,
  categories: 20,
  categoryChars: 100,
  urlChars: 2_000,
  imageTextChars: 1_000,
  languageChars: 35,
  feedIdChars: 500,
} as const;

/** One problem with a request, located by JSON Pointer (RFC 6901) into the body. */
export interface FieldProblem {
  pointer: string;
  detail: string;
}

export class ValidationError extends Error {
  override readonly name = 'ValidationError';
  constructor(readonly problems: FieldProblem[]) {
    super(problems.map((problem) => `${problem.pointer}: ${problem.detail}`).join('; '));
  }
}

const text = (max: number) =>
  z
    .pipe(z.string().check(z.maxLength(max * 4, `must be at most ${max} characters`)), z.transform(cleanText))
    .check(z.refine((value) => value.length <= max, `must be at most ${max} characters`));

const optionalText = (max: number) =>
  z.optional(
    z.pipe(
      text(max),
      z.transform((value: string) => value || undefined),
    ),
  );

const httpUrl = z.pipe(
  z.string().check(
    z.maxLength(LIMITS.urlChars, `must be at most ${LIMITS.urlChars} characters`),
    z.refine((value) => {
      if (!URL.canParse(value)) return false;
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
    }, 'must be an absolute http(s) URL'),
  ),
  z.transform((value: string) => new URL(value).href),
);

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-](\d{2}):(\d{2}))$/;

/** RFC 3339 date-time with a time zone; calendar-checked (no 30 February, no hour 24). */
export function isRfc3339(value: string): boolean {
  const match = RFC3339.exec(value);
  if (!match) return false;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as number[];
  if (year! < 1900 || month! < 1 || month! > 12 || hour! > 23 || minute! > 59 || second! > 60) return false;
  const daysInMonth = new Date(Date.UTC(year!, month!, 0)).getUTCDate();
  if (day! < 1 || day! > daysInMonth) return false;
  if (match[9] !== undefined && (Number(match[9]) > 23 || Number(match[10]) > 59)) return false;
  return Number.isFinite(Date.parse(value.toUpperCase()));
}

const dateTime = z.pipe(
  z.string().check(z.maxLength(40), z.refine(isRfc3339, 'must be an RFC 3339 date-time with a time zone, e.g. 2026-03-01T09:30:00+09:00')),
  z.transform((value: string) => value.toUpperCase()),
);

const languageTag = z.pipe(
  z.string().check(
    z.maxLength(LIMITS.languageChars),
    z.refine((value) => {
      try {
        return Intl.getCanonicalLocales(value).length === 1;
      } catch {
        return false;
      }
    }, 'must be a BCP 47 language tag such as "en", "ar" or "zh-Hant"'),
  ),
  z.transform((value: string) => Intl.getCanonicalLocales(value)[0]!),
);

const notEmpty = z.refine<string>((value) => value.length > 0, 'must not be empty');

const authorSchema = z.strictObject({
  name: text(LIMITS.authorNameChars).check(notEmpty),
  url: z.optional(httpUrl),
  email: z.optional(z.email('must be an email address').check(z.maxLength(254))),
});

const imageSchema = z.strictObject({
  url: httpUrl,
  alt: optionalText(LIMITS.imageTextChars),
  caption: optionalText(LIMITS.imageTextChars),
  credit: optionalText(LIMITS.imageTextChars),
  type: z.optional(z.string().check(z.regex(/^image\/[a-z0-9.+-]+$/, 'must be an image MIME type such as image/jpeg'))),
  length: z.optional(z.int().check(z.minimum(0), z.maximum(Number.MAX_SAFE_INTEGER))),
  width: z.optional(z.int().check(z.minimum(1), z.maximum(100_000))),
  height: z.optional(z.int().check(z.minimum(1), z.maximum(100_000))),
});

const categorySchema = text(LIMITS.categoryChars).check(
  z.refine((value) => feedSlug(value).length > 0, 'must contain at least one letter or digit'),
);

export const articleInputSchema = z.strictObject({
  title: text(LIMITS.titleChars).check(notEmpty),
  kicker: optionalText(LIMITS.kickerChars),
  summary: optionalText(LIMITS.summaryChars),
  body: z.optional(z.pipe(z.string(), z.transform(xmlSafe))),
  bodyMarkdown: z.optional(z.pipe(z.string(), z.transform(xmlSafe))),
  authors: z._default(z.array(authorSchema).check(z.maxLength(LIMITS.authors, `at most ${LIMITS.authors} authors`)), []),
  categories: z._default(z.array(categorySchema).check(z.maxLength(LIMITS.categories, `at most ${LIMITS.categories} categories`)), []),
  publishedAt: z.optional(dateTime),
  /** When the story was last corrected on the platform it comes from; otherwise a change is dated now. */
  updatedAt: z.optional(dateTime),
  url: z.optional(httpUrl),
  image: z.optional(imageSchema),
  language: z.optional(languageTag),
  /** The id readers already have for the story (RSS guid, Atom id, JSON Feed id), from a feed it came from. */
  feedId: z.optional(
    text(LIMITS.feedIdChars).check(
      notEmpty,
      z.refine((value) => !/\s/.test(value), 'must not contain spaces or line breaks: it is the id feed readers know the story by'),
    ),
  ),
});

export type ArticleInput = z.output<typeof articleInputSchema>;

function pointer(path: readonly PropertyKey[]): string {
  return path.map((part) => `/${String(part).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('') || '/';
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let value = raw;
  for (const key of path) value = value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  return value;
}

function problemsOf(error: z.core.$ZodError, raw: unknown): FieldProblem[] {
  return error.issues.flatMap((issue): FieldProblem[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ pointer: pointer([...issue.path, key]), detail: 'is not a known field' }));
    }
    if (issue.code === 'invalid_type' && valueAt(raw, issue.path) === undefined) {
      return [{ pointer: pointer(issue.path), detail: 'is required' }];
    }
    if (issue.code === 'invalid_type') {
      return [{ pointer: pointer(issue.path), detail: `must be ${article(issue.expected)}, not ${describe(valueAt(raw, issue.path))}` }];
    }
    return [{ pointer: pointer(issue.path), detail: issue.message }];
  });
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return article(typeof value);
}

/** Validates a request body; throws ValidationError listing every bad field. */
export function parseArticleInput(raw: unknown): ArticleInput {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ValidationError([{ pointer: '/', detail: 'must be a JSON object' }]);
  }
  const result = articleInputSchema.safeParse(raw);
  const problems = result.success ? [] : problemsOf(result.error, raw);
  // Checked here rather than as a schema refinement, so it is reported alongside other problems.
  const fields = raw as Record<string, unknown>;
  if ((fields.body === undefined) === (fields.bodyMarkdown === undefined)) {
    problems.push({
      pointer: fields.body === undefined ? '/body' : '/bodyMarkdown',
      detail: 'exactly one of "body" (HTML) and "bodyMarkdown" is required',
    });
  }
  if (problems.length || !result.success) throw new ValidationError(problems);
  return result.data;
}

/** Body HTML from whichever of the two body fields was sent, sanitised; checks its size. */
export function renderBody(input: Pick<ArticleInput, 'body' | 'bodyMarkdown'>): string {
  const html = input.bodyMarkdown !== undefined ? renderMarkdown(input.bodyMarkdown) : sanitizeBodyHtml(input.body ?? '');
  const field = input.bodyMarkdown !== undefined ? '/bodyMarkdown' : '/body';
  if (Buffer.byteLength(html, 'utf8') > LIMITS.bodyBytes) {
    throw new ValidationError([{ pointer: field, detail: `must be at most ${LIMITS.bodyBytes} bytes of HTML` }]);
  }
  return html;
}

function uniqueCategories(categories: string[]): string[] {
  const seen = new Set<string>();
  return categories.filter((category) => {
    const key = feedSlug(category);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}

export interface ArticleDraftContext {
  slug: string;
  /** Canonical link used when the input has none. */
  defaultUrl: string;
  defaultLanguage: string;
  now: Date;
  /** The stored version this input replaces, if any. */
  existing?: Article | undefined;
}

/**
 * Turns validated input into the story to store. A correction keeps the original publish time
 * unless the editor sends a new one; `updatedAt` moves only when something actually changed, so an
 * identical retry is a no-op.
 */
export function draftArticle(input: ArticleInput, context: ArticleDraftContext): Article {
  const { existing, now } = context;
  const publishedAt = input.publishedAt ?? existing?.publishedAt ?? now.toISOString();
  const status = Date.parse(publishedAt) > now.getTime() ? 'scheduled' : 'published';
  const authors: Author[] = input.authors.map((author) => withoutUndefined({ ...author }));
  const image: LeadImage | undefined = input.image ? withoutUndefined({ ...input.image }) : undefined;
  const candidate: Article = withoutUndefined({
    slug: context.slug,
    title: input.title,
    kicker: input.kicker,
    summary: input.summary,
    body: renderBody(input),
    bodyMarkdown: input.bodyMarkdown,
    authors,
    categories: uniqueCategories(input.categories),
    publishedAt,
    updatedAt: correctedAt(input, publishedAt, now),
    url: input.url ?? context.defaultUrl,
    image,
    language: input.language ?? context.defaultLanguage,
    feedId: feedIdOf(input, existing),
    status,
    revision: (existing?.revision ?? 0) + 1,
  });
  if (existing && sameContent(existing, candidate)) return existing;
  return candidate;
}

/**
 * When a change is dated: now, or the correction time a story brought from another platform
 * carries, which must lie between its publish time and now.
 */
function correctedAt(input: ArticleInput, publishedAt: string, now: Date): string {
  if (input.updatedAt === undefined) return now.toISOString();
  const updated = Date.parse(input.updatedAt);
  if (updated > now.getTime()) throw new ValidationError([{ pointer: '/updatedAt', detail: 'must not be in the future' }]);
  if (updated < Date.parse(publishedAt)) throw new ValidationError([{ pointer: '/updatedAt', detail: 'must not be before publishedAt' }]);
  return new Date(updated).toISOString();
}

/**
 * The id a story is known by in feeds, kept once set: a correction that leaves `feedId` out keeps
 * it, and one that names another (or gives one to a story stored without) is refused, as readers
 * would see the story again as new.
 */
function feedIdOf(input: ArticleInput, existing: Article | undefined): string | undefined {
  if (input.feedId === undefined || existing === undefined) return input.feedId ?? existing?.feedId;
  if (input.feedId !== existing.feedId) {
    const detail = existing.feedId
      ? `cannot change once set: the story is known to feed readers as ${JSON.stringify(existing.feedId)}`
      : 'cannot be given to a story already stored without one: feed readers already know it by its own id';
    throw new ValidationError([{ pointer: '/feedId', detail }]);
  }
  return input.feedId;
}

const BOOKKEEPING = new Set(['updatedAt', 'revision', 'retractedAt']);

/** Whether two versions of a story differ in anything a reader or a feed could see. */
export function sameContent(a: Article, b: Article): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/** JSON with object keys sorted and bookkeeping fields left out (storage does not keep key order). */
function canonicalJson(article: Article): string {
  return JSON.stringify(article, (key, value: unknown) => {
    if (BOOKKEEPING.has(key)) return undefined;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
    return Object.fromEntries(Object.entries(value).sort(([left], [right]) => (left < right ? -1 : 1)));
  });
}
