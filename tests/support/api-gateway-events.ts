import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ROUTES } from '../../infra/local/api-gateway-stand-in.js';

const ROUTE_KEYS: [RegExp, string, string][] = ROUTES.map((route) => [route.pattern, route.method, route.routeKey]);

/** An API Gateway HTTP API (payload 2.0) event, as the ingest Lambda receives it. */
export function apiEvent(
  method: string,
  pathWithQuery: string,
  options: { body?: unknown; token?: string; headers?: Record<string, string> } = {},
): APIGatewayProxyEventV2 {
  const url = new URL(pathWithQuery, 'https://api.example.com');
  const routeKey = ROUTE_KEYS.find(([pattern, routeMethod]) => pattern.test(url.pathname) && routeMethod === method)?.[2] ?? '$default';
  const slug = /^\/articles\/([^/]+)$/.exec(url.pathname)?.[1];
  const body = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...options.headers,
    },
    ...(url.search ? { queryStringParameters: Object.fromEntries(url.searchParams) } : {}),
    ...(slug ? { pathParameters: { slug } } : {}),
    requestContext: {
      accountId: 'test',
      apiId: 'test',
      domainName: 'api.example.com',
      domainPrefix: 'api',
      http: { method, path: url.pathname, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      requestId: 'test',
      routeKey,
      stage: '$default',
      time: '27/Nov/2026:12:00:00 +0000',
      timeEpoch: 0,
    },
    ...(body !== undefined ? { body } : {}),
    isBase64Encoded: false,
  };
}

/** A table stream event carrying only keys (the stream view the regenerator needs). */
export function streamEvent(slugs: string[]) {
  return {
    Records: slugs.map((slug, index) => ({
      eventID: String(index),
      eventName: 'MODIFY' as const,
      dynamodb: { Keys: { PK: { S: `ARTICLE#${slug}` }, SK: { S: 'A' } }, SequenceNumber: String(index) },
    })),
  };
}
