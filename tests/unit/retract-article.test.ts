import { describe, expect, it } from 'vitest';
import type { Article } from '../../functions/domain/article.js';
import { ArticleNotFoundError, ConcurrentUpdateError } from '../../functions/use-cases/errors.js';
import type { Clock } from '../../functions/use-cases/ports.js';
import { retractArticle } from '../../functions/use-cases/retract-article.js';
import { InMemoryArticleRepository } from '../support/in-memory-article-repository.js';

const clock: Clock = { now: () => new Date('2026-11-28T12:00:00Z') };
const STORY: Article = {
  slug: 'rain-in-spain',
  title: 'Rain in Spain',
  body: '<p>It rained.</p>',
  authors: [{ name: 'Jane Roe' }],
  categories: ['World'],
  publishedAt: '2026-11-28T09:00:00Z',
  updatedAt: '2026-11-28T09:00:00Z',
  url: 'https://news.example.com/articles/rain-in-spain',
  language: 'en',
  status: 'published',
  revision: 1,
};

function world(options: { conflictsNameTheStory?: boolean } = {}) {
  const articles = new InMemoryArticleRepository([STORY]);
  articles.conflictsNameTheStory = options.conflictsNameTheStory ?? true;
  return { articles, deps: { articles, clock } };
}

/** Another writer's correction, landing once before the next save. */
function correctedOnce(articles: InMemoryArticleRepository, times = 1): void {
  let left = times;
  articles.beforeSave = () => {
    if (left-- <= 0) return;
    const stored = articles.stored.get(STORY.slug)!;
    articles.stored.set(STORY.slug, { ...stored, title: `${stored.title} (corrected)`, revision: stored.revision + 1 });
  };
}

describe('Use case: retractArticle', () => {
  it('retracts a story with one read and one write', async () => {
    // Prepare
    const { articles, deps } = world();

    // Act
    const retracted = await retractArticle(STORY.slug, deps);

    // Assess
    expect(retracted).toMatchObject({ status: 'retracted', retractedAt: '2026-11-28T12:00:00.000Z', revision: 2 });
    expect(articles.stored.get(STORY.slug)).toEqual(retracted);
    expect(articles.calls).toEqual({ get: 1, save: 1 });
  });

  it('retracts the story as changed meanwhile, from the refused write, without reading it again', async () => {
    // Prepare
    const { articles, deps } = world();
    correctedOnce(articles);

    // Act
    const retracted = await retractArticle(STORY.slug, deps);

    // Assess
    expect(retracted).toMatchObject({ title: 'Rain in Spain (corrected)', status: 'retracted', revision: 3 });
    expect(articles.stored.get(STORY.slug)).toEqual(retracted);
    expect(articles.calls).toEqual({ get: 1, save: 2 });
  });

  it('reads the story again when the refused write does not name it (as with dynalite)', async () => {
    // Prepare
    const { articles, deps } = world({ conflictsNameTheStory: false });
    correctedOnce(articles);

    // Act
    const retracted = await retractArticle(STORY.slug, deps);

    // Assess
    expect(retracted).toMatchObject({ title: 'Rain in Spain (corrected)', status: 'retracted', revision: 3 });
    expect(articles.calls).toEqual({ get: 2, save: 2 });
  });

  it('changes nothing when the story is already retracted', async () => {
    // Prepare
    const { articles, deps } = world();
    const first = await retractArticle(STORY.slug, deps);

    // Act
    const again = await retractArticle(STORY.slug, { ...deps, clock: { now: () => new Date('2026-11-29T12:00:00Z') } });

    // Assess
    expect(again).toEqual(first);
    expect(articles.stored.get(STORY.slug)).toEqual(first);
  });

  it('gives up with a retryable error when every write loses to another writer, and leaves the story as that writer made it', async () => {
    // Prepare
    const { articles, deps } = world();
    correctedOnce(articles, 10);

    // Act
    const outcome = retractArticle(STORY.slug, deps);

    // Assess
    await expect(outcome).rejects.toBeInstanceOf(ConcurrentUpdateError);
    expect(articles.stored.get(STORY.slug)?.status).toBe('published');
    expect(articles.calls.save).toBe(5);
  });

  it('answers not found for a story that does not exist', async () => {
    // Prepare
    const { deps } = world();

    // Act
    const outcome = retractArticle('no-such-story', deps);

    // Assess
    await expect(outcome).rejects.toBeInstanceOf(ArticleNotFoundError);
  });
});
