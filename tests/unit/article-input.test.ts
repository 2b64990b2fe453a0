import { describe, expect, it } from 'vitest';
import { draftArticle, isRfc3339, parseArticleInput, ValidationError, type FieldProblem } from '../../functions/domain/article-input.js';

const NOW = new Date('2026-11-27T12:00:00Z');

function problemsOf(raw: unknown): FieldProblem[] {
  try {
    parseArticleInput(raw);
  } catch (error) {
    if (error instanceof ValidationError) return error.problems;
    throw error;
  }
  return [];
}

const context = (existing?: ReturnType<typeof draftArticle>) => ({
  slug: 'rain-in-spain',
  defaultUrl: 'https://news.example.com/articles/rain-in-spain',
  defaultLanguage: 'en',
  now: NOW,
  existing,
});

describe('Domain: article input', () => {
  it('accepts a full story and keeps every field', () => {
    // Prepare
    const raw = {
      title: ' Rain in Spain ',
      kicker: 'Breaking News',
      summary: 'It rained.',
      bodyMarkdown: 'MADRID (Reuters) – It **rained**.',
      authors: [{ name: 'Ana Ruiz', url: 'https://news.example.com/staff/ana', email: 'ana@example.com' }],
      categories: ['Weather', 'Spain'],
      publishedAt: '2026-11-27T09:30:00+01:00',
      url: 'https://news.example.com/a/rain',
      image: {
        url: 'https://img.example.com/rain.jpg',
        alt: 'Rain',
        caption: 'Rain falls',
        credit: 'Juan Paz / AP',
        width: 1200,
        height: 800,
        length: 1000,
        type: 'image/jpeg',
      },
      language: 'es-ES',
    };
    // Act
    const article = draftArticle(parseArticleInput(raw), context());
    // Assess
    expect(article).toMatchObject({
      slug: 'rain-in-spain',
      title: 'Rain in Spain',
      kicker: 'Breaking News',
      body: '<p>MADRID (Reuters) – It <strong>rained</strong>.</p>',
      bodyMarkdown: 'MADRID (Reuters) – It **rained**.',
      publishedAt: '2026-11-27T09:30:00+01:00',
      updatedAt: NOW.toISOString(),
      url: 'https://news.example.com/a/rain',
      language: 'es-ES',
      status: 'published',
      revision: 1,
      image: raw.image,
      authors: raw.authors,
    });
  });

  it('names every bad field by JSON Pointer', () => {
    // Act
    const problems = problemsOf({
      title: 42,
      body: '<p>x</p>',
      bodyMarkdown: 'x',
      authors: [{ name: '' }, { url: 'ftp://x' }],
      categories: ['ok', '!!!'],
      publishedAt: '2026-13-01T00:00:00Z',
      url: 'javascript:alert(1)',
      image: { url: 'data:image/png;base64,AAAA', extra: true },
      language: 'not a language',
      surprise: 1,
    });
    // Assess
    expect(problems.map((problem) => problem.pointer).sort()).toEqual(
      [
        '/authors/0/name',
        '/authors/1/name',
        '/authors/1/url',
        '/bodyMarkdown',
        '/categories/1',
        '/image/extra',
        '/image/url',
        '/language',
        '/publishedAt',
        '/surprise',
        '/title',
        '/url',
      ].sort(),
    );
  });

  it('requires a title and exactly one body', () => {
    expect(
      problemsOf({})
        .map((problem) => problem.pointer)
        .sort(),
    ).toEqual(['/body', '/title']);
    expect(problemsOf('a string')).toEqual([{ pointer: '/', detail: 'must be a JSON object' }]);
    expect(problemsOf([])).toEqual([{ pointer: '/', detail: 'must be a JSON object' }]);
  });

  it('enforces the documented limits', () => {
    const problems = problemsOf({
      title: 'x'.repeat(301),
      bodyMarkdown: 'x',
      authors: Array.from({ length: 21 }, (_, index) => ({ name: `A${index}` })),
      categories: Array.from({ length: 21 }, (_, index) => `C${index}`),
    });
    expect(problems.map((problem) => problem.pointer).sort()).toEqual(['/authors', '/categories', '/title']);
  });

  it('checks RFC 3339 dates against the calendar', () => {
    expect(isRfc3339('2026-11-27T09:30:00+09:00')).toBe(true);
    expect(isRfc3339('2026-11-27T09:30:00.123Z')).toBe(true);
    expect(isRfc3339('2024-02-29T00:00:00Z')).toBe(true);
    expect(isRfc3339('2026-02-29T00:00:00Z')).toBe(false);
    expect(isRfc3339('2026-11-27T24:00:00Z')).toBe(false);
    expect(isRfc3339('2026-11-27T09:30:00')).toBe(false);
    expect(isRfc3339('2026-11-27T09:30:00+25:00')).toBe(false);
    expect(isRfc3339('27 Nov 2026')).toBe(false);
  });

  it('strips characters XML forbids and lone surrogates from text', () => {
    // Act
    const input = parseArticleInput({ title: 'Bad\u0000 \u0008title\uD800 \uFFFE😀', bodyMarkdown: 'x', categories: ['A\u0001B'] });
    // Assess
    expect(input.title).toBe('Bad title 😀');
    expect(input.categories).toEqual(['AB']);
  });

  it('sanitises HTML bodies to article markup', () => {
    // Act
    const article = draftArticle(
      parseArticleInput({
        title: 'T',
        body: '<p onclick="x()">Hi<script>alert(1)</script><iframe src="https://evil.example"></iframe><a href="javascript:alert(1)">link</a><img src="x" onerror="alert(1)"></p>',
      }),
      context(),
    );
    // Assess
    expect(article.body).toBe('<p>Hi<a>link</a><img src="x" /></p>');
  });

  it('keeps the publish time on a correction and moves the update time', () => {
    // Prepare
    const original = draftArticle(
      parseArticleInput({ title: 'T', bodyMarkdown: 'x', publishedAt: '2026-11-20T08:00:00-05:00' }),
      context(),
    );
    const later = { ...context(original), now: new Date('2026-11-28T00:00:00Z') };
    // Act
    const corrected = draftArticle(parseArticleInput({ title: 'T (corrected)', bodyMarkdown: 'x' }), later);
    const retried = draftArticle(parseArticleInput({ title: 'T', bodyMarkdown: 'x', publishedAt: '2026-11-20T08:00:00-05:00' }), later);
    // Assess
    expect(corrected.publishedAt).toBe('2026-11-20T08:00:00-05:00');
    expect(corrected.updatedAt).toBe('2026-11-28T00:00:00.000Z');
    expect(corrected.revision).toBe(2);
    expect(retried).toBe(original);
  });

  it('dates a story brought from another platform by its last correction there, between publish time and now', () => {
    // Prepare
    const story = (updatedAt: string) => ({ title: 'T', bodyMarkdown: 'x', publishedAt: '2024-09-14T10:00:00+01:00', updatedAt });
    const attempt = (updatedAt: string) => {
      try {
        return draftArticle(parseArticleInput(story(updatedAt)), context()).updatedAt;
      } catch (error) {
        if (error instanceof ValidationError) return error.problems;
        throw error;
      }
    };
    // Act / Assess
    expect(attempt('2024-09-15T08:00:00+02:00')).toBe('2024-09-15T06:00:00.000Z');
    expect(attempt('2024-09-14T08:00:00Z')).toEqual([{ pointer: '/updatedAt', detail: 'must not be before publishedAt' }]);
    expect(attempt('2099-01-01T00:00:00Z')).toEqual([{ pointer: '/updatedAt', detail: 'must not be in the future' }]);
    expect(attempt('last week')).toEqual([{ pointer: '/updatedAt', detail: expect.stringContaining('RFC 3339') }]);
  });

  it('schedules a story whose publish time is in the future', () => {
    const article = draftArticle(parseArticleInput({ title: 'T', bodyMarkdown: 'x', publishedAt: '2027-01-01T00:00:00Z' }), context());
    expect(article.status).toBe('scheduled');
  });

  it('drops duplicate categories that would share one feed', () => {
    const article = draftArticle(parseArticleInput({ title: 'T', bodyMarkdown: 'x', categories: ['World', 'world', 'WORLD!'] }), context());
    expect(article.categories).toEqual(['World']);
  });
});
