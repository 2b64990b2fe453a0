import { describe, expect, it } from 'vitest';
import type { Article } from '../../functions/domain/article.js';
import type { Clock } from '../../functions/use-cases/ports.js';
import { publishDueArticles } from '../../functions/use-cases/publish-due.js';
import { InMemoryArticleRepository } from '../support/in-memory-article-repository.js';

const NOW = new Date('2026-11-27T12:00:00Z');
const clock: Clock = { now: () => NOW };

function scheduledStory(slug: string, publishedAt: string, overrides: Partial<Article> = {}): Article {
  return {
    slug,
    title: `Story ${slug}`,
    body: '<p>Body</p>',
    authors: [{ name: 'Jane Roe' }],
    categories: ['World'],
    publishedAt,
    updatedAt: '2026-11-26T08:00:00.000Z',
    url: `https://news.example.com/articles/${slug}`,
    language: 'en',
    status: 'scheduled',
    revision: 1,
    ...overrides,
  };
}

describe('Use case: publishDueArticles', () => {
  it('publishes a story whose time has come, with updatedAt no earlier than its publish time', async () => {
    // Prepare (11:59 UTC, written with the editor's +09:00 offset)
    const articles = new InMemoryArticleRepository([scheduledStory('due-story', '2026-11-27T20:59:00+09:00')]);
    // Act
    const published = await publishDueArticles({ articles, clock });
    // Assess
    expect(published).toEqual(['due-story']);
    expect(articles.stored.get('due-story')).toEqual(
      scheduledStory('due-story', '2026-11-27T20:59:00+09:00', { status: 'published', updatedAt: '2026-11-27T11:59:00.000Z', revision: 2 }),
    );
  });

  it('publishes a story due exactly now', async () => {
    // Prepare
    const articles = new InMemoryArticleRepository([scheduledStory('on-the-dot', NOW.toISOString())]);
    // Act
    const published = await publishDueArticles({ articles, clock });
    // Assess
    expect(published).toEqual(['on-the-dot']);
    expect(articles.stored.get('on-the-dot')?.status).toBe('published');
  });

  it('keeps a later updatedAt (a correction made after the publish time)', async () => {
    // Prepare
    const story = scheduledStory('corrected', '2026-11-27T11:00:00Z', { updatedAt: '2026-11-27T11:30:00.000Z' });
    const articles = new InMemoryArticleRepository([story]);
    // Act
    await publishDueArticles({ articles, clock });
    // Assess
    expect(articles.stored.get('corrected')).toMatchObject({ status: 'published', updatedAt: '2026-11-27T11:30:00.000Z', revision: 2 });
  });

  it('leaves a story whose time has not come', async () => {
    // Prepare
    const later = scheduledStory('later', '2026-11-27T12:00:01Z');
    const articles = new InMemoryArticleRepository([later, scheduledStory('now-due', '2026-11-27T11:00:00Z')]);
    // Act
    const published = await publishDueArticles({ articles, clock });
    // Assess
    expect(published).toEqual(['now-due']);
    expect(articles.stored.get('later')).toEqual(later);
  });

  it('does not rely on the repository alone to hold back a story not yet due', async () => {
    // Prepare (a repository whose time filter is too generous, e.g. text order across offsets)
    const early = scheduledStory('not-yet', '2026-11-27T12:30:00Z');
    const articles = new InMemoryArticleRepository([early]);
    articles.due = async () => [structuredClone(early)];
    // Act
    const published = await publishDueArticles({ articles, clock });
    // Assess
    expect(published).toEqual([]);
    expect(articles.stored.get('not-yet')?.status).toBe('scheduled');
  });

  it('leaves alone a story rescheduled between the read and the write', async () => {
    // Prepare
    const articles = new InMemoryArticleRepository([
      scheduledStory('rescheduled', '2026-11-27T11:00:00Z'),
      scheduledStory('other', '2026-11-27T11:30:00Z'),
    ]);
    const moved = scheduledStory('rescheduled', '2026-12-25T09:00:00Z', { updatedAt: '2026-11-27T11:59:59.000Z', revision: 2 });
    articles.afterDue = () => articles.stored.set('rescheduled', structuredClone(moved));
    // Act
    const published = await publishDueArticles({ articles, clock });
    // Assess
    expect(published).toEqual(['other']);
    expect(articles.stored.get('rescheduled')).toEqual(moved);
  });

  it('leaves alone a story retracted between the read and the write', async () => {
    // Prepare
    const articles = new InMemoryArticleRepository([scheduledStory('withdrawn', '2026-11-27T11:00:00Z')]);
    const retracted = scheduledStory('withdrawn', '2026-11-27T11:00:00Z', {
      status: 'retracted',
      retractedAt: '2026-11-27T11:59:59.000Z',
      updatedAt: '2026-11-27T11:59:59.000Z',
      revision: 2,
    });
    articles.afterDue = () => articles.stored.set('withdrawn', structuredClone(retracted));
    // Act
    const published = await publishDueArticles({ articles, clock });
    // Assess
    expect(published).toEqual([]);
    expect(articles.stored.get('withdrawn')).toEqual(retracted);
  });

  it('passes on a failure other than a revision conflict (the next sweep retries)', async () => {
    // Prepare
    const articles = new InMemoryArticleRepository([scheduledStory('unlucky', '2026-11-27T11:00:00Z')]);
    articles.save = async () => {
      throw new Error('ProvisionedThroughputExceededException');
    };
    // Act
    const sweep = publishDueArticles({ articles, clock });
    // Assess
    await expect(sweep).rejects.toThrow('ProvisionedThroughputExceededException');
  });

  it('reads at most one batch per sweep, oldest first', async () => {
    // Prepare
    const articles = new InMemoryArticleRepository([
      scheduledStory('third', '2026-11-27T11:03:00Z'),
      scheduledStory('first', '2026-11-27T11:01:00Z'),
      scheduledStory('second', '2026-11-27T11:02:00Z'),
    ]);
    // Act
    const published = await publishDueArticles({ articles, clock }, 2);
    // Assess
    expect(published).toEqual(['first', 'second']);
    expect(articles.stored.get('third')?.status).toBe('scheduled');
  });
});
