import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { FieldProblem } from '../domain/article-input.js';

export type HttpRequest = APIGatewayProxyEventV2;
export type HttpResponse = APIGatewayProxyStructuredResultV2 & { statusCode: number; headers: Record<string, string> };

const NO_STORE = { 'cache-control': 'no-store' };

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', ...NO_STORE, ...headers },
    body: JSON.stringify(body),
  };
}

export function noContent(headers: Record<string, string> = {}): HttpResponse {
  return { statusCode: 204, headers: { ...NO_STORE, ...headers }, body: '' };
}

/** RFC 9457 problem details; `errors` lists each bad field by JSON Pointer. */
export function problem(
  statusCode: number,
  title: string,
  detail: string,
  extra: { errors?: FieldProblem[]; headers?: Record<string, string>; current?: unknown } = {},
): HttpResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/problem+json; charset=utf-8', ...NO_STORE, ...extra.headers },
    body: JSON.stringify({
      type: 'about:blank',
      title,
      status: statusCode,
      detail,
      ...(extra.errors ? { errors: extra.errors } : {}),
      // A refused conditional write: the resource as it is now, so the client can reconcile.
      ...(extra.current !== undefined ? { current: extra.current } : {}),
    }),
  };
}

/** Header lookup that does not depend on the case the client used. */
export function header(request: HttpRequest, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(request.headers ?? {})) if (key.toLowerCase() === wanted) return value;
  return undefined;
}
