import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { Logger } from '@aws-lambda-powertools/logger';
import { LIMITS, ValidationError } from '../domain/article-input.js';
import {
  ArticleNotFoundError,
  ConcurrentUpdateError,
  FeedIdTakenError,
  InvalidSlugError,
  PreconditionFailedError,
} from '../use-cases/errors.js';
import { createArticle, putArticle, type PublishDependencies } from '../use-cases/publish-article.js';
import { getArticle, listArticles } from '../use-cases/read-articles.js';
import { retractArticle } from '../use-cases/retract-article.js';
import { InvalidCursorError } from '../use-cases/ports.js';
import { previewArticle } from '../use-cases/preview-article.js';
import { header, json, noContent, problem, type HttpRequest, type HttpResponse } from './http.js';
import type { FeedRegeneration, TokenSource } from '../use-cases/ports.js';
import { bearerMatches } from './tokens.js';
import { ingestApiDescription } from './openapi.js';
import { PUBLIC_ROUTE, type IngestRouteKey } from './routes.js';
import { InvalidIfMatchError, preconditionOf, storyEtag } from './story-etags.js';

export interface IngestDependencies extends PublishDependencies {
  tokens: TokenSource;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Where `Idempotency-Key` records of POST requests are kept. */
  idempotencyStore?: BasePersistenceLayer | undefined;
  /** Brings a written story's feeds up to date before the answer; without it the stream alone does. */
  feeds?: FeedRegeneration | undefined;
}

/**
 * The `Feeds` header of a write's answer: `updated` when the story's feeds hold it as stored
 * (at the origin; the CDN follows as docs/feeds.md says), `queued` when the table stream brings
 * them up to date, usually within a second.
 */
async function feedsHeader(slug: string, deps: IngestDependencies): Promise<Record<string, string>> {
  if (!deps.feeds) return { feeds: 'queued' };
  const update = await deps.feeds.regenerateNow([slug]);
  if (!update.updated) deps.logger.info('Feeds left to the stream', { slug, reason: update.reason });
  return { feeds: update.updated ? 'updated' : 'queued' };
}

/** How long a POST's `Idempotency-Key` is remembered. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

/** Raised while reading the request; carries the response to send. */
class RequestRejected extends Error {
  constructor(readonly response: HttpResponse) {
    super(response.body ?? '');
  }
}

function readJsonBody(request: HttpRequest): unknown {
  const contentType = header(request, 'content-type') ?? '';
  if (!/^application\/([a-z0-9.+-]+\+)?json\s*(;|$)/i.test(contentType)) {
    throw new RequestRejected(problem(415, 'Unsupported Media Type', 'Send the story as JSON with "Content-Type: application/json"'));
  }
  const raw = request.body ?? '';
  const bytes = request.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.length > LIMITS.requestBytes) {
    throw new RequestRejected(
      problem(413, 'Content Too Large', `The request body is ${bytes.length} bytes; the limit is ${LIMITS.requestBytes}`),
    );
  }
  const text = bytes.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new RequestRejected(
      problem(400, 'Malformed JSON', `The request body is not valid JSON: ${(error as Error).message}`, {
        errors: [{ pointer: '/', detail: 'is not valid JSON' }],
      }),
    );
  }
}

function slugParameter(request: HttpRequest): string {
  const raw = request.pathParameters?.slug ?? '';
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** Turns what a use case threw into the response; a 500 never carries internals. */
function errorResponse(error: unknown, deps: IngestDependencies, request: HttpRequest): HttpResponse {
  if (error instanceof RequestRejected) return error.response;
  if (error instanceof ValidationError) {
    return problem(400, 'Invalid story', 'Some fields are missing or invalid; see "errors"', { errors: error.problems });
  }
  if (error instanceof InvalidSlugError) {
    return problem(400, 'Invalid slug', error.message, { errors: [{ pointer: '/slug', detail: error.message }] });
  }
  if (error instanceof InvalidCursorError) {
    return problem(400, 'Invalid cursor', error.message, { errors: [{ pointer: '/cursor', detail: error.message }] });
  }
  if (error instanceof ArticleNotFoundError) return problem(404, 'Not Found', error.message);
  if (error instanceof InvalidIfMatchError) {
    return problem(400, 'Invalid If-Match', error.message, { errors: [{ pointer: '/If-Match', detail: error.message }] });
  }
  if (error instanceof PreconditionFailedError) {
    return problem(412, 'Precondition Failed', error.message, {
      current: error.current ?? null,
      ...(error.current ? { headers: { etag: storyEtag(error.current) } } : {}),
    });
  }
  if (error instanceof ConcurrentUpdateError) return problem(409, 'Conflict', error.message);
  if (error instanceof FeedIdTakenError) {
    return problem(409, 'Feed id taken', `feedId ${error.message}; nothing was stored`, {
      errors: [{ pointer: '/feedId', detail: error.message }],
    });
  }
  if (error instanceof IdempotencyAlreadyInProgressError) {
    return problem(409, 'Conflict', 'A request with this Idempotency-Key is still being processed; retry shortly');
  }
  if (error instanceof IdempotencyValidationError) {
    return problem(422, 'Idempotency-Key reused', 'This Idempotency-Key was already used with a different body', {
      errors: [{ pointer: '/', detail: 'differs from the body first sent with this Idempotency-Key' }],
    });
  }
  if (isTransientStorageError(error)) {
    deps.logger.warn('Storage unavailable', { route: request.routeKey, error: (error as Error).name });
    return problem(
      503,
      'Service Unavailable',
      'Storage is busy; retry the same request (PUT is idempotent, POST with an Idempotency-Key is too)',
      {
        headers: { 'retry-after': '1' },
      },
    );
  }
  deps.logger.error('Request failed', { route: request.routeKey, error: error as Error });
  return problem(500, 'Internal Server Error', 'The story could not be processed; nothing was changed. Try again.');
}

const TRANSIENT_ERRORS = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'ServiceUnavailable',
  'InternalServerError',
  'TimeoutError',
  'RequestTimeout',
]);

