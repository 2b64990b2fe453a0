import type { Article } from '../domain/article.js';

/** Errors the use cases raise for things a client did; the HTTP adapter maps each to a status. */

export class InvalidSlugError extends Error {
  override readonly name = 'InvalidSlugError';
  constructor(readonly slug: string) {
    super('The slug must be 1–120 lower-case letters a–z, digits and single hyphens, e.g. "rain-in-spain"');
  }
}

export class ArticleNotFoundError extends Error {
  override readonly name = 'ArticleNotFoundError';
  constructor(readonly slug: string) {
    super(`No story with slug "${slug}"`);
  }
}

/**
 * A conditional write whose condition no longer holds: the story changed (or went) since the
 * client read it. Carries what is stored now, so the client can show the editor what changed.
 */
export class PreconditionFailedError extends Error {
  override readonly name = 'PreconditionFailedError';
  constructor(
    readonly slug: string,
    readonly current: Article | undefined,
  ) {
    super(
      current
        ? `Story "${slug}" has changed since you read it: it is now at revision ${current.revision}; nothing was stored`
        : `Story "${slug}" does not exist (any more); nothing was stored`,
    );
  }
}

/** Other writers kept changing the story; the client may retry. */
export class ConcurrentUpdateError extends Error {
  override readonly name = 'ConcurrentUpdateError';

  static onStory(slug: string): ConcurrentUpdateError {
    return new ConcurrentUpdateError(`Story "${slug}" is being changed by other requests; retry`);
  }
}

/**
 * The feed id is already the id of another story: feed readers would take the two for one, and
 * show only one of them.
 */
export class FeedIdTakenError extends Error {
  override readonly name = 'FeedIdTakenError';
  constructor(
    readonly feedId: string,
    /** The slug of the story that has it. */
    readonly holder: string,
  ) {
    super(`is already the id of the story at /articles/${holder}: two stories cannot share one`);
  }
}
