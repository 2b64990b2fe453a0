import { parseDocument } from 'htmlparser2';
import { HtmlValidate, StaticConfigLoader } from 'html-validate';
import { describe, expect, it } from 'vitest';
import type { Article } from '../../../functions/domain/article.js';
import { SITE_FEED } from '../../../functions/domain/feeds.js';
import { humanDateTime } from '../../../functions/rendering/dates.js';
import { textDirection } from '../../../functions/domain/text.js';
import { renderFeedPage } from '../../../functions/rendering/feed-page.js';
import { archiveDocument, categoryDocument, document, NOW, siteDocument, STORIES } from './support/stories.js';

/** html-validate's recommended rules, offline (a static config: nothing read from disk or the network). */
const validator = new HtmlValidate(new StaticConfigLoader({ extends: ['html-validate:recommended'] }));

async function validationErrors(html: string): Promise<string[]> {
  const report = await validator.validateString(html);
  return report.results.flatMap((result) => result.messages.map((message) => `${message.ruleId}: ${message.message}`));
}

type Element = { type: string; name: string; attribs: Record<string, string>; children: Node[] };
type Node = Element | { type: string; data?: string; children?: Node[] };

function elements(html: string): Element[] {
  const found: Element[] = [];
  const walk = (node: Node) => {
    if ('name' in node && node.type === 'tag') found.push(node);
    for (const child of node.children ?? []) walk(child);
  };
  walk(parseDocument(html) as unknown as Node);
  return found;
}

function textOf(node: Node): string {
  if ('data' in node && node.type === 'text') return node.data ?? '';
  return (node.children ?? []).map(textOf).join('');
}

const decodedText = (html: string, selector: (element: Element) => boolean) =>
  elements(html)
    .filter(selector)
    .map((element) => textOf(element));

