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

/** Other writers kept changing the story; the client may retry. */
export class ConcurrentUpdateError extends Error {
  override readonly name = 'ConcurrentUpdateError';

  static onStory(slug: string): ConcurrentUpdateError {
    return new ConcurrentUpdateError(`Story "${slug}" is being changed by other requests; retry`);
  }
}
