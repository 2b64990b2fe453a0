import { gunzipSync, gzipSync } from 'node:zlib';
import type { Article } from '../domain/article.js';
import type { StoredFragments } from '../rendering/entry-fragments.js';

/**
 * How a feed entry holds its story: the story, its three rendered entries and its part of the feed
 * pages, compressed together (a story's text is in all five, so they shrink to about a sixth). A feed is then one Query, with
 * no read per story and, in a cold process too, no story rendered again.
 *
 *   gzip( uint32 header length | header JSON { article, fingerprint?, sizes? } | rss | atom | json | html )
 *
 * An entry written before the pages existed has three sizes: it is read as a story without
 * fragments (rendered afresh; its fingerprint could not match anyway).
 */
export interface StoredStory {
  article: Article;
  fragments?: StoredFragments | undefined;
}

/**
 * DynamoDB's item limit is 400 KB. A story whose entries do not fit compressed beside it is stored
 * without them and rendered when its feeds are (a story of hundreds of kilobytes of text).
 */
export const MAX_STORED_STORY_BYTES = 380_000;

const FRAGMENT_ORDER = ['rss', 'atom', 'json', 'html'] as const;

export function encodeStoredStory({ article, fragments }: StoredStory): Buffer {
  const encoded = encode(article, fragments);
  return encoded.length <= MAX_STORED_STORY_BYTES || !fragments ? encoded : encode(article, undefined);
}

function encode(article: Article, fragments: StoredFragments | undefined): Buffer {
  const parts = fragments ? FRAGMENT_ORDER.map((format) => fragments[format]) : [];
  const header = Buffer.from(
    JSON.stringify({ article, ...(fragments ? { fingerprint: fragments.fingerprint, sizes: parts.map((part) => part.length) } : {}) }),
    'utf8',
  );
  const length = Buffer.alloc(4);
  length.writeUInt32BE(header.length);
  return gzipSync(Buffer.concat([length, header, ...parts]), { level: 6 });
}

export function decodeStoredStory(stored: Uint8Array): StoredStory {
  const bytes = gunzipSync(stored);
  const headerEnd = 4 + bytes.readUInt32BE(0);
  const header = JSON.parse(bytes.subarray(4, headerEnd).toString('utf8')) as {
    article: Article;
    fingerprint?: string;
    sizes?: number[];
  };
  if (!header.fingerprint || header.sizes?.length !== FRAGMENT_ORDER.length) return { article: header.article };
  const fragments = { fingerprint: header.fingerprint } as StoredFragments;
  let start = headerEnd;
  FRAGMENT_ORDER.forEach((format, index) => {
    const end = start + header.sizes![index]!;
    fragments[format] = bytes.subarray(start, end);
    start = end;
  });
  return { article: header.article, fragments };
}