/** Throttling and outages of the store (after the SDK's own retries): the client should retry. */
function isTransientStorageError(error: unknown): boolean {
  const candidate = error as { name?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
  return (
    TRANSIENT_ERRORS.has(candidate?.name ?? '') || candidate?.$retryable !== undefined || (candidate?.$metadata?.httpStatusCode ?? 0) >= 500
  );
}

type Route = (request: HttpRequest, deps: IngestDependencies) => Promise<HttpResponse>;

const routes: Record<Exclude<IngestRouteKey, typeof PUBLIC_ROUTE>, Route> = {
  'PUT /articles/{slug}': async (request, deps) => {
    const precondition = preconditionOf(header(request, 'if-match'));
    const { article, created, changed } = await putArticle(slugParameter(request), readJsonBody(request), deps, precondition);
    const headers = { etag: storyEtag(article), ...(changed ? await feedsHeader(article.slug, deps) : {}) };
    return json(created ? 201 : 200, article, created ? { ...headers, location: `/articles/${article.slug}` } : headers);
  },
  'POST /articles': async (request, deps) => {
    const article = await createArticle(readJsonBody(request), deps);
    return json(201, article, { location: `/articles/${article.slug}`, ...(await feedsHeader(article.slug, deps)) });
  },
  'POST /articles/preview': async (request, deps) => {
    const slug = request.queryStringParameters?.slug;
    return json(200, await previewArticle(readJsonBody(request), slug, deps));
  },
  'GET /articles/{slug}': async (request, deps) => {
    const article = await getArticle(slugParameter(request), deps);
    return json(200, article, { etag: storyEtag(article) });
  },
  'GET /articles': async (request, deps) => {
    const query = request.queryStringParameters ?? {};
    return json(200, await listArticles({ limit: query.limit, cursor: query.cursor, status: query.status }, deps));
  },
  'DELETE /articles/{slug}': async (request, deps) => {
    const slug = slugParameter(request);
    await retractArticle(slug, deps);
    return noContent(await feedsHeader(slug, deps));
  },
};

/**
 * POST with an `Idempotency-Key` header: a retry with the same key and body gets the first
 * response back (Powertools idempotency, records kept in the table); without the header a POST
 * is an ordinary create.
 */
function idempotentPost(deps: IngestDependencies): Route {
  const post = routes['POST /articles']!;
  if (!deps.idempotencyStore) return post;
  const idempotent = makeIdempotent((request: HttpRequest) => post(request, deps), {
    persistenceStore: deps.idempotencyStore,
    config: new IdempotencyConfig({
      eventKeyJmesPath: 'headers."idempotency-key"',
      payloadValidationJmesPath: 'body',
      throwOnNoIdempotencyKey: false,
      expiresAfterSeconds: IDEMPOTENCY_TTL_SECONDS,
    }),
  });
  return (request) => idempotent(request);
}

let description: Record<string, unknown> | undefined;

/** Built on first request, not at cold start. */
function apiDescription(): Record<string, unknown> {
  description ??= ingestApiDescription();
  return description;
}

/** The ingest API as one function of an API Gateway HTTP API (payload 2.0) request. */
export function createIngestApi(deps: IngestDependencies): (request: HttpRequest) => Promise<HttpResponse> {
  const routeTable: Record<string, Route> = { ...routes, 'POST /articles': idempotentPost(deps) };
  return async (request) => {
    const started = Date.now();
    let response: HttpResponse;
    try {
      // The API's description holds nothing secret: it needs no token.
      if (request.routeKey === PUBLIC_ROUTE) {
        response = json(200, apiDescription(), { 'cache-control': 'public, max-age=300' });
      } else if (!bearerMatches(header(request, 'authorization'), await deps.tokens.tokens())) {
        response = problem(401, 'Unauthorized', 'Send "Authorization: Bearer <token>" with a valid ingest token', {
          headers: { 'www-authenticate': 'Bearer realm="ingest"' },
        });
      } else {
        const route = routeTable[request.routeKey];
        response = route
          ? await route(request, deps)
          : problem(404, 'Not Found', `No route for ${request.requestContext?.http?.method ?? ''} ${request.rawPath ?? ''}`);
      }
    } catch (error) {
      response = errorResponse(error, deps, request);
    }
    deps.logger.info('Request handled', {
      route: request.routeKey,
      status: response.statusCode,
      durationMs: Date.now() - started,
    });
    return response;
  };
}
