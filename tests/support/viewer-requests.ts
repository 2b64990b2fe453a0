import { request } from 'node:http';

/**
 * Requests as real clients send them to a feed's address (names lower-case, as Node and CloudFront
 * Functions give them), for the tests of the feed-or-page rule and of the CloudFront Function that
 * applies it. `page` says whether the client must get the feed's page for people.
 */
export interface ViewerRequest {
  client: string;
  headers: Record<string, string>;
  page: boolean;
}

const CHROMIUM_ACCEPT =
  'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7';
const FIREFOX_SAFARI_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

export const VIEWER_REQUESTS: ViewerRequest[] = [
  {
    client: 'Chromium: the address typed in',
    headers: {
      accept: CHROMIUM_ACCEPT,
      'sec-fetch-dest': 'document',
      'sec-fetch-mode': 'navigate',
      'sec-fetch-site': 'none',
      'sec-fetch-user': '?1',
      'upgrade-insecure-requests': '1',
      'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36',
    },
    page: true,
  },
  {
    client: 'Chromium: a "Subscribe" link followed on the site',
    headers: {
      accept: CHROMIUM_ACCEPT,
      'sec-fetch-dest': 'document',
      'sec-fetch-mode': 'navigate',
      'sec-fetch-site': 'same-origin',
      'sec-fetch-user': '?1',
      'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36',
    },
    page: true,
  },
  {
    client: 'Firefox: a link followed from another site',
    headers: {
      accept: FIREFOX_SAFARI_ACCEPT,
      'sec-fetch-dest': 'document',
      'sec-fetch-mode': 'navigate',
      'sec-fetch-site': 'cross-site',
      'sec-fetch-user': '?1',
      'upgrade-insecure-requests': '1',
      'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:145.0) Gecko/20100101 Firefox/145.0',
    },
    page: true,
  },
  {
    client: 'Safari: the address typed in',
    headers: {
      accept: FIREFOX_SAFARI_ACCEPT,
      'sec-fetch-dest': 'document',
      'sec-fetch-mode': 'navigate',
      'sec-fetch-site': 'none',
      'user-agent': 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/26.1 Safari/605.1.15',
    },
    page: true,
  },
  {
    client: 'a browser, header values in another case',
    headers: { 'sec-fetch-dest': 'Document', 'sec-fetch-mode': ' Navigate ' },
    page: true,
  },
  {
    client: 'Feedly',
    headers: { accept: '*/*', 'user-agent': 'Feedly/1.0 (+http://www.feedly.com/fetcher.html; 12 subscribers; )' },
    page: false,
  },
  {
    client: 'Miniflux',
    headers: { accept: '*/*', 'user-agent': 'Mozilla/5.0 (compatible; Miniflux/2.2.14; +https://miniflux.app)' },
    page: false,
  },
  {
    client: 'NetNewsWire',
    headers: { accept: '*/*', 'user-agent': 'NetNewsWire (RSS Reader; https://netnewswire.com/)' },
    page: false,
  },
  { client: 'curl', headers: { accept: '*/*', 'user-agent': 'curl/8.14.1' }, page: false },
  { client: 'a client that sends no headers at all', headers: {}, page: false },
  {
    client: 'a feed reader that sends a browser-like Accept naming text/html',
    headers: {
      accept: FIREFOX_SAFARI_ACCEPT,
      'user-agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
    },
    page: false,
  },
  {
    client: 'a feed reader asking for feed types first',
    headers: { accept: 'application/rss+xml, application/atom+xml;q=0.9, application/xml;q=0.8, text/html;q=0.5, */*;q=0.1' },
    page: false,
  },
  {
    client: "a web-based reader's script: fetch() from another origin",
    headers: { accept: '*/*', 'sec-fetch-dest': 'empty', 'sec-fetch-mode': 'cors', 'sec-fetch-site': 'cross-site' },
    page: false,
  },
  {
    client: 'a script on the same site: fetch()',
    headers: { accept: '*/*', 'sec-fetch-dest': 'empty', 'sec-fetch-mode': 'same-origin', 'sec-fetch-site': 'same-origin' },
    page: false,
  },
  {
    client: 'a page that frames the feed (an iframe navigation)',
    headers: { accept: FIREFOX_SAFARI_ACCEPT, 'sec-fetch-dest': 'iframe', 'sec-fetch-mode': 'navigate', 'sec-fetch-site': 'cross-site' },
    page: false,
  },
  {
    client: 'a browser downloading the link ("Save link as")',
    headers: { accept: '*/*', 'sec-fetch-dest': 'empty', 'sec-fetch-mode': 'no-cors', 'sec-fetch-site': 'same-origin' },
    page: false,
  },
];

/** Addresses of every kind of feed file, and what a page request for each is rewritten to. */
export const FEED_ADDRESSES: { path: string; page: string }[] = [
  { path: '/feed.xml', page: '/feed.html' },
  { path: '/atom.xml', page: '/feed.html' },
  { path: '/feed.json', page: '/feed.html' },
  { path: '/categories/world/atom.xml', page: '/categories/world/feed.html' },
  { path: '/authors/%D9%86%D8%A7%D8%AF%D9%8A%D8%A9/feed.json', page: '/authors/%D9%86%D8%A7%D8%AF%D9%8A%D8%A9/feed.html' },
  { path: '/archive/2026-03-09/feed.xml', page: '/archive/2026-03-09/feed.html' },
];

/** Addresses that are never rewritten, whoever asks. */
export const OTHER_ADDRESSES = ['/', '/index.html', '/feed.html', '/feed.xsl', '/icon.png', '/feed.xml.bak', '/feeds.json'];

/**
 * Sends a GET with exactly these headers. Node's fetch sets Sec-Fetch-Mode to "cors" on every
 * request, whatever the caller asked, so a browser's navigation can only be replayed with node:http.
 */
export function getWithHeaders(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const flat = Object.fromEntries(Object.entries(response.headers).map(([name, value]) => [name, String(value)]));
        resolve({ status: response.statusCode ?? 0, headers: flat, body: Buffer.concat(chunks).toString('utf8') });
      });
    })
      .on('error', reject)
      .end();
  });
}
