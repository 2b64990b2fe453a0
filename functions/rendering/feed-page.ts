import type { Article, Author } from '../domain/article.js';
import { categoryFeed, FEED_FORMATS, feedUrl, MEDIA_TYPES, type FeedFormat } from '../domain/feeds.js';
import type { SiteSettings } from '../domain/site.js';
import { textDirection, xmlSafe } from '../domain/text.js';
import { humanDateTime } from './dates.js';
import { escapeHtml, feedView, summaryOf, type FeedDocument, type FeedView } from './feed-document.js';
import { PAGE_STYLE } from './page-style.js';
import { entryFragment, type EntrySource } from './rendered-entries.js';

/**
 * The page for people at a feed's address (functions/domain/feed-negotiation.ts serves it to a
 * browser's navigation): the feed's title, how to follow it, then each story as a feed reader would
 * show it. A fourth rendering of the same feed document as the three formats, its stories' parts
 * rendered once per story like theirs. Plain HTML and one inline stylesheet: no script, nothing
 * that needs XSLT, readable with everything else off.
 */

export const FEED_PAGE_CONTENT_TYPE = 'text/html; charset=utf-8';

export const FORMAT_LABELS: Record<FeedFormat, string> = { rss: 'RSS', atom: 'Atom', json: 'JSON Feed' };

