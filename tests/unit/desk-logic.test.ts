import { describe, expect, it } from 'vitest';
import {
  changedFields,
  EMPTY_FORM,
  feedsOf,
  fieldOfPointer,
  formOf,
  publishInputsOf,
  requestOf,
  shownTime,
  zoneOffset,
} from '../../desk/desk-logic.js';
import type { Article } from '../../functions/domain/article.js';

const STORED: Article = {
  slug: 'harbour-reopens',
  title: 'Harbour reopens',
  body: '<p>Open.</p>',
  bodyMarkdown: 'Open.',
  authors: [{ name: 'Nadia Rahman' }, { name: 'Tomás Reyes' }],
  categories: ['Local', 'Transport & Data'],
  publishedAt: '2026-03-09T09:30:00+09:00',
  updatedAt: '2026-03-09T00:30:00.000Z',
  url: 'https://news.example.com/articles/harbour-reopens',
  image: { url: 'https://images.example.com/h.jpg', caption: 'The quay.', credit: 'Jane Roe' },
  language: 'en',
  status: 'published',
  revision: 2,
};

describe('Desk: the form and the requests it makes', () => {
  it('makes the ingest request from the fields, leaving out what is empty', () => {
    // Act
    const request = requestOf({
      ...EMPTY_FORM,
      title: 'Harbour reopens',
      body: 'Open **now**.',
      authors: 'Nadia Rahman, Tomás Reyes',
      categories: 'Local,\nTransport',
      imageUrl: 'https://images.example.com/h.jpg',
      credit: 'Jane Roe',
      publishAt: '2026-03-09T09:30',
      zone: '+09:00',
    });
    // Assess
    expect(request).toEqual({
      title: 'Harbour reopens',
      bodyMarkdown: 'Open **now**.',
      authors: [{ name: 'Nadia Rahman' }, { name: 'Tomás Reyes' }],
      categories: ['Local', 'Transport'],
      image: { url: 'https://images.example.com/h.jpg', credit: 'Jane Roe' },
      publishedAt: '2026-03-09T09:30:00+09:00',
    });
    expect(requestOf({ ...EMPTY_FORM, body: 'x' })).toEqual({ bodyMarkdown: 'x', authors: [], categories: [] });
  });

  it('round-trips a stored story, and a correction leaves the publish time to the API', () => {
    // Act
    const form = formOf(STORED);
    const correction = requestOf({ ...form, title: 'Harbour reopens, a day late' }, { keepPublishedAt: STORED.publishedAt });
    const moved = requestOf({ ...form, publishAt: '2026-03-10T09:30' }, { keepPublishedAt: STORED.publishedAt });
    // Assess
    expect(form).toMatchObject({
      authors: 'Nadia Rahman, Tomás Reyes',
      publishAt: '2026-03-09T09:30',
      zone: '+09:00',
      slug: 'harbour-reopens',
    });
    expect(correction.publishedAt).toBeUndefined();
    expect(correction.categories).toEqual(['Local', 'Transport & Data']);
    expect(moved.publishedAt).toBe('2026-03-10T09:30:00+09:00');
    expect(publishInputsOf('2026-03-09T09:30:15.250Z')).toEqual({ publishAt: '2026-03-09T09:30:15', zone: '+00:00' });
    expect(requestOf({ ...form }, { bodyIsHtml: true }).body).toBe('Open.');
  });

  it('sends a time it cannot read as typed, so the API names the problem at its field', () => {
    expect(requestOf({ ...EMPTY_FORM, title: 't', publishAt: '2026-03-09T09:30', zone: 'Tokyo' }).publishedAt).toBe(
      '2026-03-09T09:30 Tokyo',
    );
  });

  it('places each problem the API names at its field', () => {
    expect(fieldOfPointer('/title')).toBe('title');
    expect(fieldOfPointer('/bodyMarkdown')).toBe('body');
    expect(fieldOfPointer('/authors/1/name')).toBe('authors');
    expect(fieldOfPointer('/image/credit')).toBe('credit');
    expect(fieldOfPointer('/image')).toBe('imageUrl');
    expect(fieldOfPointer('/publishedAt')).toBe('publishAt');
    expect(fieldOfPointer('/')).toBeUndefined();
  });

  it('lists what differs between two versions, and the feeds a story is in', () => {
    // Act
    const changes = changedFields({ ...formOf(STORED), title: 'Mine' }, { ...formOf(STORED), summary: 'Theirs' });
    // Assess
    expect(changes).toEqual([
      { name: 'title', label: 'Title', mine: 'Mine', theirs: 'Harbour reopens' },
      { name: 'summary', label: 'Summary', mine: '', theirs: 'Theirs' },
    ]);
    expect(feedsOf(STORED, 'http://localhost:3000').map((feed) => feed.url)).toEqual([
      'http://localhost:3000/feed.xml',
      'http://localhost:3000/categories/local/feed.xml',
      'http://localhost:3000/categories/transport-data/feed.xml',
      'http://localhost:3000/authors/nadia-rahman/feed.xml',
      'http://localhost:3000/authors/tomás-reyes/feed.xml'.replace('á', '%C3%A1'),
    ]);
  });

  it('names times with their zone, and finds the browser’s offset', () => {
    expect(shownTime('2026-03-09T09:30:00+09:00', 'en-GB')).toMatch(/9 Mar 2026, \d\d:30 \S+/);
    expect(zoneOffset(new Date())).toMatch(/^[+-]\d\d:\d\d$/);
  });
});
