import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../functions/domain/article-input.js';
import { ConcurrentUpdateError } from '../../functions/use-cases/errors.js';
import type { Clock } from '../../functions/use-cases/ports.js';
import { putArticle } from '../../functions/use-cases/publish-article.js';
import { InMemoryArticleRepository } from '../support/in-memory-article-repository.js';
import { SITE } from './rendering/support/stories.js';

const clock: Clock = { now: () => new Date('2026-11-27T12:00:00Z') };
const STORY = {
  title: 'Rain in Spain',
  bodyMarkdown: 'It rained.',
  categories: ['World'],
  authors: [{ name: 'Jane Roe' }],
  publishedAt: '2026-11-27T09:00:00Z',
};

function world(options: { conflictsNameTheStory?: boolean } = {}) {
  const articles = new InMemoryArticleRepository([]);
  articles.conflictsNameTheStory = options.conflictsNameTheStory ?? true;
  return { articles, deps: { articles, clock, site: SITE } };
}

describe('Use case: putArticle', () => {
  it('creates a new story with one write and no read', async () => {
    // Prepare
    const { articles, deps } = world();

    // Act
    const outcome = await putArticle('rain-in-spain', STORY, deps);

    // Assess
    expect(outcome.created).toBe(true);
    expect(outcome.article.revision).toBe(1);
    expect(articles.calls).toEqual({ get: 0, save: 1 });
    expect(articles.stored.get('rain-in-spain')?.title).toBe('Rain in Spain');
  });

  it('replaces a stored story from the refused first write, without a read, when the store names it', async () => {
    // Prepare
    const { articles, deps } = world();
    await putArticle('rain-in-spain', STORY, deps);
    articles.calls.get = articles.calls.save = 0;

    // Act
    const outcome = await putArticle('rain-in-spain', { ...STORY, title: 'Rain in Spain (corrected)' }, deps);

    // Assess
    expect(outcome.created).toBe(false);
    expect(outcome.article.revision).toBe(2);
    expect(articles.stored.get('rain-in-spain')?.title).toBe('Rain in Spain (corrected)');
    expect(articles.calls).toEqual({ get: 0, save: 2 });
  });

  it('reads the stored story when the refused write does not name it (as with dynalite)', async () => {
    // Prepare
    const { articles, deps } = world({ conflictsNameTheStory: false });
    await putArticle('rain-in-spain', STORY, deps);
    articles.calls.get = articles.calls.save = 0;

    // Act
    const outcome = await putArticle('rain-in-spain', { ...STORY, title: 'Rain in Spain (corrected)' }, deps);

    // Assess
    expect(outcome.article.revision).toBe(2);
    expect(articles.calls).toEqual({ get: 1, save: 2 });
  });

  it('changes nothing for an identical PUT, not even its revision', async () => {
    // Prepare
    const { articles, deps } = world();
    const first = await putArticle('rain-in-spain', STORY, deps);

    // Act
    const again = await putArticle('rain-in-spain', STORY, deps);

    // Assess
    expect(again.created).toBe(false);
    expect(again.article).toEqual(first.article);
    expect(articles.stored.get('rain-in-spain')).toEqual(first.article);
  });

  it('keeps the stored creation facts when the slug turns out to be taken', async () => {
    // Prepare: stored earlier, with its own publish time
    const { deps } = world();
    const original = await putArticle('rain-in-spain', STORY, deps);

    // Act: a correction that gives no publish time
    const { publishedAt: _, ...withoutTime } = STORY;
    const corrected = await putArticle('rain-in-spain', { ...withoutTime, title: 'Rain in Spain (corrected)' }, deps);

    // Assess
    expect(corrected.article.publishedAt).toBe(original.article.publishedAt);
  });

  it('gives up with a ConcurrentUpdateError when other writers keep changing the story', async () => {
    // Prepare: another writer bumps the revision before every write
    const { articles, deps } = world();
    await putArticle('rain-in-spain', STORY, deps);
    articles.beforeSave = () => {
      const stored = articles.stored.get('rain-in-spain')!;
      articles.stored.set('rain-in-spain', { ...stored, revision: stored.revision + 1 });
    };
    articles.calls.save = 0;

    // Act
    const attempt = putArticle('rain-in-spain', { ...STORY, title: 'Mine' }, deps);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ConcurrentUpdateError);
    expect(articles.calls.save).toBe(6);
  });

  it('keeps the id readers already have: a correction without feedId keeps it, and none changes it', async () => {
    // Prepare
    const { articles, deps } = world();
    const feedId = 'https://old.example.com/?p=1234';
    await putArticle('rain-in-spain', { ...STORY, feedId }, deps);

    // Act
    const corrected = await putArticle('rain-in-spain', { ...STORY, title: 'Rain in Spain (corrected)' }, deps);
    const repeated = await putArticle('rain-in-spain', { ...STORY, title: 'Rain in Spain (corrected)', feedId }, deps);
    const changing = putArticle('rain-in-spain', { ...STORY, feedId: 'https://old.example.com/?p=9' }, deps);

    // Assess
    expect(corrected.article.feedId).toBe(feedId);
    expect(repeated.article.revision).toBe(corrected.article.revision);
    await expect(changing).rejects.toThrow(ValidationError);
    await expect(changing).rejects.toThrow(
      /\/feedId: cannot change once set: the story is known to feed readers as "https:\/\/old.example.com\/\?p=1234"/,
    );
    expect(articles.stored.get('rain-in-spain')?.feedId).toBe(feedId);
  });

  it('refuses to give a kept id to a story already stored without one, and an id with spaces', async () => {
    // Prepare
    const { articles, deps } = world();
    await putArticle('rain-in-spain', STORY, deps);

    // Act
    const late = putArticle('rain-in-spain', { ...STORY, feedId: 'urn:uuid:3f2504e0-4f89-11d3-9a0c-0305e82c3301' }, deps);
    const spaced = putArticle('snow-in-oslo', { ...STORY, feedId: 'post 12' }, deps);

    // Assess
    await expect(late).rejects.toThrow(/\/feedId: cannot be given to a story already stored without one/);
    await expect(spaced).rejects.toThrow(/\/feedId: must not contain spaces/);
    expect(articles.stored.get('rain-in-spain')?.feedId).toBeUndefined();
    expect(articles.stored.has('snow-in-oslo')).toBe(false);
  });
});
