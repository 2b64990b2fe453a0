import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';

const SITE = 'https://harbour.example';
const DEFAULT_START = '2025-06-01T12:00:00Z';
const TWO_HOURS = 2 * 60 * 60 * 1000;
/** What WordPress writes for a draft's `pubDate`: its zero date, formatted. */
const ZERO_PUB_DATE = 'Mon, 30 Nov -0001 00:00:00 +0000';
const ZERO_DATE = '0000-00-00 00:00:00';

interface Author {
  id: number;
  login: string;
  displayName: string;
  firstName: string;
  lastName: string;
}

interface Category {
  id: number;
  nicename: string;
  name: string;
}

const AUTHORS: readonly Author[] = [
  { id: 1, login: 'mwren', displayName: 'Mara Wren', firstName: 'Mara', lastName: 'Wren' },
  { id: 2, login: 'tashcombe', displayName: 'Tobin Ashcombe', firstName: 'Tobin', lastName: 'Ashcombe' },
  { id: 3, login: 'ivaldecourt', displayName: 'Ines Valdecourt', firstName: 'Ines', lastName: 'Valdecourt' },
  { id: 4, login: 'pholt', displayName: 'Peregrine Holt', firstName: 'Peregrine', lastName: 'Holt' },
];

const CATEGORIES: readonly Category[] = [
  { id: 3, nicename: 'harbour', name: 'Harbour' },
  { id: 5, nicename: 'council', name: 'Council' },
  { id: 7, nicename: 'transport', name: 'Transport' },
  { id: 10, nicename: 'business-jobs', name: 'Business &amp; Jobs' },
];

const HEADLINES = [
  'Ferry timetable changes for the spring',
  'Council meets on the sea wall',
  'Fish market traders count the week',
  'Lifeboat crew called out at dawn',
  'Harbour dues set for next year',
  'Coast road reopens after repairs',
];

/** Six paragraphs of about 260 bytes each: with the opening one and the block comments, a story's content is about 2 KB. */
const PARAGRAPHS = [
  'The harbour office says the work will be done in stages, so that the quay stays open to the boats that land there each morning, ' +
    'and that the footpath along the wall will close in sections of about a hundred metres at a time, never more than one section at once.',
  'Traders on the east quay said the week had been a quiet one, with the fog keeping the smaller boats in until the middle of the day ' +
    'on three of the five mornings, and prices for crab and lobster up on the week before because so little of either came ashore.',
  'Councillors asked for a report on the cost of doing nothing, after engineers warned that another winter like the last one could open ' +
    'the crack along the wall further, and that repairs made in a hurry after a storm would cost at least twice as much as repairs made now.',
  'The operator says the change follows a fall in late-evening passengers of nearly a third since 2023, and that the winter timetable ' +
    'will be reviewed again in September, after the busy summer months, when it has a full year of figures to look at and to publish.',
  'Volunteers from the lifeboat station, the rowing club and the Friends of the Pier will be on the harbour front from ten on Saturday, ' +
    'with tea, cake and a table of old photographs of the quays, and they would like to hear from anyone who can put names to the faces.',
  'The harbour board will publish the minutes of the meeting on its noticeboard by the clock tower and online within the week, ' +
    'together with the figures for the dredging contract and the list of summer moorings, which is already longer than last year.',
];

