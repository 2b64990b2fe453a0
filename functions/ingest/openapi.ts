import * as z from 'zod/mini';
import { articleInputSchema, LIMITS } from '../domain/article-input.js';
import { STORY_SLUG_MAX_LENGTH, STORY_SLUG_PATTERN } from '../domain/text.js';
import { LIST_LIMIT } from '../use-cases/read-articles.js';

type JsonSchema = Record<string, unknown>;

/**
 * The limits the request schema checks after cleaning the text (its first check, on the raw
 * string, allows for the characters cleaning removes), as the API documents them.
 */
const TEXT_LIMITS: Record<string, number> = {
  '/title': LIMITS.titleChars,
  '/kicker': LIMITS.kickerChars,
  '/summary': LIMITS.summaryChars,
  '/authors/items/name': LIMITS.authorNameChars,
  '/categories/items': LIMITS.categoryChars,
  '/image/alt': LIMITS.imageTextChars,
  '/image/caption': LIMITS.imageTextChars,
  '/image/credit': LIMITS.imageTextChars,
  '/feedId': LIMITS.feedIdChars,
};

const FORMATS: Record<string, string> = {
  '/publishedAt': 'date-time',
  '/updatedAt': 'date-time',
  '/url': 'uri',
  '/image/url': 'uri',
  '/authors/items/url': 'uri',
};

const DESCRIPTIONS: Record<string, string> = {
  '/body': `Sanitised HTML. Exactly one of body and bodyMarkdown; at most ${LIMITS.bodyBytes} bytes once sanitised or rendered.`,
  '/bodyMarkdown': 'Markdown, rendered to HTML with raw HTML escaped. Exactly one of body and bodyMarkdown.',
  '/publishedAt': 'RFC 3339 with an offset. In the future: the story is scheduled. Absent: now (or, for a correction, unchanged).',
  '/updatedAt':
    'RFC 3339: when the story was last corrected on the platform it comes from (between publishedAt and now). Absent: a change is dated now.',
  '/url': "The story's canonical page. Absent: the site's own address for the slug.",
  '/language': "A BCP 47 tag such as en, ar or zh-Hant. Absent: the site's language.",
  '/feedId':
    'The id feed readers already know the story by, from the feed it comes from (RSS guid, Atom id, JSON Feed id); every format shows it from then on. No spaces. Absent: a tag: URI from the slug, or for a correction the id already stored. It cannot change once a story is stored.',
  '/categories/items': 'Shown as given; its feed is at /categories/<slug>/ (it must contain a letter or digit).',
};

