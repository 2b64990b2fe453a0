// A store for s3rver in which a write becomes visible whole and a read sees one version, as in S3.
//
// s3rver's own FilesystemStore keeps an object in three files (its bytes, their MD5, its
// metadata) and rewrites them in place, one after another. A read that overlaps a write can get
// the Content-Length of one version and fewer bytes than that, and then waits for the rest until
// s3rver drops the idle connection, about 6 s later; or the new ETag with the old bytes; or a
// metadata file cut short by a killed process, which answers 500 from then on.
//
// Here an object is one file: its bytes, then a trailer with its metadata and MD5. A write goes to
// a temporary file beside it and is renamed over the old one, and rename(2) replaces the name at
// once. A read opens the file once and takes the metadata, the length and the bytes from that one
// open file, which keeps the version it opened even when a rename replaces the name meanwhile. So
// a read sees the old object or the new one, never parts of both, and a process killed mid-write
// leaves the old object and a temporary file, which `prepareStore` removes at the next start.
//
// File layout: <bytes> <trailer JSON: { md5, metadata }> <trailer length, uint32 BE> <MAGIC>
// Plain JavaScript, like storage-thread.mjs, which loads it: a worker thread has no TypeScript loader.
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

const require = createRequire(import.meta.url);
const FilesystemStore = require('s3rver/lib/stores/filesystem.js');
const S3Object = require('s3rver/lib/models/object.js');

const MAGIC = Buffer.from('S3W1');
const TRAILER_END_BYTES = 4 + MAGIC.length;
const OBJECT_SUFFIX = '._S3rver_object';
/** s3rver's own sidecar files, from stores written before this one. */
const MD5_SUFFIX = '._S3rver_object.md5';
const METADATA_SUFFIX = '._S3rver_metadata.json';
const TEMPORARY = /\._S3rver_object\.[0-9a-f]+\.partial$/;

class CorruptObjectError extends Error {
  name = 'CorruptObjectError';
}

/** The headers S3 keeps with an object, as s3rver's store picks them from a request. */
function storedMetadata(metadata) {
  const kept = {};
  for (const [name, value] of Object.entries(metadata ?? {})) {
    if (S3Object.ALLOWED_METADATA.includes(name) || name.startsWith('x-amz-meta-')) kept[name] = value;
  }
  return kept;
}

function trailer(md5, metadata) {
  const json = Buffer.from(JSON.stringify({ md5, metadata: storedMetadata(metadata) }));
  const end = Buffer.alloc(TRAILER_END_BYTES);
  end.writeUInt32BE(json.length, 0);
  MAGIC.copy(end, 4);
  return Buffer.concat([json, end]);
}

/** The object's length and metadata (with ETag, Last-Modified and Content-Length, as s3rver reports them) from an open file. */
async function readTrailer(file) {
  const { size: fileSize, mtime } = await file.stat();
  const end = Buffer.alloc(TRAILER_END_BYTES);
  if (fileSize < TRAILER_END_BYTES) throw new CorruptObjectError('object file too short');
  await file.read(end, 0, TRAILER_END_BYTES, fileSize - TRAILER_END_BYTES);
  if (!end.subarray(4).equals(MAGIC)) throw new CorruptObjectError('object file has no trailer');
  const jsonLength = end.readUInt32BE(0);
  const size = fileSize - TRAILER_END_BYTES - jsonLength;
  if (size < 0) throw new CorruptObjectError('object trailer longer than the file');
  const json = Buffer.alloc(jsonLength);
  await file.read(json, 0, jsonLength, size);
  const { md5, metadata } = JSON.parse(json.toString('utf8'));
  return {
    size,
    metadata: { ...metadata, etag: JSON.stringify(md5), 'last-modified': mtime.toUTCString(), 'content-length': size },
  };
}

async function hasTrailer(file) {
  try {
    await readTrailer(file);
    return true;
  } catch (error) {
    if (error instanceof CorruptObjectError || error instanceof SyntaxError) return false;
    throw error;
  }
}

/**
 * Writes bytes and their trailer to a temporary file beside `objectPath`, then renames it over
 * the object: the only moment the object changes. On any failure (a client that hung up mid-upload)
 * the temporary file is removed and the object is as it was.
 */