/** Text for an HTML text node or a double-quoted attribute, cleaned of characters no page should hold. */
export function htmlText(value: string): string {
  return escapeHtml(xmlSafe(value)).replace(/'/g, '&#39;');
}

/** Languages written right to left (BCP 47 primary subtags), and scripts that are. */
function languageAttributes(language: string): string {
  return ` lang="${htmlText(language)}" dir="${textDirection(language)}"`;
}

function byline(authors: Author[]): string {
  const names = authors.map((author) =>
    author.url ? `<a href="${htmlText(author.url)}"><bdi>${htmlText(author.name)}</bdi></a>` : `<bdi>${htmlText(author.name)}</bdi>`,
  );
  if (!names.length) return '';
  const joined = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  return `By ${joined}`;
}

function time(rfc3339: string): string {
  return `<time datetime="${htmlText(rfc3339)}">${htmlText(humanDateTime(rfc3339))}</time>`;
}

/**
 * One story as its feed page shows it, the same in every page of the site (its category links
 * depend only on the site). The story's own language and direction mark the article; the words
 * the page adds around it ("By", "Updated") keep the site's.
 */
export function feedPageEntry(site: SiteSettings, article: Article): string {
  const foreign = article.language.toLowerCase() !== site.language.toLowerCase();
  const siteWords = foreign ? languageAttributes(site.language) : '';
  const { image } = article;
  // A correction: a later revision changed the content after publication. A story first stored with
  // a past publish time is not one, though its updatedAt is later.
  const corrected = article.revision > 1 && Date.parse(article.updatedAt) > Date.parse(article.publishedAt);
  const meta = [byline(article.authors), time(article.publishedAt), corrected ? `Updated ${time(article.updatedAt)}` : '']
    .filter(Boolean)
    .join(' · ');
  const lines = [
    `<article${languageAttributes(article.language)}>`,
    article.kicker ? `<p class="kicker">${htmlText(article.kicker)}</p>` : '',
    `<h3><a href="${htmlText(article.url)}">${htmlText(article.title)}</a></h3>`,
    `<p class="meta"${siteWords}>${meta}</p>`,
    image ? figure(image) : '',
    `<p class="summary">${htmlText(summaryOf(article))}</p>`,
    article.categories.length
      ? `<ul class="categories">${article.categories
          .map((name) => `<li><a href="${htmlText(feedUrl(site.baseUrl, categoryFeed(name), 'rss'))}">${htmlText(name)}</a></li>`)
          .join('')}</ul>`
      : '',
    '</article>',
  ];
  return lines.filter(Boolean).join('\n');
}

/** The lead photo: the caption in the story's language, the credit (a name) as given. */
function figure(image: NonNullable<Article['image']>): string {
  const size = image.width && image.height ? ` width="${image.width}" height="${image.height}"` : '';
  const caption = image.caption ? htmlText(image.caption) : '';
  const credit = image.credit ? `<span class="credit"><bdi>${htmlText(image.credit)}</bdi></span>` : '';
  const figcaption = caption || credit ? `<figcaption>${[caption, credit].filter(Boolean).join(' ')}</figcaption>` : '';
  return `<figure><img src="${htmlText(image.url)}" alt="${htmlText(image.alt ?? '')}"${size} loading="lazy" decoding="async">${figcaption}</figure>`;
}

function followSection(view: FeedView, archiveDay: string | undefined): string {
  const addresses = FEED_FORMATS.map(
    (format) =>
      `<li>${FORMAT_LABELS[format]}: <a href="${htmlText(view.currentUrl(format))}" type="${MEDIA_TYPES[format]}"><code>${htmlText(view.currentUrl(format))}</code></a></li>`,
  ).join('\n');
  const intro = archiveDay
    ? `This page keeps the stories published on ${htmlText(archiveDay)} (UTC). To get new stories as they are published, follow the feed in a feed reader.`
    : 'To get these stories as they are published, follow this feed in a feed reader.';
  return `<section class="follow" aria-labelledby="follow">
<h2 id="follow">Follow this feed</h2>
<p>${intro} A feed reader is an app or website, such as NetNewsWire, Feedly or Inoreader, that checks the feeds you follow and shows each new story. Copy one of these addresses into yours: they carry the same stories.</p>
<ul class="addresses">
${addresses}
</ul>
</section>`;
}

function archiveNavigation(view: FeedView): string {
  const links = [
    view.newerUrl ? `<li><a href="${htmlText(view.newerUrl('rss'))}" rel="next">Newer stories</a></li>` : '',
    view.isArchive ? `<li><a href="${htmlText(view.currentUrl('rss'))}">Latest stories</a></li>` : '',
    view.olderUrl ? `<li><a href="${htmlText(view.olderUrl('rss'))}" rel="prev">Older stories</a></li>` : '',
  ].filter(Boolean);
  return links.length ? `<nav aria-label="Archive">\n<ul>\n${links.join('\n')}\n</ul>\n</nav>\n` : '';
}

/** The page, as UTF-8: each story's part taken from `entries` when they hold it. */
export function renderFeedPageBytes(document: FeedDocument, options: { entries?: EntrySource | undefined } = {}): Buffer {
  const view = feedView(document);
  const { site } = document;
  const archiveDay = document.paging?.archiveDay;
  const alternates = FEED_FORMATS.map(
    (format) =>
      `<link rel="alternate" type="${MEDIA_TYPES[format]}" title="${htmlText(`${view.title} (${FORMAT_LABELS[format]})`)}" href="${htmlText(view.selfUrl(format))}">`,
  ).join('\n');
  const head = `<!DOCTYPE html>
<html${languageAttributes(site.language)}>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${htmlText(view.title)}</title>
<meta name="description" content="${htmlText(view.description)}">
${alternates}
<style>${PAGE_STYLE}</style>
</head>
<body>
<a class="skip" href="#stories">Skip to the stories</a>
<div class="page">
<header>
<p class="site"><a href="${htmlText(view.homeUrl)}">${htmlText(site.title)}</a></p>
<h1>${htmlText(view.title)}</h1>
<p>${htmlText(view.description)}</p>
</header>
${followSection(view, archiveDay)}
<main>
<h2 id="stories">${archiveDay ? `Stories of ${htmlText(archiveDay)}` : 'Latest stories'}</h2>
`;
  const stories = document.articles.map((article) =>
    entryFragment(options.entries, 'html', site, article, () => feedPageEntry(site, article)),
  );
  const list = stories.length
    ? [
        Buffer.from('<ol class="stories">\n'),
        ...stories.flatMap((story) => [Buffer.from('<li>'), story, Buffer.from('</li>\n')]),
        Buffer.from('</ol>\n'),
      ]
    : [Buffer.from('<p>No stories here yet.</p>\n')];
  const tail = `</main>
${archiveNavigation(view)}<footer>
<p>Updated ${time(view.updated)}. <a href="${htmlText(view.homeUrl)}">Every feed of ${htmlText(site.title)}</a></p>
</footer>
</div>
</body>
</html>
`;
  return Buffer.concat([Buffer.from(head, 'utf8'), ...list, Buffer.from(tail, 'utf8')]);
}

export function renderFeedPage(document: FeedDocument, options: { entries?: EntrySource | undefined } = {}): string {
  return renderFeedPageBytes(document, options).toString('utf8');
}