describe('Function: renderFeedPage', () => {
  it('matches the snapshots', async () => {
    // Act
    const site = renderFeedPage(siteDocument());
    const archive = renderFeedPage(archiveDocument());
    // Assess
    await expect(site).toMatchFileSnapshot('./__snapshots__/site.feed.html');
    await expect(archive).toMatchFileSnapshot('./__snapshots__/archive.feed.html');
  });

  it('is valid HTML by html-validate, with no script, no event handler and no XSLT', async () => {
    for (const html of [renderFeedPage(siteDocument()), renderFeedPage(archiveDocument()), renderFeedPage(categoryDocument())]) {
      // Assess
      expect(await validationErrors(html)).toEqual([]);
      const all = elements(html);
      expect(all.filter((element) => ['script', 'iframe', 'object', 'embed', 'form'].includes(element.name))).toEqual([]);
      expect(all.flatMap((element) => Object.keys(element.attribs)).filter((name) => name.startsWith('on'))).toEqual([]);
      expect(html).not.toMatch(/xml-stylesheet|\.xsl|javascript:/i);
    }
  });

  it('names the three formats as alternates, and gives their addresses to copy', () => {
    // Act
    const html = renderFeedPage(siteDocument());
    // Assess
    const alternates = elements(html).filter((element) => element.name === 'link' && element.attribs.rel === 'alternate');
    expect(alternates.map((link) => [link.attribs.type, link.attribs.href])).toEqual([
      ['application/rss+xml', 'https://news.example.com/feed.xml'],
      ['application/atom+xml', 'https://news.example.com/atom.xml'],
      ['application/feed+json', 'https://news.example.com/feed.json'],
    ]);
    expect(decodedText(html, (element) => element.name === 'code')).toEqual([
      'https://news.example.com/feed.xml',
      'https://news.example.com/atom.xml',
      'https://news.example.com/feed.json',
    ]);
    expect(decodedText(html, (element) => element.name === 'h2')[0]).toBe('Follow this feed');
  });

  it("shows each story's kicker, linked headline, byline, times, photo, summary and categories", () => {
    // Act
    const html = renderFeedPage(siteDocument());
    // Assess
    const [first] = elements(html).filter((element) => element.name === 'article');
    const inFirst = elements(`<div>${renderArticle(first!)}</div>`);
    const text = textOf(first!).replace(/\s+/g, ' ');
    expect(text).toContain('Breaking');
    expect(text).toContain('By Nadia Rahman and Tomás Reyes');
    expect(text).toContain('9 March 2026, 09:30 UTC+09:00');
    expect(text).toContain('Updated 10 March 2026, 08:15 UTC');
    expect(text).toContain('The repaired quay on Sunday. Jane Roe / Reuters');
    expect(text).toContain('Ferries resume on Monday after three weeks of repairs.');
    const links = inFirst.filter((element) => element.name === 'a').map((link) => [textOf(link), link.attribs.href]);
    expect(links).toEqual([
      ['Harbour reopens after storm repairs', 'https://news.example.com/articles/harbour-reopens'],
      ['Nadia Rahman', 'https://news.example.com/staff/nadia-rahman'],
      ['Local', 'https://news.example.com/categories/local/feed.xml'],
      ['Weather Desk', 'https://news.example.com/categories/weather-desk/feed.xml'],
    ]);
    const times = inFirst.filter((element) => element.name === 'time').map((time) => time.attribs.datetime);
    expect(times).toEqual(['2026-03-09T09:30:00+09:00', '2026-03-10T08:15:00.000Z']);
    const image = inFirst.find((element) => element.name === 'img')!;
    expect(image.attribs).toMatchObject({ alt: 'Cranes over the harbour at dawn', width: '1600', height: '900' });
  });

  it('shows an updated time only for a correction, not for a story first stored after its publish time', () => {
    // Prepare: the same story, first stored a day after the time it was published at.
    const firstStored: Article = { ...STORIES[0]!, revision: 1 };
    // Act
    const html = renderFeedPage(document(SITE_FEED, [firstStored]));
    // Assess
    const meta = elements(html).find((element) => element.attribs.class === 'meta')!;
    expect(textOf(meta).replace(/\s+/g, ' ')).toBe('By Nadia Rahman and Tomás Reyes · 9 March 2026, 09:30 UTC+09:00');
  });

  it('sets each story in its own language and direction, the words around it in the site language', () => {
    // Act
    const html = renderFeedPage(siteDocument());
    // Assess
    const articles = elements(html).filter((element) => element.name === 'article');
    expect(articles.map((article) => [article.attribs.lang, article.attribs.dir])).toEqual([
      ['en', 'ltr'],
      ['en', 'ltr'],
      ['ar', 'rtl'],
      ['en', 'ltr'],
      ['en', 'ltr'],
    ]);
    const arabic = elements(`<div>${renderArticle(articles[2]!)}</div>`);
    const meta = arabic.find((element) => element.attribs.class === 'meta')!;
    expect([meta.attribs.lang, meta.attribs.dir]).toEqual(['en', 'ltr']);
    expect(arabic.find((element) => element.name === 'h3')!.attribs.lang).toBeUndefined();
    expect(elements(html).find((element) => element.name === 'html')!.attribs).toMatchObject({ lang: 'en', dir: 'ltr' });
  });

  it('leaves out what a photo does not have, with an empty alt when it has no description', () => {
    // Prepare
    const bare: Article = { ...STORIES[4]!, image: { url: 'https://images.example.com/bare.jpg' } };
    // Act
    const html = renderFeedPage(document(SITE_FEED, [bare]));
    // Assess
    const all = elements(html);
    expect(all.find((element) => element.name === 'img')!.attribs).toEqual({
      src: 'https://images.example.com/bare.jpg',
      alt: '',
      loading: 'lazy',
      decoding: 'async',
    });
    expect(all.filter((element) => element.name === 'figcaption')).toEqual([]);
    expect(all.filter((element) => element.attribs.class === 'kicker' || element.attribs.class === 'categories')).toEqual([]);
    expect(textOf(all.find((element) => element.attribs.class === 'meta')!)).toBe('1 February 2026, 00:00 UTC');
  });

  it('keeps & < > " \' as text in every field, and a 300-character title whole', async () => {
    // Prepare
    const hostile = `Tom & Jerry <script>alert("x")</script> 'quoted' ${'x'.repeat(10)}`;
    const title = `${hostile} ${'long '.repeat(60)}`.slice(0, 300);
    const story: Article = {
      ...STORIES[0]!,
      title,
      kicker: hostile,
      summary: hostile,
      authors: [{ name: hostile, url: 'https://example.org/?a=1&b="2"' }],
      categories: [hostile],
      image: { url: 'https://images.example.com/a.jpg?x=1&y=2', alt: hostile, caption: hostile, credit: hostile },
    };
    // Act
    const html = renderFeedPage(document(SITE_FEED, [story]));
    // Assess
    expect(await validationErrors(html)).toEqual([]);
    const all = elements(html);
    expect(all.filter((element) => element.name === 'script')).toEqual([]);
    expect(decodedText(html, (element) => element.name === 'h3')).toEqual([title]);
    expect(title).toHaveLength(300);
    for (const className of ['kicker', 'summary']) {
      expect(decodedText(html, (element) => element.attribs.class === className)).toEqual([hostile]);
    }
    expect(decodedText(html, (element) => element.name === 'bdi')).toEqual([hostile, hostile]);
    expect(decodedText(html, (element) => element.name === 'figcaption')).toEqual([`${hostile} ${hostile}`]);
    expect(all.find((element) => element.name === 'img')!.attribs.alt).toBe(hostile);
    expect(all.find((element) => element.name === 'img')!.attribs.src).toBe('https://images.example.com/a.jpg?x=1&y=2');
  });

  it('says so when a feed has no story yet', () => {
    // Act
    const html = renderFeedPage(document(SITE_FEED, []));
    // Assess
    expect(html).toContain('<p>No stories here yet.</p>');
    expect(html).toContain(`<time datetime="${NOW.toISOString()}">`);
  });

  it('links an archive page to its neighbours and to the latest stories', () => {
    // Act
    const html = renderFeedPage(archiveDocument());
    // Assess
    const nav = elements(html).find((element) => element.name === 'nav')!;
    const links = elements(`<div>${renderArticle(nav)}</div>`).filter((element) => element.name === 'a');
    expect(links.map((link) => [textOf(link), link.attribs.href])).toEqual([
      ['Newer stories', 'https://news.example.com/archive/2026-02-27/feed.xml'],
      ['Latest stories', 'https://news.example.com/feed.xml'],
      ['Older stories', 'https://news.example.com/archive/2026-02-01/feed.xml'],
    ]);
    expect(decodedText(html, (element) => element.name === 'h2')).toEqual(['Follow this feed', 'Stories of 2026-02-20']);
  });
});

