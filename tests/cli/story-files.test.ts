import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  findStoryFiles,
  formatProblem,
  parseStoryFile,
  StoryFileError,
  type StoryFileProblem,
} from '../../story-publishing/story-files.js';

const FILE = 'content/articles/harbour-reopens.md';

const VALID = `---
title: "Harbour reopens after storm repairs"
kicker: "Local"
summary: "Ferries resume on Monday."
authors:
  - name: "A. Reporter"
    url: "https://news.example.com/staff/a-reporter"
categories: ["Local", "Transport"]
publishedAt: "2026-03-01T09:30:00+09:00"
url: "https://news.example.com/articles/harbour-reopens"
image:
  url: "https://images.example.com/harbour.jpg"
  alt: "Ferries at the quay"
  caption: "The quay on Sunday."
  credit: "Jane Roe / Agency"
language: "en-GB"
---
The harbour reopens **on Monday**.
`;

/** The problems a file's text produces (none: an empty list). */
function problemsOf(text: string, file = FILE): StoryFileProblem[] {
  try {
    parseStoryFile(file, text);
    return [];
  } catch (error) {
    if (error instanceof StoryFileError) return error.problems;
    throw error;
  }
}

describe('Story files: parseStoryFile', () => {
  it('turns front matter and the Markdown body into an ingest request, slug from the file name', () => {
    // Act
    const story = parseStoryFile(FILE, VALID);
    // Assess
    expect(story.slug).toBe('harbour-reopens');
    expect(story.request).toEqual({
      title: 'Harbour reopens after storm repairs',
      kicker: 'Local',
      summary: 'Ferries resume on Monday.',
      authors: [{ name: 'A. Reporter', url: 'https://news.example.com/staff/a-reporter' }],
      categories: ['Local', 'Transport'],
      publishedAt: '2026-03-01T09:30:00+09:00',
      url: 'https://news.example.com/articles/harbour-reopens',
      image: {
        url: 'https://images.example.com/harbour.jpg',
        alt: 'Ferries at the quay',
        caption: 'The quay on Sunday.',
        credit: 'Jane Roe / Agency',
      },
      language: 'en-GB',
      bodyMarkdown: 'The harbour reopens **on Monday**.',
    });
  });

  it('keeps an unquoted date-time as text (YAML 1.2 has no timestamp type)', () => {
    // Prepare
    const text = VALID.replace('publishedAt: "2026-03-01T09:30:00+09:00"', 'publishedAt: 2026-03-01T09:30:00+09:00');
    // Act
    const story = parseStoryFile(FILE, text);
    // Assess
    expect(story.request.publishedAt).toBe('2026-03-01T09:30:00+09:00');
  });

  it('accepts authors written as plain names, and a single author or category without a list', () => {
    // Prepare
    const listed = '---\ntitle: T\nauthors: ["Jane Roe", { name: "Ali Khan", email: "ali@example.com" }]\n---\nBody';
    const single = '---\ntitle: T\nauthors: Jane Roe\ncategories: World\n---\nBody';
    // Act
    const fromList = parseStoryFile(FILE, listed);
    const fromSingle = parseStoryFile(FILE, single);
    // Assess
    expect(fromList.request.authors).toEqual([{ name: 'Jane Roe' }, { name: 'Ali Khan', email: 'ali@example.com' }]);
    expect(fromSingle.request.authors).toEqual([{ name: 'Jane Roe' }]);
    expect(fromSingle.request.categories).toEqual(['World']);
  });

  it('reports a file without front matter, naming the file', () => {
    // Act
    const problems = problemsOf('# Just a heading\n\nNo front matter.');
    // Assess
    expect(problems).toEqual([
      expect.objectContaining({ file: FILE, field: 'front matter', line: 1, detail: expect.stringContaining('"---"') }),
    ]);
  });

  it('reports YAML that does not parse, with the line in the file', () => {
    // Act
    const problems = problemsOf('---\ntitle: "Fine"\ncategories: [World\n---\nBody');
    // Assess
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toMatchObject({ file: FILE, field: 'front matter', detail: expect.stringMatching(/^is not valid YAML: /) });
    expect(problems[0]!.line).toBeGreaterThanOrEqual(3);
  });

  it('reports a field twice in the front matter', () => {
    // Act
    const problems = problemsOf('---\ntitle: One\ntitle: Two\n---\nBody');
    // Assess
    expect(problems).toEqual([expect.objectContaining({ file: FILE, line: 3, detail: expect.stringContaining('unique') })]);
  });

  it('reports an unknown field with its line and the fields that exist', () => {
    // Act
    const problems = problemsOf('---\ntitle: T\nheadline: Oops\n---\nBody');
    // Assess
    expect(problems).toEqual([
      {
        file: FILE,
        pointer: '/headline',
        field: 'headline',
        line: 3,
        detail: expect.stringContaining('is not a known field (the fields are: title, kicker'),
      },
    ]);
  });

  it('reports a publish time that is not RFC 3339 with a zone', () => {
    // Act
    const problems = problemsOf('---\ntitle: T\npublishedAt: "2026-03-01 09:30"\n---\nBody');
    // Assess
    expect(problems).toEqual([
      { file: FILE, pointer: '/publishedAt', field: 'publishedAt', line: 3, detail: expect.stringContaining('RFC 3339') },
    ]);
  });

  it('reports a file name that is not a slug, and still checks the fields', () => {
    // Act
    const problems = problemsOf('---\nkicker: K\n---\nBody', 'content/articles/Harbour Reopens.md');
    // Assess
    expect(problems).toEqual([
      expect.objectContaining({
        file: 'content/articles/Harbour Reopens.md',
        field: 'file name',
        detail: expect.stringContaining('"Harbour Reopens.md"'),
      }),
      expect.objectContaining({ file: 'content/articles/Harbour Reopens.md', field: 'title', detail: 'is required' }),
    ]);
  });

  it('reports every bad field of a file at once, in file order, with nested fields named as written', () => {
    // Prepare
    const text = [
      '---',
      'title: 42',
      'authors:',
      '  - Jane Roe',
      '  - name: ""',
      'image:',
      '  url: "not a url"',
      'language: "not a language tag!"',
      'body: "<p>HTML</p>"',
      '---',
      'Body',
    ].join('\n');
    // Act
    const problems = problemsOf(text);
    // Assess
    expect(problems.map((problem) => [problem.line, problem.field])).toEqual([
      [2, 'title'],
      [5, 'authors[1].name'],
      [7, 'image.url'],
      [8, 'language'],
      [9, 'body'],
    ]);
    expect(problems.every((problem) => problem.file === FILE)).toBe(true);
  });

  it('refuses the body as a front-matter field, pointing at that line', () => {
    // Act
    const problems = problemsOf('---\ntitle: T\nbodyMarkdown: "Text"\n---\nThe real body');
    // Assess
    expect(problems).toEqual([
      {
        file: FILE,
        pointer: '/bodyMarkdown',
        field: 'body',
        line: 3,
        detail: 'the body is the Markdown after the front matter, not a front-matter field',
      },
    ]);
  });

  it('formats a problem as file:line: field: detail', () => {
    // Prepare
    const problem: StoryFileProblem = {
      file: FILE,
      pointer: '/image/url',
      field: 'image.url',
      line: 7,
      detail: 'must be an absolute http(s) URL',
    };
    // Act
    const line = formatProblem(problem);
    // Assess
    expect(line).toBe(`${FILE}:7: image.url: must be an absolute http(s) URL`);
  });
});

describe('Story files: findStoryFiles', () => {
  let dir: string | undefined;

  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('expands directories into their .md files, sorted, each path once, and reports bad paths', async () => {
    // Prepare
    dir = await mkdtemp(path.join(tmpdir(), 'story-files-'));
    await mkdir(path.join(dir, 'articles'));
    await mkdir(path.join(dir, 'empty'));
    for (const name of ['b-story.md', 'a-story.md', 'notes.txt']) await writeFile(path.join(dir, 'articles', name), '');
    await writeFile(path.join(dir, 'site.json'), '{}');
    // Act
    const { files, problems } = await findStoryFiles(['articles', 'articles/a-story.md', 'missing.md', 'empty', 'site.json'], dir);
    // Assess
    expect(files).toEqual([path.join('articles', 'a-story.md'), path.join('articles', 'b-story.md')]);
    expect(problems.map((problem) => [problem.file, problem.detail])).toEqual([
      ['missing.md', 'no such file or directory'],
      ['empty', 'the directory holds no .md story files'],
      ['site.json', 'is not a story file: stories are Markdown files ending in .md'],
    ]);
  });
});
