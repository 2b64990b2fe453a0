import type { Article } from '../domain/article.js';
import { isStorySlug } from '../domain/text.js';
import { ArticleNotFoundError, ConcurrentUpdateError, InvalidSlugError } from './errors.js';
import { RevisionConflictError, type ArticleRepository, type Clock } from './ports.js';

const MAX_ATTEMPTS = 5;

/**
 * Withdraws a story from every feed (DELETE). The story is kept, marked retracted, so the
 * retraction can be announced and a later PUT can restore it. Retracting twice changes nothing.
 */
export async function retractArticle(slug: string, deps: { articles: ArticleRepository; clock: Clock }): Promise<Article> {
  if (!isStorySlug(slug)) throw new InvalidSlugError(slug);
  let existing = await deps.articles.get(slug);
  for (let attempt = 1; ; attempt++) {
    if (!existing) throw new ArticleNotFoundError(slug);
    if (existing.status === 'retracted') return existing;
    const now = deps.clock.now().toISOString();
    const retracted: Article = { ...existing, status: 'retracted', retractedAt: now, updatedAt: now, revision: existing.revision + 1 };
    try {
      await deps.articles.save(retracted, existing.revision);
      return retracted;
    } catch (error) {
      if (!(error instanceof RevisionConflictError)) throw error;
      if (attempt >= MAX_ATTEMPTS) throw ConcurrentUpdateError.onStory(slug);
      // Changed meanwhile: retract the story as it is now.
      existing = await error.storedStory(deps.articles);
    }
  }
}
