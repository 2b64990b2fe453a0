import type { Article } from '../domain/article.js';
import { draftArticle, parseArticleInput } from '../domain/article-input.js';
import { isStorySlug, storySlugFromTitle } from '../domain/text.js';
import { renderEntryFragments } from '../rendering/entry-fragments.js';
import { InvalidSlugError } from './errors.js';
import { defaultArticleUrl, type PublishDependencies } from './publish-article.js';

/** A story as it would be stored, and its item in each format, exactly as the feeds would hold it. */
export interface ArticlePreview {
  article: Article;
  items: { rss: string; atom: string; json: unknown };
}

/**
 * What a PUT would store and publish, without storing anything: the same validation, sanitising
 * and drafting (over the stored story at `slug`, when there is one, so a correction shows its
 * publish time kept and its update time), rendered by the feeds' own renderers.
 */
export async function previewArticle(body: unknown, slug: string | undefined, deps: PublishDependencies): Promise<ArticlePreview> {
  if (slug !== undefined && !isStorySlug(slug)) throw new InvalidSlugError(slug);
  const input = parseArticleInput(body);
  const chosen = slug ?? (storySlugFromTitle(input.title) || 'untitled');
  const existing = slug === undefined ? undefined : await deps.articles.get(slug);
  const drafted = draftArticle(input, {
    slug: chosen,
    defaultUrl: defaultArticleUrl(deps.site, chosen),
    defaultLanguage: deps.site.language,
    now: deps.clock.now(),
    existing,
  });
  // A correction previews as the revision it would become.
  const article = existing && drafted === existing ? existing : drafted;
  const fragments = renderEntryFragments(deps.site, article);
  return {
    article,
    items: {
      rss: fragments.rss.toString('utf8'),
      atom: fragments.atom.toString('utf8'),
      json: JSON.parse(fragments.json.toString('utf8')),
    },
  };
}
