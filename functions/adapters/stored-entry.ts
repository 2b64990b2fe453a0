import { gunzipSync, gzipSync } from 'node:zlib';
import type { Article } from '../domain/article.js';
import type { StoredFragments } from '../rendering/entry-fragments.js';

/**
 * How a feed entry holds its story: the story and its three rendered entries, compressed together
 * (a story's text is in all four, so they shrink to about a fifth). A feed is then one Query, with
 * no read per story and, in a cold process too, no story rendered again.
 *
 *   gzip( uint32 header length | header JSON { article, fingerprint?, sizes? } | rss | atom | json )
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

export function encodeStoredStory({ article, fragments }: StoredStory): Buffer {
  const encoded = encode(article, fragments);
  return encoded.length <= MAX_STORED_STORY_BYTES || !fragments ? encoded : encode(article, undefined);
}

function encode(article: Article, fragments: StoredFragments | undefined): Buffer {
  const parts = fragments ? [fragments.rss, fragments.atom, fragments.json] : [];
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
    sizes?: [number, number, number];
  };
  if (!header.fingerprint || !header.sizes) return { article: header.article };
  const [rss, atom] = header.sizes;
  const start = headerEnd;
  return {
    article: header.article,
    fragments: {
      fingerprint: header.fingerprint,
      rss: bytes.subarray(start, start + rss),
      atom: bytes.subarray(start + rss, start + rss + atom),
      json: bytes.subarray(start + rss + atom, start + header.sizes.reduce((sum, size) => sum + size, 0)),
    },
  };
}
