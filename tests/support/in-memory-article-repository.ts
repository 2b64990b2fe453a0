import type { Article } from '../../functions/domain/article.js';
import { FeedIdTakenError } from '../../functions/use-cases/errors.js';
import { RevisionConflictError, type ArticlePage, type ArticleRepository } from '../../functions/use-cases/ports.js';

/**
 * An in-memory ArticleRepository that keeps the port's contract: conditional saves on revision
 * (a refused one names the stored story, as DynamoDB does, unless `conflictsNameTheStory` is
 * false, as with dynalite), `due` returning scheduled stories whose time is at or before
 * `until`, oldest first. `calls` counts reads and writes.
 */
export class InMemoryArticleRepository implements ArticleRepository {
  readonly stored = new Map<string, Article>();
  /** Runs after `due` has read, before the use case writes: another writer's change. */
  afterDue?: () => void;
  /** Runs before each save: another writer's change. */
  beforeSave?: () => void;
  conflictsNameTheStory = true;
  readonly calls = { get: 0, save: 0 };

  constructor(articles: Article[]) {
    for (const article of articles) this.stored.set(article.slug, structuredClone(article));
  }

  async get(slug: string): Promise<Article | undefined> {
    this.calls.get++;
    const article = this.stored.get(slug);
    return article && structuredClone(article);
  }

  async getMany(slugs: string[]): Promise<Map<string, Article>> {
    return new Map(slugs.flatMap((slug) => (this.stored.has(slug) ? [[slug, structuredClone(this.stored.get(slug)!)] as const] : [])));
  }

  async save(article: Article, expectedRevision: number | undefined): Promise<void> {
    this.calls.save++;
    this.beforeSave?.();
    const stored = this.stored.get(article.slug);
    if (stored?.revision !== expectedRevision) {
      throw new RevisionConflictError(article.slug, this.conflictsNameTheStory && stored ? structuredClone(stored) : undefined);
    }
    this.stored.set(article.slug, structuredClone(article));
  }

  /** Kept feed ids and the slug that holds each. */
  readonly feedIdClaims = new Map<string, string>();

  async claimFeedId(feedId: string, slug: string): Promise<void> {
    const holder = this.feedIdClaims.get(feedId);
    if (holder !== undefined && holder !== slug && this.stored.get(holder)?.feedId === feedId) throw new FeedIdTakenError(feedId, holder);
    this.feedIdClaims.set(feedId, slug);
  }

  async list(query: { status: Article['status']; limit: number }): Promise<ArticlePage> {
    const articles = [...this.stored.values()]
      .filter((article) => article.status === query.status)
      .sort((a, b) => Date.parse(b.publishedAt) - Date.parse(a.publishedAt));
    return { articles: articles.slice(0, query.limit).map((article) => structuredClone(article)) };
  }

  async due(until: Date, limit: number): Promise<Article[]> {
    const due = [...this.stored.values()]
      .filter((article) => article.status === 'scheduled' && Date.parse(article.publishedAt) <= until.getTime())
      .sort((a, b) => Date.parse(a.publishedAt) - Date.parse(b.publishedAt))
      .slice(0, limit)
      .map((article) => structuredClone(article));
    this.afterDue?.();
    return due;
  }

  async *allSlugs(): AsyncIterable<string[]> {
    yield [...this.stored.keys()];
  }
}