/** The request body schema, from the same zod schema the handler validates with. */
function articleInputJsonSchema(): JsonSchema {
  const schema = z.toJSONSchema(articleInputSchema, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' }) as JsonSchema;
  delete schema.$schema;
  const visit = (node: JsonSchema, pointer: string) => {
    if (TEXT_LIMITS[pointer] !== undefined) node.maxLength = TEXT_LIMITS[pointer];
    if (FORMATS[pointer]) node.format = FORMATS[pointer];
    if (DESCRIPTIONS[pointer]) node.description = DESCRIPTIONS[pointer];
    for (const [key, child] of Object.entries((node.properties as Record<string, JsonSchema> | undefined) ?? {}))
      visit(child, `${pointer}/${key}`);
    if (node.items && typeof node.items === 'object') visit(node.items as JsonSchema, `${pointer}/items`);
  };
  visit(schema, '');
  return { ...schema, description: `A story. The whole request is at most ${LIMITS.requestBytes} bytes; unknown fields are refused.` };
}

const string = { type: 'string' } as const;
const dateTime = { type: 'string', format: 'date-time' } as const;

/** A stored story as the API returns it (`Article` in functions/domain/article.ts). */
const ARTICLE: JsonSchema = {
  type: 'object',
  required: ['slug', 'title', 'body', 'authors', 'categories', 'publishedAt', 'updatedAt', 'url', 'language', 'status', 'revision'],
  properties: {
    slug: { ...string, pattern: STORY_SLUG_PATTERN.source, maxLength: STORY_SLUG_MAX_LENGTH },
    title: string,
    kicker: string,
    summary: string,
    body: { ...string, description: 'Sanitised HTML.' },
    bodyMarkdown: { ...string, description: 'The Markdown the body was rendered from, when sent as Markdown.' },
    authors: {
      type: 'array',
      items: { type: 'object', required: ['name'], properties: { name: string, url: string, email: string }, additionalProperties: false },
    },
    categories: { type: 'array', items: string },
    publishedAt: { ...dateTime, description: 'With the offset the editor gave; a correction never changes it.' },
    updatedAt: { ...dateTime, description: 'UTC: the last change of the content.' },
    url: string,
    image: {
      type: 'object',
      required: ['url'],
      properties: {
        url: string,
        alt: string,
        caption: string,
        credit: string,
        type: string,
        length: { type: 'integer' },
        width: { type: 'integer' },
        height: { type: 'integer' },
      },
      additionalProperties: false,
    },
    language: string,
    feedId: { ...string, description: 'The id readers already had for the story, kept from the feed it was imported from.' },
    status: { enum: ['published', 'scheduled', 'retracted'] },
    retractedAt: dateTime,
    revision: { type: 'integer', minimum: 1, description: 'Increases by one with every stored change.' },
  },
  additionalProperties: false,
};

/** RFC 9457 problem details, with the fields at fault as JSON Pointers into the request. */
const PROBLEM: JsonSchema = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail'],
  properties: {
    type: string,
    title: string,
    status: { type: 'integer' },
    detail: string,
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['pointer', 'detail'],
        properties: { pointer: { ...string, description: 'RFC 6901, into the body (or the query or path parameter).' }, detail: string },
      },
    },
    current: {
      description: 'A refused conditional write (412): the story as it is now, or null when there is none.',
      anyOf: [{ $ref: '#/components/schemas/Article' }, { type: 'null' }],
    },
  },
};

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});
const story = (description: string, headers?: JsonSchema) => ({
  description,
  ...(headers ? { headers } : {}),
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Article' } } },
});
const location = { Location: { description: 'The story in this API.', schema: string } };
const etag = { ETag: { description: 'The story\'s revision as an entity tag, such as "r3": send it back in If-Match.', schema: string } };
const feeds = {
  Feeds: {
    description:
      "Whether the story's feeds already hold this change at the origin: `updated`, or `queued` when they follow within about a second (another regeneration was running). Absent on a PUT that changed nothing.",
    schema: { type: 'string', enum: ['updated', 'queued'] },
  },
};

/** What every authenticated route may answer besides its own outcomes. */
const COMMON = {
  '401': problem('No valid ingest token in `Authorization: Bearer <token>`.'),
  '503': problem('Storage is busy: retry the same request after `Retry-After` seconds.'),
};

const SLUG = {
  name: 'slug',
  in: 'path',
  required: true,
  description: 'Lower-case letters and digits in words joined by hyphens.',
  schema: { ...string, pattern: STORY_SLUG_PATTERN.source, maxLength: STORY_SLUG_MAX_LENGTH },
};

const JSON_BODY = {
  required: true,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/ArticleInput' } } },
};

const WRITE_PROBLEMS = {
  '400': problem('The body is not JSON or the story is not valid: `errors` names every field at fault. Nothing is stored.'),
  '413': problem(`The request is larger than ${LIMITS.requestBytes} bytes.`),
  '415': problem('The body is not `application/json`.'),
};

