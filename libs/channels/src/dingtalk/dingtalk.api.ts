import { DomainError, ErrorCode } from '@switchboard/core';
import { DingTalkApiError, isTokenExpired, toDomainError } from './dingtalk.errors';

export interface DingTalkApiOptions {
  apiRoot: string;
  /** The older API server (`oapi`), which keeps the media upload. */
  oapiRoot: string;
  clientId: string;
  clientSecret: string;
  /** Longest wait for one HTTP call. */
  timeoutMs?: number;
}

/** A token is replaced this long before DingTalk says it expires (tokens live 2 h). */
const REFRESH_BEFORE_EXPIRY_MS = 5 * 60_000;
const DEFAULT_TIMEOUT_MS = 15_000;

interface CachedToken {
  value: string;
  expiresAt: number;
}

/**
 * The DingTalk OpenAPI as the adapter uses it: JSON calls authenticated with the app's access
 * token, which is cached, replaced before it expires, and fetched again (the call retried once)
 * when DingTalk answers that it expired; and the media upload of the older `oapi` server, which
 * takes the same token. Failures are thrown as DomainErrors.
 */
export class DingTalkApi {
  private token: CachedToken | undefined;
  private fetching: Promise<CachedToken> | undefined;
  private readonly apiRoot: string;
  private readonly oapiRoot: string;

  constructor(private readonly options: DingTalkApiOptions) {
    this.apiRoot = options.apiRoot.replace(/\/+$/, '');
    this.oapiRoot = options.oapiRoot.replace(/\/+$/, '');
  }

  /** A valid access token: the cached one, or a new one when it is near its expiry. */
  async accessToken(): Promise<string> {
    const token = this.token;
    if (token && token.expiresAt - REFRESH_BEFORE_EXPIRY_MS > Date.now()) return token.value;
    return (await this.refresh()).value;
  }

  /** Fetches a new access token (one request however many callers ask at once). */
  refresh(): Promise<CachedToken> {
    this.fetching ??= this.fetchToken().finally(() => (this.fetching = undefined));
    return this.fetching;
  }

  /** `method path` on the OpenAPI with the access token; the JSON answer. */
  call<T>(operation: string, method: 'POST' | 'PUT', path: string, body: unknown): Promise<T> {
    return this.withToken(operation, (token) => this.request<T>(operation, method, `${this.apiRoot}${path}`, JSON.stringify(body), { 'x-acs-dingtalk-access-token': token }));
  }

  /**
   * Uploads a file to DingTalk's media storage (`POST {oapi}/media/upload`, multipart field
   * `media`) and resolves with its media_id, which robot image and file messages take.
   */
  async upload(type: 'image' | 'file', file: { fileName: string; mimeType?: string; data: Buffer }): Promise<string> {
    const answer = await this.withToken('media/upload', (token) => {
      const form = new FormData();
      form.append('media', new Blob([file.data], { type: file.mimeType ?? 'application/octet-stream' }), file.fileName);
      const url = `${this.oapiRoot}/media/upload?${new URLSearchParams({ access_token: token, type })}`;
      return this.request<{ media_id?: unknown }>('media/upload', 'POST', url, form);
    });
    if (typeof answer.media_id !== 'string' || answer.media_id === '') throw new DomainError(ErrorCode.TEMPORARY, 'DingTalk media/upload answered without a media_id');
    return answer.media_id;
  }

  /** A POST to a URL DingTalk gave (a session webhook), which carries its own credential. */
  async post<T>(operation: string, url: string, body: unknown): Promise<T> {
    try {
      return await this.request<T>(operation, 'POST', url, JSON.stringify(body));
    } catch (error) {
      throw toDomainError(operation, error);
    }
  }

  /** GET of a download URL DingTalk gave; refuses bodies over `maxBytes` by their announced length. */
  async download(operation: string, url: string, maxBytes: number): Promise<{ data: Buffer; tooLarge: boolean }> {
    let response: Response;
    try {
      response = await fetch(url, { signal: AbortSignal.timeout(this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS) });
    } catch (error) {
      throw toDomainError(operation, error);
    }
    if (!response.ok) throw toDomainError(operation, new DingTalkApiError(operation, response.status, undefined, response.statusText));
    const length = Number(response.headers.get('content-length') ?? 0);
    if (length > maxBytes) {
      await response.body?.cancel();
      return { data: Buffer.alloc(0), tooLarge: true };
    }
    const data = Buffer.from(await response.arrayBuffer());
    return { data, tooLarge: data.length > maxBytes };
  }

  private async fetchToken(): Promise<CachedToken> {
    const { clientId, clientSecret } = this.options;
    try {
      const answer = await this.request<{ accessToken?: string; expireIn?: number }>(
        'accessToken',
        'POST',
        `${this.apiRoot}/v1.0/oauth2/accessToken`,
        JSON.stringify({ appKey: clientId, appSecret: clientSecret }),
      );
      if (!answer.accessToken) throw new DingTalkApiError('accessToken', 200, undefined, 'no accessToken in the answer');
      this.token = { value: answer.accessToken, expiresAt: Date.now() + (answer.expireIn ?? 7200) * 1000 };
      return this.token;
    } catch (error) {
      throw toDomainError('accessToken', error);
    }
  }

  /** Runs a call with the access token, once more with a new token when DingTalk says it expired. */
  private async withToken<T>(operation: string, run: (token: string) => Promise<T>): Promise<T> {
    try {
      try {
        return await run(await this.accessToken());
      } catch (error) {
        if (!isTokenExpired(error)) throw error;
        // Revoked or expired early (a secret reset, another process's refresh): once more with a new one.
        this.token = undefined;
        return await run((await this.refresh()).value);
      }
    } catch (error) {
      throw toDomainError(operation, error);
    }
  }

  /** One call: `body` is JSON text, or a multipart form (fetch sets its content type). */
  private async request<T>(operation: string, method: string, url: string, body: string | FormData, headers: Record<string, string> = {}): Promise<T> {
    const response = await fetch(url, {
      method,
      headers: { accept: 'application/json', ...(typeof body === 'string' ? { 'content-type': 'application/json' } : {}), ...headers },
      body,
      signal: AbortSignal.timeout(this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    });
    const text = await response.text();
    const answer = parseJson(text);
    const retryAfter = Number(response.headers.get('retry-after'));
    const retryAfterMs = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined;
    if (!response.ok) {
      throw new DingTalkApiError(
        operation,
        response.status,
        stringField(answer, 'code') ?? numberField(answer, 'errcode'),
        stringField(answer, 'message') ?? stringField(answer, 'errmsg') ?? text.slice(0, 200),
        retryAfterMs,
      );
    }
    // Session webhooks and the oapi server answer 200 with a non-zero errcode when they refuse.
    const errcode = numberField(answer, 'errcode');
    if (errcode !== undefined && errcode !== 0) {
      throw new DingTalkApiError(operation, response.status, errcode, stringField(answer, 'errmsg') ?? '', retryAfterMs);
    }
    return answer as T;
  }
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : {};
  } catch {
    return {};
  }
}

function stringField(value: unknown, name: string): string | undefined {
  const field = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
  return typeof field === 'string' ? field : undefined;
}

function numberField(value: unknown, name: string): number | undefined {
  const field = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
  return typeof field === 'number' ? field : undefined;
}
