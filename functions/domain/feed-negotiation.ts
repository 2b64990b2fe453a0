import { FEED_PAGE_FILE_NAME } from './feeds.js';
import { legacyRedirectFunctionCode, VIEWER_FUNCTION_MAX_BYTES } from './legacy-feed-addresses.js';

/**
 * One address for people and for feed readers. A browser that navigates to a feed's address
 * (`Sec-Fetch-Mode: navigate` with `Sec-Fetch-Dest: document`, which browsers send on a top-level
 * navigation and nothing else sends) gets the feed's page for people, stored beside the feed;
 * every other request gets the feed's own bytes. `Accept` decides nothing: feed readers often send
 * browser-like ones that name `text/html`, and such a reader must still get its feed.
 *
 * The CDN applies this before its cache (a CloudFront Function on viewer requests; the local CDN
 * stand-in calls `viewerObjectPath`), so the page and the feed are two cached objects, and
 * responses at feed addresses say in `Vary` what the choice depends on, so that no shared cache
 * further down hands a reader the page or a person the feed.
 */

/** Request headers by lower-case name, as Node and CloudFront Functions give them. */
export type ViewerHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/** The path of any format of any feed or archive page: every one ends in one of these names. */
const FEED_FILE_PATH = /^(.*\/)(?:feed\.xml|atom\.xml|feed\.json)$/;

/** The page's own path, where a browser's request lands after the rewrite. */
const FEED_PAGE_PATH = new RegExp(`/${FEED_PAGE_FILE_NAME.replace('.', '\\.')}$`);

/** What the choice at a feed's address depends on (and the CDN's own compression). */
export const FEED_ADDRESS_VARY = 'Accept-Encoding, Sec-Fetch-Dest, Sec-Fetch-Mode';

function headerValue(headers: ViewerHeaders, name: string): string {
  const value = headers[name];
  return (typeof value === 'string' ? value : (value?.[0] ?? '')).trim().toLowerCase();
}

/** A browser's top-level navigation: typing the address, following a link, opening it in a tab. */
export function isDocumentNavigation(headers: ViewerHeaders): boolean {
  return headerValue(headers, 'sec-fetch-mode') === 'navigate' && headerValue(headers, 'sec-fetch-dest') === 'document';
}

/** The path of the object that answers a request for `path` (URL-encoded, with its leading slash). */
export function viewerObjectPath(path: string, headers: ViewerHeaders): string {
  const feedFile = FEED_FILE_PATH.exec(path);
  return feedFile && isDocumentNavigation(headers) ? `${feedFile[1]}${FEED_PAGE_FILE_NAME}` : path;
}

/** `Vary` for a response to `path` (before or after the rewrite); undefined where nothing is chosen. */
export function varyFor(path: string): string | undefined {
  return FEED_FILE_PATH.test(path) || FEED_PAGE_PATH.test(path) ? FEED_ADDRESS_VARY : undefined;
}

/**
 * The distribution's viewer function (CloudFront Functions, JavaScript runtime 2.0), associated
 * with both viewer requests and viewer responses. At viewer request an old platform's feed address
 * gets its 301 (`legacyFeedRedirect`), then a browser's navigation to a feed is sent to its page;
 * at viewer response, feed addresses get `Vary`. Built from the patterns above and those of
 * legacy-feed-addresses.ts, and tested against `viewerObjectPath`, `varyFor` and
 * `legacyFeedRedirect` with the same requests. A behaviour takes one function per event type,
 * hence one function for both rules.
 */
export function viewerFunctionCode(siteRedirects: Readonly<Record<string, string>> = {}): string {
  const code = `${legacyRedirectFunctionCode(siteRedirects)}
var FEED_FILE_PATH = new RegExp(${JSON.stringify(FEED_FILE_PATH.source)});
var FEED_PAGE_PATH = new RegExp(${JSON.stringify(FEED_PAGE_PATH.source)});
function headerValue(headers, name) {
  return headers[name] ? String(headers[name].value).trim().toLowerCase() : '';
}
function handler(event) {
  var request = event.request;
  if (event.context.eventType === 'viewer-response') {
    var response = event.response;
    if (FEED_FILE_PATH.test(request.uri) || FEED_PAGE_PATH.test(request.uri)) {
      response.headers['vary'] = { value: ${JSON.stringify(FEED_ADDRESS_VARY)} };
    }
    return response;
  }
  var redirect = legacyRedirect(request);
  if (redirect) return redirect;
  var feedFile = FEED_FILE_PATH.exec(request.uri);
  if (feedFile && headerValue(request.headers, 'sec-fetch-mode') === 'navigate' && headerValue(request.headers, 'sec-fetch-dest') === 'document') {
    request.uri = feedFile[1] + ${JSON.stringify(FEED_PAGE_FILE_NAME)};
  }
  return request;
}`;
  const bytes = new TextEncoder().encode(code).length;
  if (bytes > VIEWER_FUNCTION_MAX_BYTES) {
    throw new RangeError(
      `The CDN's viewer function would be ${bytes} bytes, over CloudFront's ${VIEWER_FUNCTION_MAX_BYTES}: content/site.json has too many feedRedirects; keep the ones readers still use`,
    );
  }
  return code;
}