describe('Function: textDirection', () => {
  it('knows right-to-left languages and scripts', () => {
    // Act
    const directions = ['ar', 'ar-EG', 'he', 'fa-IR', 'ur', 'en', 'fr-CA', 'az-Arab', 'az-Latn', 'pa-Arab', 'zh-Hant'].map(textDirection);
    // Assess
    expect(directions).toEqual(['rtl', 'rtl', 'rtl', 'rtl', 'rtl', 'ltr', 'ltr', 'rtl', 'ltr', 'rtl', 'ltr']);
  });
});

describe('Function: humanDateTime', () => {
  it('writes the time in the zone it was given in', () => {
    // Act
    const times = ['2026-03-09T09:30:00+09:00', '2026-12-31T23:59:59Z', '2026-01-01T00:05:00-05:30', '2026-07-04T12:00:00.000Z'].map(
      humanDateTime,
    );
    // Assess
    expect(times).toEqual([
      '9 March 2026, 09:30 UTC+09:00',
      '31 December 2026, 23:59 UTC',
      '1 January 2026, 00:05 UTC−05:30',
      '4 July 2026, 12:00 UTC',
    ]);
  });
});

/** An element serialised back, to look inside it. */
function renderArticle(element: Element): string {
  const attributes = Object.entries(element.attribs)
    .map(([name, value]) => ` ${name}="${value.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}"`)
    .join('');
  const inner = element.children
    .map((child) =>
      'name' in child ? renderArticle(child) : child.type === 'text' ? (child.data ?? '').replace(/&/g, '&amp;').replace(/</g, '&lt;') : '',
    )
    .join('');
  return `<${element.name}${attributes}>${inner}</${element.name}>`;
}
