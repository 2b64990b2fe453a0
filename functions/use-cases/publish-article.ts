import type { Article } from '../domain/article.js';
import { draftArticle, parseArticleInput } from '../domain/article-input.js';
import type { SiteSettings } from '../domain/site.js';
import { isStorySlug, storySlugFromTitle } from '../domain/text.js';
import { ConcurrentUpdateError, InvalidSlugError, PreconditionFailedError } from './errors.js';
import { RevisionConflictError, type ArticleRepository, type Clock } from './ports.js';

export interface PublishDependencies {
  articles: ArticleRepository;
  clock: Clock;
  site: SiteSettings;
}

/** `changed`: false when the story was already stored exactly so (nothing was written). */
export type PutOutcome = { article: Article; created: boolean; changed: boolean };

/**
 * What a conditional PUT (`If-Match`) asks of the stored story: that it exists at all, or that it
 * is still at one of the revisions the client read.
 */
export type WritePrecondition = { anyRevision: true } | { revisions: readonly number[] };

function holds(precondition: WritePrecondition, current: Article | undefined): boolean {
  if (!current) return false;
  return 'anyRevision' in precondition || precondition.revisions.includes(current.revision);
}

/** One write that assumes a new story, then up to five reads and writes if the slug is taken. */
const MAX_ATTEMPTS = 6;

export function defaultArticleUrl(site: SiteSettings, slug: string): string {
  return `${site.baseUrl}/articles/${slug}`;
}

/**
 * Creates or replaces the story at `slug` (PUT). Optimistic concurrency on the stored revision:
 * of two racing writes, each is applied whole and the last acknowledged one wins.
 *
 * Most PUTs create a story, so the first write assumes the slug is free: one round trip instead
 * of a read and a write. When it is taken, the refused write brings back the stored story (or it
 * is read), and the story is drafted again over it; an identical PUT then changes nothing.
 *
 * With a precondition the stored story is read first and must meet it, at that read and at every
 * refused write after it; otherwise nothing is stored and `PreconditionFailedError` carries the
 * story as it is now. Without one, the last acknowledged write wins.
 */
export async function putArticle(
  slug: string,
  body: unknown,
  deps: PublishDependencies,
  precondition?: WritePrecondition,
): Promise<PutOutcome> {
  if (!isStorySlug(slug)) throw new InvalidSlugError(slug);
  const input = parseArticleInput(body);
  // What the store held at the last read or refused write (undefined: assumed free).
  let existing: Article | undefined = precondition ? await deps.articles.get(slug) : undefined;
  for (let attempt = 1; ; attempt++) {
    if (precondition && !holds(precondition, existing)) throw new PreconditionFailedError(slug, existing);
    const article = draftArticle(input, {
      slug,
      defaultUrl: defaultArticleUrl(deps.site, slug),
      defaultLanguage: deps.site.language,
      now: deps.clock.now(),
      existing,
    });
    if (existing !== undefined && article === existing) return { article, created: false, changed: false };
    // A kept id is the story's alone: claimed before the story that carries it is stored.
    if (article.feedId !== undefined && existing?.feedId !== article.feedId) await deps.articles.claimFeedId(article.feedId, slug);
    try {
      await deps.articles.save(article, existing?.revision);
      return { article, created: existing === undefined, changed: true };
    } catch (error) {
      if (!(error instanceof RevisionConflictError) || attempt >= MAX_ATTEMPTS) throw asConcurrent(error);
      existing = await error.storedStory(deps.articles);
    }
  }
}

/** Creates a story with a fresh slug derived from its title (POST). */
export async function createArticle(body: unknown, deps: PublishDependencies): Promise<Article> {
  const input = parseArticleInput(body);
  const now = deps.clock.now();
  const base = storySlugFromTitle(input.title) || `story-${now.getTime().toString(36)}`;
  for (let attempt = 1; attempt <= 50; attempt++) {
    const slug = attempt === 1 ? base : `${base}-${attempt}`;
    const article = draftArticle(input, {
      slug,
      defaultUrl: defaultArticleUrl(deps.site, slug),
      defaultLanguage: deps.site.language,
      now,
    });
    try {
      await deps.articles.save(article, undefined);
      return article;
    } catch (error) {
      if (!(error instanceof RevisionConflictError)) throw error;
    }
  }
  throw new ConcurrentUpdateError(`No free slug near "${base}"; choose one with PUT /articles/{slug}`);
}

function asConcurrent(error: unknown): unknown {
  return error instanceof RevisionConflictError ? ConcurrentUpdateError.onStory(error.slug) : error;
}
