import { describe, expect, it } from 'vitest';
import { FEED_ADDRESS_VARY, isDocumentNavigation, varyFor, viewerObjectPath } from '../../functions/domain/feed-negotiation.js';
import { FEED_ADDRESSES, OTHER_ADDRESSES, VIEWER_REQUESTS } from '../support/viewer-requests.js';

describe('Function: viewerObjectPath', () => {
  for (const { client, headers, page } of VIEWER_REQUESTS) {
    it(`gives ${client} the feed's ${page ? 'page' : 'own bytes'}`, () => {
      // Act
      const answers = FEED_ADDRESSES.map(({ path }) => viewerObjectPath(path, headers));
      // Assess
      expect(isDocumentNavigation(headers)).toBe(page);
      expect(answers).toEqual(FEED_ADDRESSES.map(({ path, page: pagePath }) => (page ? pagePath : path)));
    });
  }

  it('rewrites nothing but feed files, whoever asks', () => {
    // Prepare
    const browser = VIEWER_REQUESTS.find((request) => request.page)!.headers;
    // Act
    const answers = OTHER_ADDRESSES.map((path) => viewerObjectPath(path, browser));
    // Assess
    expect(answers).toEqual(OTHER_ADDRESSES);
  });

  it('takes the first value of a header Node gives as a list', () => {
    // Act
    const path = viewerObjectPath('/feed.xml', { 'sec-fetch-mode': ['navigate'], 'sec-fetch-dest': ['document'] });
    // Assess
    expect(path).toBe('/feed.html');
  });
});

describe('Function: varyFor', () => {
  it('names the navigation headers at feed addresses and at the pages they lead to, nowhere else', () => {
    // Act
    const atFeeds = FEED_ADDRESSES.flatMap(({ path, page }) => [varyFor(path), varyFor(page)]);
    const elsewhere = ['/', '/index.html', '/icon.png', '/feeds.json'].map(varyFor);
    // Assess
    expect(new Set(atFeeds)).toEqual(new Set([FEED_ADDRESS_VARY]));
    expect(FEED_ADDRESS_VARY).toBe('Accept-Encoding, Sec-Fetch-Dest, Sec-Fetch-Mode');
    expect(elsewhere).toEqual([undefined, undefined, undefined, undefined]);
  });
});
