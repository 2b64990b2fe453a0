import { FEED_FORMATS, feedUrl, MEDIA_TYPES, SITE_FEED, type FeedFormat, type FeedRef } from '../domain/feeds.js';
import type { SiteSettings } from '../domain/site.js';
import { xmlSafe } from '../domain/text.js';
import { escapeHtml } from './feed-document.js';
import { textDirection } from '../domain/text.js';
import { FORMAT_LABELS } from './feed-page.js';
import { PAGE_STYLE } from './page-style.js';

/** A category or author feed as the index lists it. */
export interface FeedListing {
  feed: FeedRef;
  /** Display name (the category or the author as first written). */
  name: string;
}

export const FEED_INDEX_KEY = 'index.html';
export const FEED_INDEX_CONTENT_TYPE = 'text/html; charset=utf-8';

function byName(a: FeedListing, b: FeedListing): number {
  return a.name.localeCompare(b.name, 'en') || (a.feed.key < b.feed.key ? -1 : a.feed.key > b.feed.key ? 1 : 0);
}

/**
 * The feed directory at the root of the site: every feed in every format, both as
 * `<link rel="alternate">` (so browsers and readers discover them from the site's address) and as
 * visible links. Pure: the same listings give the same bytes, so an unchanged index is not rewritten.
 */
export function renderFeedIndex(site: SiteSettings, listings: FeedListing[]): string {
  const text = (value: string) => escapeHtml(xmlSafe(value));
  const sorted = (kind: 'category' | 'author') => listings.filter((listing) => listing.feed.kind === kind).sort(byName);
  const groups: { heading: string; listings: FeedListing[] }[] = [
    { heading: 'Everything', listings: [{ feed: SITE_FEED, name: site.title }] },
    { heading: 'By category', listings: sorted('category') },
    { heading: 'By author', listings: sorted('author') },
  ];
  const title = (listing: FeedListing, format: FeedFormat) =>
    `${listing.feed.kind === 'site' ? site.title : `${site.title}: ${listing.name}`} (${FORMAT_LABELS[format]})`;
  const alternates = groups
    .flatMap((group) => group.listings)
    .flatMap((listing) =>
      FEED_FORMATS.map(
        (format) =>
          `<link rel="alternate" type="${MEDIA_TYPES[format]}" title="${text(title(listing, format))}" href="${text(feedUrl(site.baseUrl, listing.feed, format))}">`,
      ),
    );
  const sections = groups
    .filter((group) => group.listings.length)
    .map((group) => {
      const rows = group.listings.map((listing) => {
        const links = FEED_FORMATS.map(
          (format) =>
            `<a href="${text(feedUrl(site.baseUrl, listing.feed, format))}" type="${MEDIA_TYPES[format]}">${FORMAT_LABELS[format]}</a>`,
        ).join(' · ');
        // The name opens the feed's page (a browser's navigation to the feed's address gets it).
        const page = text(feedUrl(site.baseUrl, listing.feed, 'rss'));
        return `      <li><a href="${page}" dir="auto">${text(listing.name)}</a>: ${links}</li>`;
      });
      return `  <section>\n    <h2>${text(group.heading)}</h2>\n    <ul class="feeds">\n${rows.join('\n')}\n    </ul>\n  </section>`;
    });
  return `<!doctype html>
<html lang="${text(site.language)}" dir="${textDirection(site.language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${text(site.title)}: feeds</title>
${alternates.join('\n')}
<style>${PAGE_STYLE}</style>
</head>
<body>
<div class="page">
<header>
  <h1>${text(site.title)}: feeds</h1>
  <p>${text(site.description || site.title)}</p>
  <p>Open a feed to see its latest stories. To follow one, copy its address into a feed reader: an app or website, such as NetNewsWire, Feedly or Inoreader, that shows each new story as it is published. Every feed comes as RSS 2.0, Atom 1.0 and JSON Feed 1.1 with the same stories; older stories of the whole site are in daily archives linked from each feed.</p>
</header>
<main>
${sections.join('\n')}
</main>
</div>
</body>
</html>
`;
}
