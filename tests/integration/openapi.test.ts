import { readFileSync } from 'node:fs';
import { validate } from '@readme/openapi-parser';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsPlugin from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPENAPI_FILE } from '../../cli/write-openapi.js';
import { ingestApiDescription } from '../../functions/ingest/openapi.js';
import { ROUTES } from '../../infra/local/api-gateway-stand-in.js';
import { apiEvent } from '../support/api-gateway-events.js';
import { startHandlerFixture, type HandlerFixture } from '../support/handler-fixture.js';

// ajv-formats is CommonJS with `exports.default`; under NodeNext the default import is the module.
const addFormats = ((addFormatsPlugin as unknown as { default?: unknown }).default ?? addFormatsPlugin) as (instance: Ajv2020) => Ajv2020;

const TOKEN = 'openapi-test-token-0123456789';

type Description = { paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, unknown> } };

/** The route keys (`GET /articles/{slug}`) a description documents. */
const documentedRoutes = (description: Description) =>
  Object.entries(description.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((method) => ['get', 'put', 'post', 'delete'].includes(method))
      .map((method) => `${method.toUpperCase()} ${path}`),
  );

describe('Contract: the OpenAPI description of the ingest API', () => {
  let fixture: HandlerFixture;
  let served: Description;

  beforeAll(async () => {
    fixture = await startHandlerFixture(TOKEN);
    const response = await fixture.ingest(apiEvent('GET', '/openapi.json'));
    served = JSON.parse(String(response.body)) as Description;
  }, 60_000);

  afterAll(async () => {
    await fixture?.close();
  });

  it('is committed as docs/openapi.json exactly as the code generates it (run npm run openapi after changing the API)', () => {
    // Act
    const committed = JSON.parse(readFileSync(OPENAPI_FILE, 'utf8'));

    // Assess
    expect(committed).toEqual(ingestApiDescription());
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    // Act
    const result = await validate(structuredClone(ingestApiDescription()) as never);

    // Assess
    expect(result.valid ? [] : result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
  });

  it('is served at GET /openapi.json without a token, while every other route still needs one', async () => {
    // Act
    const withoutToken = await fixture.ingest(apiEvent('GET', '/articles'));

    // Assess
    expect(served).toEqual(ingestApiDescription());
    expect(withoutToken.statusCode).toBe(401);
  });

  it('documents exactly the routes the API answers', () => {
    // Assess
    expect(documentedRoutes(served).sort()).toEqual(ROUTES.map((route) => route.routeKey).sort());
  });

  it('describes what the API really answers: stories, pages of them and problem details', async () => {
    // Prepare
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ $id: 'api', components: served.components }, 'api');
    const check = (schema: string, value: unknown) => {
      const valid = ajv.validate({ $ref: `api#/components/schemas/${schema}` }, value);
      return valid ? [] : ajv.errors;
    };
    const input = {
      title: 'Harbour reopens after storm',
      kicker: 'Weather',
      summary: 'Ships are moving again.',
      bodyMarkdown: 'The harbour **reopened** on Tuesday.',
      authors: [{ name: 'Ana Lima', email: 'ana@example.com' }],
      categories: ['World'],
      image: { url: 'https://images.example.com/harbour.jpg', alt: 'The harbour', width: 800, height: 600 },
      language: 'pt-BR',
      publishedAt: '2026-11-27T09:00:00+01:00',
    };

    // Act
    const created = await fixture.ingest(apiEvent('PUT', '/articles/harbour-reopens', { token: TOKEN, body: input }));
    const page = await fixture.ingest(apiEvent('GET', '/articles?limit=5', { token: TOKEN }));
    const refused = await fixture.ingest(apiEvent('PUT', '/articles/harbour-reopens', { token: TOKEN, body: { title: '', extra: 1 } }));
    const unauthorised = await fixture.ingest(apiEvent('GET', '/articles'));

    // Assess
    expect(check('ArticleInput', input)).toEqual([]);
    expect(created.statusCode).toBe(201);
    expect(check('Article', JSON.parse(String(created.body)))).toEqual([]);
    expect(check('ArticlePage', JSON.parse(String(page.body)))).toEqual([]);
    expect(refused.statusCode).toBe(400);
    expect(check('Problem', JSON.parse(String(refused.body)))).toEqual([]);
    expect(check('Problem', JSON.parse(String(unauthorised.body)))).toEqual([]);
    // The request schema refuses what the handler refuses for its shape.
    expect(check('ArticleInput', { title: 'T', bodyMarkdown: 'b', extra: 1 })).not.toEqual([]);
  });
});
