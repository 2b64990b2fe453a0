import { LeastRecentlyUsed } from '../commons/least-recently-used.js';
import { storyDigest, type Article } from '../domain/article.js';

/** Stories remembered per process: far more than a day's publishing at any newsroom. */
const REMEMBERED_STORIES = 10_000;

/**
 * The digest of each story whose feeds a regeneration in this process brought up to date and
 * released. A publish asks the regenerator for its feeds at once (`regenerateNow`), and the table
 * stream delivers the same change a moment later: that delivery finds every story exactly as
 * remembered here and renders only the feeds' pages for people the first run left (the lease, one
 * read, those pages, the release).
 *
 * Only a run that released the lease records anything, so a failed or interrupted run is always
 * redone. A story changed in any way since (edited, retracted, published when due, deleted) no longer
 * matches.
 */
export class RegeneratedStories {
  private readonly digests = new LeastRecentlyUsed<string>(REMEMBERED_STORIES);

  remember(slug: string, article: Article | undefined): void {
    if (article) this.digests.set(slug, storyDigest(article));
  }

  /** Whether the feeds already hold this story exactly as stored. */
  holds(slug: string, article: Article | undefined): boolean {
    return article !== undefined && this.digests.get(slug) === storyDigest(article);
  }
}
