import type { Article } from '../../../../functions/domain/article.js';
import { authorFeed, categoryFeed, SITE_FEED, type FeedRef } from '../../../../functions/domain/feeds.js';
import type { SiteSettings } from '../../../../functions/domain/site.js';
import type { FeedDocument } from '../../../../functions/rendering/feed-document.js';

/** Fixed time every rendering test uses as "now". */
export const NOW = new Date('2026-03-10T12:00:00Z');

export const SITE: SiteSettings = {
  title: 'The Daily Meridian',
  description: 'Independent news from the Meridian newsroom.',
  baseUrl: 'https://news.example.com',
  language: 'en',
  feedSize: 50,
  copyright: '© The Daily Meridian',
  icon: '/icon.png',
  logo: '/logo.png',
  tagAuthority: 'news.example.com,2026',
  hubs: ['https://hub.example.net/'],
  tombstoneDays: 30,
};

function story(fields: Partial<Article> & Pick<Article, 'slug' | 'title' | 'publishedAt'>): Article {
  return {
    body: '<p>Text.</p>',
    authors: [],
    categories: [],
    updatedAt: new Date(fields.publishedAt).toISOString(),
    url: `https://news.example.com/articles/${fields.slug}`,
    language: 'en',
    status: 'published',
    revision: 1,
    ...fields,
  };
}

/**
 * Stories that between them use every field a feed carries: kicker, summary, several bylines
 * (with and without email and URL), categories, a lead photo with alt, caption, credit, size and
 * type, a correction (updated after publishing), another language and script, and text that looks
 * like markup. Newest first, as a feed holds them.
 */
export const STORIES: Article[] = [
  story({
    slug: 'harbour-reopens',
    title: 'Harbour reopens after storm repairs',
    kicker: 'Breaking',
    summary: 'Ferries resume on Monday after three weeks of repairs.',
    body: '<p>The harbour reopens <strong>on Monday</strong>.</p><p>Officials said the quay is safe.</p>',
    authors: [
      { name: 'Nadia Rahman', url: 'https://news.example.com/staff/nadia-rahman' },
      { name: 'Tomás Reyes', email: 'tomas.reyes@news.example.com' },
    ],
    categories: ['Local', 'Weather Desk'],
    publishedAt: '2026-03-09T09:30:00+09:00',
    // A correction: later update, same publish time.
    updatedAt: '2026-03-10T08:15:00.000Z',
    image: {
      url: 'https://images.example.com/2026/03/harbour.jpg',
      alt: 'Cranes over the harbour at dawn',
      caption: 'The repaired quay on Sunday.',
      credit: 'Jane Roe / Reuters',
      type: 'image/jpeg',
      length: 245_120,
      width: 1600,
      height: 900,
    },
    revision: 2,
  }),
  story({
    slug: 'rice-prices-ease',
    title: 'Rice prices ease as the harvest arrives',
    body: '<p>Wholesale prices fell for a third week, traders said on Thursday.</p>',
    authors: [{ name: 'Priya Nair', email: 'priya.nair@news.example.com' }],
    categories: ['Economy'],
    publishedAt: '2026-03-05T06:00:00Z',
    // No size or type: the enclosure says length 0 and the type comes from the extension.
    image: { url: 'https://images.example.com/2026/03/rice.png', caption: 'Sacks of rice at a market.', credit: 'Ravi Menon' },
  }),
  story({
    slug: 'date-festival',
    title: 'مهرجان التمور يجذب أعدادًا قياسية 🌴',
    summary: 'زار أكثر من مئة ألف شخص المهرجان هذا العام.',
    body: '<p dir="rtl">زار أكثر من مئة ألف شخص المهرجان.</p>',
    authors: [{ name: 'محمد علي' }],
    categories: ['ثقافة'],
    publishedAt: '2026-02-27T18:00:00+03:00',
    language: 'ar',
    image: {
      url: 'https://images.example.com/2026/02/dates.webp',
      alt: 'أكوام من التمور',
      caption: 'تمور معروضة في السوق.',
      credit: 'سارة أحمد / وكالة الأنباء',
    },
  }),
  story({
    slug: 'markup-in-text',
    title: 'Why "<div>" soup & ]]> still break feeds',
    summary: 'Editors paste <b>bold</b> markup, AT&T names & "quotes" — all of it stays text.',
    body: '<p>Body with <code>&lt;/b&gt;</code> and ]]&gt; in it.</p>',
    authors: [{ name: 'Ana Lima & Co.', url: 'https://news.example.com/staff/ana-lima' }],
    categories: ['Tech & Data'],
    publishedAt: '2026-02-20T08:00:00-05:00',
    image: { url: 'https://images.example.com/2026/02/code.gif', caption: 'A <em>screenshot</em> & a "caption"', credit: 'Photo: A & B' },
  }),
  story({
    slug: 'brief-without-byline',
    title: 'Library extends winter opening hours',
    body: '<p>The central library will stay open until 10 p.m. on weekdays.</p>',
    publishedAt: '2026-02-01T00:00:00Z',
  }),
];

export function document(feed: FeedRef, articles: Article[], extra: Partial<FeedDocument> = {}): FeedDocument {
  return { site: SITE, feed, articles, emptySince: NOW, ...extra };
}

export const siteDocument = (): FeedDocument => document(SITE_FEED, STORIES, { paging: { olderDay: '2026-03-09' } });

export const categoryDocument = (): FeedDocument =>
  document(
    categoryFeed('Weather Desk'),
    STORIES.filter((article) => article.categories.includes('Weather Desk')),
    { tombstones: [{ slug: 'retracted-story', when: '2026-03-08T10:00:00.000Z' }] },
  );

export const authorDocument = (): FeedDocument =>
  document(
    authorFeed('Priya Nair'),
    STORIES.filter((article) => article.authors.some((author) => author.name === 'Priya Nair')),
  );

/** The archive page of 20 February 2026, between 1 and 27 February. */
export const archiveDocument = (): FeedDocument =>
  document(
    SITE_FEED,
    STORIES.filter((article) => new Date(article.publishedAt).toISOString().startsWith('2026-02-20')),
    { paging: { archiveDay: '2026-02-20', olderDay: '2026-02-01', newerDay: '2026-02-27' } },
  );
