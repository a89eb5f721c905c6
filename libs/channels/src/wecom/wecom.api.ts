import { DomainError, ErrorCode } from '@switchboard/core';
import { TOKEN_REJECTED, unreachable, wecomError } from './wecom.errors';

export interface WecomApiOptions {
  apiRoot: string;
  corpId: string;
  secret: string;
  /** Requests that take longer are abandoned (TEMPORARY). */
  timeoutMs?: number;
  now?: () => number;
}

interface WecomAnswer {
  errcode?: number;
  errmsg?: string;
  [field: string]: unknown;
}

// A token is renewed this long before WeCom's expires_in runs out (7200 s), so none expires in flight.
const RENEW_BEFORE_EXPIRY_MS = 5 * 60_000;
const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * The WeCom server API (`/cgi-bin/...`) with the app's access token: fetched with `gettoken` once,
 * kept until shortly before it expires (one fetch at a time, however many calls wait for it), and
 * fetched again when WeCom answers that it is invalid or expired (40014, 42001), after which the
 * call is made once more.
 */
export class WecomApi {
  private token: { value: string; renewAtMs: number } | undefined;
  private fetching: Promise<string> | undefined;
  private readonly root: string;
  private readonly now: () => number;

  constructor(private readonly options: WecomApiOptions) {
    this.root = options.apiRoot.replace(/\/+$/, '');
    this.now = options.now ?? Date.now;
  }

  /** POSTs `body` as JSON to `/cgi-bin/<path>?access_token=…`; resolves with WeCom's answer when errcode is 0. */
  async post(path: string, body: unknown): Promise<WecomAnswer> {
    const token = await this.accessToken();
    const answer = await this.request(path, { method: 'POST', token, body });
    if (!TOKEN_REJECTED.has(answer.errcode ?? 0)) return checked(path, answer);
    this.forget(token);
    return checked(path, await this.request(path, { method: 'POST', token: await this.accessToken(), body }));
  }

  /**
   * Uploads a file as temporary media (`media/upload`, kept 3 days by WeCom) and resolves with its
   * media_id, which `message/send` takes for image and file messages.
   */
  async upload(type: 'image' | 'file', file: { fileName: string; mimeType?: string; data: Buffer }): Promise<string> {
    const form = () => {
      const body = new FormData();
      body.append('media', new Blob([file.data], { type: file.mimeType ?? 'application/octet-stream' }), file.fileName);
      return body;
    };
    const path = `media/upload?type=${type}`;
    const token = await this.accessToken();
    let answer = await this.request(path, { method: 'POST', token, form: form() });
    if (TOKEN_REJECTED.has(answer.errcode ?? 0)) {
      this.forget(token);
      answer = await this.request(path, { method: 'POST', token: await this.accessToken(), form: form() });
    }
    const mediaId = checked(path, answer).media_id;
    if (typeof mediaId !== 'string') throw new DomainError(ErrorCode.TEMPORARY, 'WeCom media/upload answered without a media_id');
    return mediaId;
  }

  /** A valid access token, fetched when there is none or the one held is about to expire. */
  async accessToken(): Promise<string> {
    if (this.token && this.token.renewAtMs > this.now()) return this.token.value;
    this.fetching ??= this.fetchToken().finally(() => (this.fetching = undefined));
    return this.fetching;
  }

  private async fetchToken(): Promise<string> {
    const query = new URLSearchParams({ corpid: this.options.corpId, corpsecret: this.options.secret });
    const answer = checked('gettoken', await this.request(`gettoken?${query}`, { method: 'GET' }));
    const value = answer.access_token;
    const expiresIn = answer.expires_in;
    if (typeof value !== 'string' || typeof expiresIn !== 'number') throw new DomainError(ErrorCode.TEMPORARY, 'WeCom gettoken answered without a token');
    this.token = { value, renewAtMs: this.now() + Math.max(0, expiresIn * 1000 - RENEW_BEFORE_EXPIRY_MS) };
    return value;
  }

  /** Drops the token WeCom refused, unless a newer one replaced it meanwhile. */
  private forget(token: string): void {
    if (this.token?.value === token) this.token = undefined;
  }

  /** One call: `body` goes as JSON, `form` as multipart. */
  private async request(path: string, call: { method: 'GET' | 'POST'; token?: string; body?: unknown; form?: FormData }): Promise<WecomAnswer> {
    const url = new URL(`${this.root}/cgi-bin/${path}`);
    if (call.token) url.searchParams.set('access_token', call.token);
    const name = path.split('?')[0];
    let response: Response;
    try {
      response = await fetch(url, {
        method: call.method,
        headers: call.body === undefined ? undefined : { 'content-type': 'application/json' },
        body: call.form ?? (call.body === undefined ? undefined : JSON.stringify(call.body)),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      });
    } catch (error) {
      throw unreachable(name, error);
    }
    // WeCom answers errors with 200 and an errcode; anything else came from something in between.
    if (!response.ok) throw new DomainError(ErrorCode.TEMPORARY, `WeCom ${name} failed: HTTP ${response.status}`);
    try {
      return (await response.json()) as WecomAnswer;
    } catch (error) {
      throw unreachable(name, error);
    }
  }
}

function checked(call: string, answer: WecomAnswer): WecomAnswer {
  const errcode = answer.errcode ?? 0;
  if (errcode !== 0) throw wecomError(call, errcode, answer.errmsg ?? '');
  return answer;
}
