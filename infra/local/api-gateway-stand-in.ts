import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { INGEST_ROUTES, routeParts } from '../../functions/ingest/routes.js';
import { readRequestBody } from './stand-in-http.js';

/**
 * Routes of the ingest API, as the HTTP API defines them (the same list): a `{slug}` segment
 * matches one path segment; a collection (`/articles`) also answers with a trailing slash.
 */
export const ROUTES = INGEST_ROUTES.map((routeKey) => {
  const { method, path } = routeParts(routeKey);
  const source = path.replace(/[.]/g, '\\.').replace('{slug}', '([^/]+)');
  const collection = !path.includes('{') && !path.includes('.');
  return { method, pattern: new RegExp(`^${source}${collection ? '/?' : ''}$`), routeKey };
});

/** API Gateway's own payload limit; the handler enforces the (smaller) story limit itself. */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

export type IngestHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

export function isIngestPath(pathname: string): boolean {
  return ROUTES.some((route) => route.pattern.test(pathname)) || pathname.startsWith('/articles/');
}

/**
 * Turns an HTTP request into the API Gateway HTTP API (payload format 2.0) event the ingest Lambda
 * receives, calls the handler, and writes its result back.
 */
export async function forwardToIngest(request: IncomingMessage, response: ServerResponse, url: URL, handler: IngestHandler): Promise<void> {
  const candidates = ROUTES.filter((route) => route.pattern.test(url.pathname));
  const route = candidates.find((candidate) => candidate.method === request.method);
  if (!route) {
    const status = candidates.length ? 405 : 404;
    const headers: Record<string, string> = { 'content-type': 'application/problem+json; charset=utf-8' };
    if (candidates.length) headers.allow = candidates.map((candidate) => candidate.method).join(', ');
    response
      .writeHead(status, headers)
      .end(JSON.stringify({ type: 'about:blank', title: status === 405 ? 'Method Not Allowed' : 'Not Found', status }));
    return;
  }
  const body = await readRequestBody(request, MAX_PAYLOAD_BYTES);
  if (body === undefined) {
    response
      .writeHead(413, { 'content-type': 'application/problem+json; charset=utf-8', connection: 'close' })
      .end(JSON.stringify({ type: 'about:blank', title: 'Content Too Large', status: 413, detail: 'Request body over 10 MB' }));
    return;
  }
  const slug = route.pattern.exec(url.pathname)?.[1];
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) query[name] = query[name] === undefined ? value : `${query[name]},${value}`;
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: route.routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(url.search ? { queryStringParameters: query } : {}),
    ...(slug !== undefined ? { pathParameters: { slug } } : {}),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: request.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: route.routeKey,
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    ...(body.length ? { body: body.toString('base64') } : {}),
    isBase64Encoded: body.length > 0,
  };
  const result = await handler(event);
  const responseHeaders = Object.fromEntries(Object.entries(result.headers ?? {}).map(([name, value]) => [name, String(value)]));
  const responseBody = result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64') : Buffer.from(result.body ?? '', 'utf8');
  responseHeaders['content-length'] = String(responseBody.length);
  response.writeHead(result.statusCode ?? 200, responseHeaders).end(responseBody);
}
