import type { Article } from '../domain/article.js';
import { RevisionConflictError, type ArticleRepository, type Clock } from './ports.js';

/**
 * Publishes scheduled stories whose time has come. Each is a conditional write on the revision it
 * read, so a story rescheduled or retracted meanwhile is left alone; the write reaches the feeds
 * through the table stream like any other change.
 */
export async function publishDueArticles(deps: { articles: ArticleRepository; clock: Clock }, batch = 100): Promise<string[]> {
  const now = deps.clock.now();
  const published: string[] = [];
  for (const article of await deps.articles.due(now, batch)) {
    if (Date.parse(article.publishedAt) > now.getTime()) continue;
    const updatedAt =
      Date.parse(article.updatedAt) < Date.parse(article.publishedAt) ? new Date(article.publishedAt).toISOString() : article.updatedAt;
    const live: Article = { ...article, status: 'published', updatedAt, revision: article.revision + 1 };
    try {
      await deps.articles.save(live, article.revision);
      published.push(article.slug);
    } catch (error) {
      if (!(error instanceof RevisionConflictError)) throw error;
    }
  }
  return published;
}
