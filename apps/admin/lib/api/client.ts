import type { z } from 'zod';
import { CSRF_HEADER } from '@contract/auth.schemas';
import { errorBody } from '@contract/common.schemas';
import { ADMIN_API_PREFIX, type AdminRoute } from '@contract/routes';

/** Where the admin API lives on the gateway that serves the console. */
export const API_BASE = ADMIN_API_PREFIX;

/** A failed call to the admin API: the HTTP status, the server's error code and its message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Set on a 500: names the gateway's log line. */
    readonly errorId?: string,
    /** Set on a 400 for a form: the problem of each refused field. */
    readonly fields?: Record<string, string>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type QueryParams = Record<string, string | number | boolean | null | undefined>;

// The session's CSRF token, sent back on every state-changing request.
let csrfToken: string | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** `path` plus the query parameters that have a value. */
export function apiUrl(path: string, query?: QueryParams): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const search = params.toString();
  return `${API_BASE}${path}${search ? `?${search}` : ''}`;
}

type Input = { params?: Record<string, string>; query?: QueryParams; body?: unknown };
type Answer<R extends AdminRoute> = R['response'] extends z.ZodType ? z.infer<R['response']> : never;

/** The route's path with its `:name` parameters filled in. */
export function routePath(route: AdminRoute, params: Record<string, string> = {}): string {
  return route.path.replace(/:([A-Za-z]+)/g, (_match, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`${route.path}: missing parameter ${name}`);
    return encodeURIComponent(value);
  });
}

/**
 * Calls one route of the shared contract and checks the answer against its response schema.
 * A non-2xx answer throws an ApiError carrying the server's code and message.
 */
export async function call<R extends AdminRoute>(route: R, input: Input = {}): Promise<Answer<R>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const body = route.method === 'GET' ? undefined : JSON.stringify(input.body ?? {});
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (route.method !== 'GET' && csrfToken) headers[CSRF_HEADER] = csrfToken;
  let response: Response;
  try {
    response = await fetch(apiUrl(routePath(route, input.params), input.query), { method: route.method, headers, body, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'NETWORK', 'The gateway could not be reached. Check that it is running.');
  }
  const text = await response.text();
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!response.ok) {
    const error = errorBody.safeParse(json);
    if (error.success) throw new ApiError(response.status, error.data.error.code, error.data.error.message, error.data.error.errorId, error.data.error.fields);
    throw new ApiError(response.status, `HTTP_${response.status}`, `${response.status} ${response.statusText || 'error'}`);
  }
  if (!route.response) throw new Error(`${route.path} does not answer JSON`);
  const parsed = route.response.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || 'body';
    throw new ApiError(response.status, 'BAD_RESPONSE', `Unexpected answer from ${route.method} ${route.path}: ${where} ${issue?.message ?? ''}`.trim());
  }
  return parsed.data as Answer<R>;
}

/** What to show a person for any error thrown by a query or mutation. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 403) return 'Your role does not allow this.';
    return error.errorId ? `${error.message} (error id ${error.errorId})` : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

/** The problem the server found with one field of a form, if any. */
export function fieldError(error: unknown, field: string): string | undefined {
  return error instanceof ApiError ? error.fields?.[field] : undefined;
}