async function writeWhole(objectPath, content, metadata) {
  await mkdir(path.dirname(objectPath), { recursive: true });
  const temporary = `${objectPath}.${randomBytes(6).toString('hex')}.partial`;
  const hash = createHash('md5');
  let size = 0;
  let md5 = '';
  const source = Buffer.isBuffer(content) ? Readable.from([content]) : content;
  try {
    await pipeline(
      source,
      async function* withTrailer(chunks) {
        for await (const chunk of chunks) {
          hash.update(chunk);
          size += chunk.length;
          yield chunk;
        }
        md5 = hash.digest('hex');
        yield trailer(md5, metadata);
      },
      createWriteStream(temporary),
    );
    await rename(temporary, objectPath);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  return { size, md5 };
}

export class WholeObjectStore extends FilesystemStore {
  async getMetadata(bucket, key) {
    // Throws ENOENT for a missing object, as s3rver's store does.
    const file = await open(this.getResourcePath(bucket, key, 'object'));
    try {
      return (await readTrailer(file)).metadata;
    } finally {
      await file.close();
    }
  }

  async getObject(bucket, key, options) {
    let file;
    try {
      file = await open(this.getResourcePath(bucket, key, 'object'));
    } catch (error) {
      if (error.code === 'ENOENT') return null;
      throw error;
    }
    try {
      const { size, metadata } = await readTrailer(file);
      const lastByte = Math.max(0, size - 1);
      const wantsRange = options && (options.start !== undefined || options.end);
      const range = { start: options?.start || 0, end: Math.min(options?.end || Infinity, lastByte) };
      if (range.start < 0 || range.end < range.start) {
        // Not satisfiable: s3rver answers InvalidRange for an object with a range and no content.
        const object = new S3Object(bucket, key, null, metadata);
        if (wantsRange) object.range = range;
        return object;
      }
      // The bytes come from the file opened above, whatever has been renamed over its name since.
      // They are read here, not streamed, so the file is closed even when s3rver answers 304 and
      // never reads the content (feed files are a few megabytes at most).
      const length = size === 0 ? 0 : range.end - range.start + 1;
      const bytes = Buffer.alloc(length);
      if (length) await file.read(bytes, 0, length, range.start);
      const object = new S3Object(bucket, key, Readable.from([bytes]), metadata);
      if (wantsRange) object.range = range;
      return object;
    } finally {
      await file.close();
    }
  }

  async putObject(object) {
    const objectPath = this.getResourcePath(object.bucket, object.key, 'object');
    return writeWhole(objectPath, object.content, object.metadata);
  }

  async copyObject(srcBucket, srcKey, destBucket, destKey, replacementMetadata) {
    const source = await this.getObject(srcBucket, srcKey);
    if (!source) throw Object.assign(new Error(`no object ${srcKey}`), { code: 'ENOENT' });
    await writeWhole(this.getResourcePath(destBucket, destKey, 'object'), source.content, replacementMetadata ?? source.metadata);
    return this.getMetadata(destBucket, destKey);
  }
}

async function filesIn(directory) {
  const found = [];
  for (const entry of await readdir(directory, { withFileTypes: true })) {
    const file = path.join(directory, entry.name);
    if (entry.isDirectory()) found.push(...(await filesIn(file)));
    else if (entry.isFile()) found.push(file);
  }
  return found;
}

/**
 * Readies a store directory before s3rver serves it: removes the temporary files of writes that a
 * killed process left unfinished, and rewrites objects kept in s3rver's own three-file layout
 * (stores written before this one) as one file each. An object whose metadata file was cut short
 * by a kill mid-write cannot be read and is removed. Returns the keys removed (bucket/key) and
 * how many objects were rewritten.
 */
export async function prepareStore(directory) {
  await mkdir(directory, { recursive: true });
  const files = await filesIn(directory);
  const removed = [];
  let converted = 0;
  for (const file of files.filter((name) => TEMPORARY.test(name))) await rm(file, { force: true });
  // s3rver's own store writes both sidecars with every object, so an object without one is
  // already in this layout, and only objects with one are opened (a large store starts at once).
  const present = new Set(files);
  for (const objectPath of files.filter((name) => name.endsWith(OBJECT_SUFFIX))) {
    const base = objectPath.slice(0, -OBJECT_SUFFIX.length);
    const sidecars = [`${base}${MD5_SUFFIX}`, `${base}${METADATA_SUFFIX}`];
    if (!sidecars.some((sidecar) => present.has(sidecar))) continue;
    const file = await open(objectPath);
    const whole = await hasTrailer(file).finally(() => file.close());
    if (!whole) {
      let metadata = {};
      try {
        metadata = JSON.parse(await readFile(`${base}${METADATA_SUFFIX}`, 'utf8'));
      } catch (error) {
        if (error.code !== 'ENOENT') {
          await Promise.all([objectPath, ...sidecars].map((name) => rm(name, { force: true })));
          removed.push(path.relative(directory, base));
          continue;
        }
      }
      await writeWhole(objectPath, await readFile(objectPath), metadata);
      converted++;
    }
    // Left by a conversion that was stopped after its rename, or by the one just made.
    await Promise.all(sidecars.map((name) => rm(name, { force: true })));
  }
  return { removed, converted };
}