/** The OpenAPI 3.1 description of the ingest API, as `GET /openapi.json` serves it and docs/openapi.json holds it. */
export function ingestApiDescription(): JsonSchema {
  return {
    openapi: '3.1.0',
    info: {
      title: 'newsroom-feeds ingest API',
      version: '1',
      description:
        'Publish, correct, schedule and retract stories; every feed they are in (RSS 2.0, Atom 1.0, JSON Feed 1.1) is regenerated a moment later. Every route but this description needs an ingest token.',
    },
    security: [{ bearerAuth: [] }],
    paths: {
      '/articles': {
        get: {
          operationId: 'listArticles',
          summary: 'Stories with one status, newest first',
          parameters: [
            { name: 'status', in: 'query', schema: { enum: ['published', 'scheduled', 'retracted'], default: 'published' } },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: LIST_LIMIT.max, default: LIST_LIMIT.default } },
            { name: 'cursor', in: 'query', description: 'The `cursor` of the previous page, as given.', schema: string },
          ],
          responses: {
            '200': {
              description: 'A page of stories; `cursor` is absent on the last page.',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/ArticlePage' } } },
            },
            '400': problem('A bad `status`, `limit` or `cursor`.'),
            ...COMMON,
          },
        },
        post: {
          operationId: 'createArticle',
          summary: 'Create a story; the slug is made from the title',
          parameters: [
            {
              name: 'Idempotency-Key',
              in: 'header',
              description: 'Retries with the same key and body get the first response for 24 hours.',
              schema: string,
            },
          ],
          requestBody: JSON_BODY,
          responses: {
            '201': story('Created.', { ...location, ...feeds }),
            ...WRITE_PROBLEMS,
            '409': problem('A request with this Idempotency-Key is still being processed.'),
            '422': problem('This Idempotency-Key was used with another body.'),
            ...COMMON,
          },
        },
      },
      '/articles/preview': {
        post: {
          operationId: 'previewArticle',
          summary: 'What a PUT would store and publish, stored nowhere',
          description:
            'The same validation and sanitising as a PUT, and the story rendered by the feeds’ own renderers: its RSS item, Atom entry and JSON Feed item exactly as the feeds would hold them. With `slug`, drafted over the story stored there (a correction keeps its publish time).',
          parameters: [{ ...SLUG, in: 'query', required: false, description: 'The story this would replace, if any.' }],
          requestBody: JSON_BODY,
          responses: {
            '200': {
              description: 'The story as it would be stored (`article`) and its item in each format (`items`).',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    required: ['article', 'items'],
                    properties: {
                      article: { $ref: '#/components/schemas/Article' },
                      items: {
                        type: 'object',
                        required: ['rss', 'atom', 'json'],
                        properties: {
                          rss: { type: 'string', description: 'The RSS 2.0 `<item>`.' },
                          atom: { type: 'string', description: 'The Atom 1.0 `<entry>`.' },
                          json: { type: 'object', description: 'The JSON Feed 1.1 item.' },
                        },
                      },
                    },
                  },
                },
              },
            },
            ...WRITE_PROBLEMS,
            ...COMMON,
          },
        },
      },
      '/articles/{slug}': {
        parameters: [SLUG],
        get: {
          operationId: 'getArticle',
          summary: 'One story',
          responses: { '200': story('The story.', etag), '400': problem('Not a valid slug.'), '404': problem('No such story.'), ...COMMON },
        },
        put: {
          operationId: 'putArticle',
          summary: 'Create the story at this slug, or replace it (a correction: the publish time is kept)',
          description:
            'Idempotent: the same body again changes nothing, not even `updatedAt`. With `If-Match` the write happens only if the stored story is still at that revision; without it, the last acknowledged write wins.',
          parameters: [
            {
              name: 'If-Match',
              in: 'header',
              description: 'The ETag of the story as last read (such as "r3"), or * for "only if it exists". A weak tag never matches.',
              schema: string,
            },
          ],
          requestBody: JSON_BODY,
          responses: {
            '200': story('Replaced (or unchanged).', { ...etag, ...feeds }),
            '201': story('Created.', { ...location, ...etag, ...feeds }),
            ...WRITE_PROBLEMS,
            '409': problem(
              'Another write kept winning (retry), or the feedId is already the id of another story ("errors" names it at /feedId). Nothing was stored.',
            ),
            '412': {
              description:
                'If-Match no longer matches: the story changed (or does not exist). Nothing was stored; `current` holds the story as it is now (null if none), and ETag its tag.',
              headers: etag,
              content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
            },
            ...COMMON,
          },
        },
        delete: {
          operationId: 'retractArticle',
          summary: 'Retract the story: it leaves every feed, with a tombstone in Atom',
          responses: {
            '204': { description: 'Retracted.', headers: feeds },
            '400': problem('Not a valid slug.'),
            '404': problem('No such story.'),
            ...COMMON,
          },
        },
      },
      '/openapi.json': {
        get: {
          operationId: 'getApiDescription',
          summary: 'This description',
          security: [],
          responses: { '200': { description: 'OpenAPI 3.1.', content: { 'application/json': { schema: { type: 'object' } } } } },
        },
      },
    },
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'An ingest token (see docs/deploy.md).' } },
      schemas: {
        ArticleInput: articleInputJsonSchema(),
        Article: ARTICLE,
        ArticlePage: {
          type: 'object',
          required: ['articles'],
          properties: { articles: { type: 'array', items: { $ref: '#/components/schemas/Article' } }, cursor: string },
        },
        Problem: PROBLEM,
      },
    },
  };
}