/** The text of a CDATA section holding `text`, split where `text` itself holds `]]>`. */
function cdata(text: string): string {
  return `<![CDATA[${text.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}

/** `2025-06-01 12:00:00`, as WXR writes `wp:post_date` and `wp:post_date_gmt`. */
function wxrDate(at: Date): string {
  return at.toISOString().slice(0, 19).replace('T', ' ');
}

/** `Sun, 01 Jun 2025 12:00:00 +0000`, as WordPress writes `pubDate`. */
function rfc822(at: Date): string {
  return at.toUTCString().replace(/ GMT$/, ' +0000');
}

/** `/2025/06/01/`, the date part of a WordPress permalink. */
function datePath(at: Date): string {
  return `/${at.toISOString().slice(0, 10).replaceAll('-', '/')}/`;
}

function storyContent(n: number): string {
  const opening = `<p>Story ${n} of the generated archive: a routine day on the harbour, written to be long enough to count.</p>`;
  const paragraphs = PARAGRAPHS.map((_, i) => `<p>${PARAGRAPHS[(n + i) % PARAGRAPHS.length]}</p>`);
  return [opening, ...paragraphs].map((p) => `<!-- wp:paragraph -->\n${p}\n<!-- /wp:paragraph -->`).join('\n\n');
}

/** Paragraphs adding up to exactly `bytes` bytes (ASCII), the last one cut short to fit. */
function hugeContent(bytes: number): string {
  const parts: string[] = [];
  let length = 0;
  for (let i = 0; ; i++) {
    const paragraph = `<p>${PARAGRAPHS[i % PARAGRAPHS.length]}</p>\n`;
    if (length + paragraph.length > bytes) break;
    parts.push(paragraph);
    length += paragraph.length;
  }
  const room = bytes - length;
  if (room >= 8) parts.push(`<p>${PARAGRAPHS[0]!.slice(0, room - 7)}</p>`);
  else parts.push('\n'.repeat(room));
  return parts.join('');
}

function wxrHead(created: Date): string {
  const authors = AUTHORS.map(
    (a) =>
      `\t\t<wp:author><wp:author_id>${a.id}</wp:author_id><wp:author_login>${cdata(a.login)}</wp:author_login>` +
      `<wp:author_email>${cdata(`${a.login}@harbour.example`)}</wp:author_email>` +
      `<wp:author_display_name>${cdata(a.displayName)}</wp:author_display_name>` +
      `<wp:author_first_name>${cdata(a.firstName)}</wp:author_first_name>` +
      `<wp:author_last_name>${cdata(a.lastName)}</wp:author_last_name></wp:author>\n`,
  ).join('');
  const categories = CATEGORIES.map(
    (c) =>
      `\t\t<wp:category>\n\t\t<wp:term_id>${c.id}</wp:term_id>\n` +
      `\t\t<wp:category_nicename>${cdata(c.nicename)}</wp:category_nicename>\n` +
      `\t\t<wp:category_parent>${cdata('')}</wp:category_parent>\n` +
      `\t\t<wp:cat_name>${cdata(c.name)}</wp:cat_name>\n\t</wp:category>\n`,
  ).join('');
  return (
    '<?xml version="1.0" encoding="UTF-8" ?>\n' +
    '<!-- This is a WordPress eXtended RSS file generated by WordPress as an export of your site. -->\n' +
    `<!-- generator="WordPress/6.7.2" created="${wxrDate(created).slice(0, 16)}" -->\n` +
    '<rss version="2.0"\n' +
    '\txmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"\n' +
    '\txmlns:content="http://purl.org/rss/1.0/modules/content/"\n' +
    '\txmlns:wfw="http://wellformedweb.org/CommentAPI/"\n' +
    '\txmlns:dc="http://purl.org/dc/elements/1.1/"\n' +
    '\txmlns:wp="http://wordpress.org/export/1.2/"\n' +
    '>\n\n<channel>\n' +
    '\t<title>The Harbour Gazette</title>\n' +
    `\t<link>${SITE}</link>\n` +
    '\t<description>News from the harbour, the quays and the hills behind them</description>\n' +
    `\t<pubDate>${rfc822(created)}</pubDate>\n` +
    '\t<language>en-GB</language>\n' +
    '\t<wp:wxr_version>1.2</wp:wxr_version>\n' +
    `\t<wp:base_site_url>${SITE}</wp:base_site_url>\n` +
    `\t<wp:base_blog_url>${SITE}</wp:base_blog_url>\n\n` +
    authors +
    '\n' +
    categories +
    '\n\t<generator>https://wordpress.org/?v=6.7.2</generator>\n\n'
  );
}

const WXR_FOOT = '\t</channel>\n</rss>\n';

interface WxrItem {
  id: number;
  title: string;
  slug: string;
  link: string;
  guid: string;
  /** Publication time; null for a draft, which WordPress exports with its zero GMT date. */
  at: Date | null;
  created: Date;
  author: Author;
  status: 'publish' | 'draft' | 'inherit';
  type: 'post' | 'attachment';
  content: string;
  excerpt?: string;
  category?: Category;
  parent?: number;
  attachmentUrl?: string;
}

function wxrItem(item: WxrItem): string {
  const gmt = item.at ? wxrDate(item.at) : ZERO_DATE;
  const category = item.category
    ? `\t\t<category domain="category" nicename="${item.category.nicename}">${cdata(item.category.name)}</category>\n`
    : '';
  const attachment = item.attachmentUrl ? `\t\t<wp:attachment_url>${cdata(item.attachmentUrl)}</wp:attachment_url>\n` : '';
  return (
    '\t\t<item>\n' +
    `\t\t<title>${cdata(item.title)}</title>\n` +
    `\t\t<link>${item.link}</link>\n` +
    `\t\t<pubDate>${item.at ? rfc822(item.at) : ZERO_PUB_DATE}</pubDate>\n` +
    `\t\t<dc:creator>${cdata(item.author.login)}</dc:creator>\n` +
    `\t\t<guid isPermaLink="false">${item.guid}</guid>\n` +
    '\t\t<description></description>\n' +
    `\t\t<content:encoded>${cdata(item.content)}</content:encoded>\n` +
    `\t\t<excerpt:encoded>${cdata(item.excerpt ?? '')}</excerpt:encoded>\n` +
    `\t\t<wp:post_id>${item.id}</wp:post_id>\n` +
    `\t\t<wp:post_date>${cdata(wxrDate(item.created))}</wp:post_date>\n` +
    `\t\t<wp:post_date_gmt>${cdata(gmt)}</wp:post_date_gmt>\n` +
    `\t\t<wp:post_modified>${cdata(wxrDate(item.created))}</wp:post_modified>\n` +
    `\t\t<wp:post_modified_gmt>${cdata(wxrDate(item.created))}</wp:post_modified_gmt>\n` +
    `\t\t<wp:comment_status>${cdata('open')}</wp:comment_status>\n` +
    `\t\t<wp:ping_status>${cdata(item.type === 'post' ? 'open' : 'closed')}</wp:ping_status>\n` +
    `\t\t<wp:post_name>${cdata(item.slug)}</wp:post_name>\n` +
    `\t\t<wp:status>${cdata(item.status)}</wp:status>\n` +
    `\t\t<wp:post_parent>${item.parent ?? 0}</wp:post_parent>\n` +
    '\t\t<wp:menu_order>0</wp:menu_order>\n' +
    `\t\t<wp:post_type>${cdata(item.type)}</wp:post_type>\n` +
    `\t\t<wp:post_password>${cdata('')}</wp:post_password>\n` +
    '\t\t<wp:is_sticky>0</wp:is_sticky>\n' +
    attachment +
    category +
    '\t\t</item>\n'
  );
}

/** Published post `n` (1-based) of a generated archive: one every two hours back from `startAt`. */
function publishedPost(n: number, startAt: Date, content = storyContent(n)): WxrItem {
  const at = new Date(startAt.getTime() - (n - 1) * TWO_HOURS);
  const slug = `story-${n}`;
  return {
    id: n,
    title: `${HEADLINES[n % HEADLINES.length]} (story ${n})`,
    slug,
    link: `${SITE}${datePath(at)}${slug}/`,
    guid: `${SITE}/?p=${n}`,
    at,
    created: at,
    author: AUTHORS[n % AUTHORS.length]!,
    status: 'publish',
    type: 'post',
    content,
    category: CATEGORIES[n % CATEGORIES.length]!,
  };
}

/** The draft and the attachment that follow every 1000th post: ids after the published ones. */
function extrasAfter(n: number, posts: number, startAt: Date): WxrItem[] {
  const k = n / 1000;
  const draftId = posts + 2 * k - 1;
  const attachmentId = posts + 2 * k;
  const created = new Date(startAt.getTime() - (n - 1) * TWO_HOURS + 60_000);
  const file = `${created.toISOString().slice(0, 7).replace('-', '/')}/harbour-${attachmentId}.jpg`;
  const uploads = `${SITE}/wp-content/uploads/${file}`;
  return [
    {
      id: draftId,
      title: `Unfinished draft ${k}`,
      slug: '',
      link: `${SITE}/?p=${draftId}`,
      guid: `${SITE}/?p=${draftId}`,
      at: null,
      created,
      author: AUTHORS[k % AUTHORS.length]!,
      status: 'draft',
      type: 'post',
      content: '<!-- wp:paragraph -->\n<p>Draft: not for publication.</p>\n<!-- /wp:paragraph -->',
      category: CATEGORIES[0]!,
    },
    {
      id: attachmentId,
      title: `harbour-${attachmentId}`,
      slug: `harbour-${attachmentId}`,
      link: `${SITE}/?attachment_id=${attachmentId}`,
      guid: uploads,
      at: created,
      created,
      author: AUTHORS[k % AUTHORS.length]!,
      status: 'inherit',
      type: 'attachment',
      content: '',
      excerpt: `The harbour, photographed for story ${n}.`,
      parent: n,
      attachmentUrl: uploads,
    },
  ];
}

/** Streams a WXR 1.2 export of `posts` published posts (plus a draft and an attachment per 1000) to `file`, for size tests. */
export async function writeLargeWxr(file: string, options: { posts: number; startAt?: Date }): Promise<void> {
  const startAt = options.startAt ?? new Date(DEFAULT_START);
  const stream = createWriteStream(file, { encoding: 'utf8' });
  let failure: Error | undefined;
  stream.on('error', (error) => {
    failure = error;
  });
  const put = async (chunk: string): Promise<void> => {
    if (failure) throw failure;
    if (!stream.write(chunk)) await once(stream, 'drain');
  };
  try {
    await put(wxrHead(startAt));
    for (let n = 1; n <= options.posts; n++) {
      await put(wxrItem(publishedPost(n, startAt)));
      if (n % 1000 === 0) for (const extra of extrasAfter(n, options.posts, startAt)) await put(wxrItem(extra));
    }
    await put(WXR_FOOT);
    stream.end();
    await finished(stream);
  } catch (error) {
    stream.destroy();
    throw error;
  }
}

/** A small WXR 1.2 export of two published posts, the first with `bytes` bytes of paragraphs in its content, for size limits. */
export function wxrWithHugeItem(bytes: number): string {
  const startAt = new Date(DEFAULT_START);
  return wxrHead(startAt) + wxrItem(publishedPost(1, startAt, hugeContent(bytes))) + wxrItem(publishedPost(2, startAt)) + WXR_FOOT;
}
