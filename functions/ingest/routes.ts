/**
 * The ingest API's routes, as API Gateway route keys. The HTTP API (infra/cdk/ingest-api.ts), its
 * local stand-in and the handler's route table are built from this list; the OpenAPI description
 * is tested against it.
 */
export const INGEST_ROUTES = [
  'GET /articles',
  'POST /articles',
  'POST /articles/preview',
  'GET /articles/{slug}',
  'PUT /articles/{slug}',
  'DELETE /articles/{slug}',
  'GET /openapi.json',
] as const;

export type IngestRouteKey = (typeof INGEST_ROUTES)[number];

/** The one route that needs no token: the API's description holds nothing secret. */
export const PUBLIC_ROUTE = 'GET /openapi.json' satisfies IngestRouteKey;

export function routeParts(routeKey: IngestRouteKey): { method: 'GET' | 'POST' | 'PUT' | 'DELETE'; path: string } {
  const [method, path] = routeKey.split(' ') as ['GET' | 'POST' | 'PUT' | 'DELETE', string];
  return { method, path };
}
