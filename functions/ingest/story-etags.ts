import type { Article } from '../domain/article.js';
import type { WritePrecondition } from '../use-cases/publish-article.js';

/**
 * A story's entity tag (RFC 9110 §8.8.3): its revision, which every stored change moves, so two
 * reads with the same tag saw the same story. Strong: equal tags, the same stored story.
 */
export function storyEtag(article: Pick<Article, 'revision'>): string {
  return `"r${article.revision}"`;
}

/** An entity tag as RFC 9110 writes it: optionally weak, then a quoted string of visible characters. */
const ENTITY_TAG = /^(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"$/;
const REVISION_TAG = /^r([1-9]\d{0,15})$/;

export class InvalidIfMatchError extends Error {
  override readonly name = 'InvalidIfMatchError';
  constructor(readonly value: string) {
    super(`If-Match must be "*" or entity tags as the API sends them in ETag, such as "r3"; got ${JSON.stringify(value)}`);
  }
}

/**
 * What an `If-Match` header asks (RFC 9110 §13.1.1), or undefined without one. `*` asks that the
 * story exists; otherwise the stored story must match one of the tags by strong comparison, so a
 * weak tag, or one this API never sent, matches nothing and the write is refused.
 */
export function preconditionOf(ifMatch: string | undefined): WritePrecondition | undefined {
  if (ifMatch === undefined) return undefined;
  const value = ifMatch.trim();
  if (value === '*') return { anyRevision: true };
  const revisions: number[] = [];
  for (const part of value.split(',')) {
    const tag = ENTITY_TAG.exec(part.trim());
    if (!tag) throw new InvalidIfMatchError(ifMatch);
    const revision = tag[1] ? undefined : REVISION_TAG.exec(tag[2] ?? '');
    if (revision) revisions.push(Number(revision[1]));
  }
  return { revisions };
}
