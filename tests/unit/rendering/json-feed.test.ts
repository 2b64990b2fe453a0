import { describe, expect, it } from 'vitest';
import { renderJsonFeed } from '../../../functions/rendering/json-feed.js';
import { jsonFeedErrors } from '../../support/feed-checks.js';
import { archiveDocument, siteDocument } from './support/stories.js';

type Json = Record<string, unknown>;

describe('Function: renderJsonFeed', () => {
  it('is JSON Feed 1.1 with self, home, language, icons, hubs and the next page', () => {
    // Act
    const feed = JSON.parse(renderJsonFeed(siteDocument())) as Json;
    // Assess
    expect(jsonFeedErrors(feed)).toEqual([]);
    expect(feed).toMatchObject({
      version: 'https://jsonfeed.org/version/1.1',
      home_page_url: 'https://news.example.com/',
      feed_url: 'https://news.example.com/feed.json',
      next_url: 'https://news.example.com/archive/2026-03-09/feed.json',
      language: 'en',
      icon: 'https://news.example.com/logo.png',
      favicon: 'https://news.example.com/icon.png',
      hubs: [{ type: 'WebSub', url: 'https://hub.example.net/' }],
    });
  });

  it('carries ids, both times, authors, tags, the image with caption and credit', () => {
    // Act
    const [first] = (JSON.parse(renderJsonFeed(siteDocument())) as { items: Json[] }).items;
    // Assess
    expect(first).toMatchObject({
      id: 'tag:news.example.com,2026:article:harbour-reopens',
      url: 'https://news.example.com/articles/harbour-reopens',
      date_published: '2026-03-09T09:30:00+09:00',
      date_modified: '2026-03-10T08:15:00.000Z',
      authors: [
        { name: 'Nadia Rahman', url: 'https://news.example.com/staff/nadia-rahman' },
        { name: 'Tomás Reyes', url: 'mailto:tomas.reyes@news.example.com' },
      ],
      tags: ['Local', 'Weather Desk'],
      image: 'https://images.example.com/2026/03/harbour.jpg',
      attachments: [
        {
          url: 'https://images.example.com/2026/03/harbour.jpg',
          mime_type: 'image/jpeg',
          title: 'The repaired quay on Sunday.',
          size_in_bytes: 245_120,
        },
      ],
      _newsroom: { kicker: 'Breaking', image: { caption: 'The repaired quay on Sunday.', credit: 'Jane Roe / Reuters' } },
    });
  });

  it('links an archive page to the older day and names its current feed, without hubs', () => {
    // Act
    const feed = JSON.parse(renderJsonFeed(archiveDocument())) as Json;
    // Assess
    expect(jsonFeedErrors(feed)).toEqual([]);
    expect(feed).toMatchObject({
      feed_url: 'https://news.example.com/archive/2026-02-20/feed.json',
      next_url: 'https://news.example.com/archive/2026-02-01/feed.json',
      _newsroom: {
        archive_day: '2026-02-20',
        current_url: 'https://news.example.com/feed.json',
        newer_url: 'https://news.example.com/archive/2026-02-27/feed.json',
      },
    });
    expect(feed).not.toHaveProperty('hubs');
  });

  it('matches the snapshot', async () => {
    // Act
    const site = renderJsonFeed(siteDocument());
    // Assess
    await expect(site).toMatchFileSnapshot('./__snapshots__/site.feed.json');
  });
});
