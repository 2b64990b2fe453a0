import type { Article, ArticleStatus } from '../domain/article.js';
import { ValidationError } from '../domain/article-input.js';
import { isStorySlug } from '../domain/text.js';
import { ArticleNotFoundError, InvalidSlugError } from './errors.js';
import type { ArticlePage, ArticleRepository } from './ports.js';

export async function getArticle(slug: string, deps: { articles: ArticleRepository }): Promise<Article> {
  if (!isStorySlug(slug)) throw new InvalidSlugError(slug);
  const article = await deps.articles.get(slug);
  if (!article) throw new ArticleNotFoundError(slug);
  return article;
}

export const LIST_LIMIT = { default: 20, max: 100 } as const;
const STATUSES: readonly ArticleStatus[] = ['published', 'scheduled', 'retracted'];

/** Query string of GET /articles, as received. */
export interface ListQuery {
  limit?: string | undefined;
  cursor?: string | undefined;
  status?: string | undefined;
}

export async function listArticles(query: ListQuery, deps: { articles: ArticleRepository }): Promise<ArticlePage> {
  const problems = [];
  const limit = query.limit === undefined ? LIST_LIMIT.default : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > LIST_LIMIT.max || !/^\d+$/.test(query.limit ?? '1')) {
    problems.push({ pointer: '/limit', detail: `must be a whole number from 1 to ${LIST_LIMIT.max}` });
  }
  const status = (query.status ?? 'published') as ArticleStatus;
  if (!STATUSES.includes(status)) problems.push({ pointer: '/status', detail: `must be one of ${STATUSES.join(', ')}` });
  if (problems.length) throw new ValidationError(problems);
  return deps.articles.list({ status, limit, cursor: query.cursor });
}
